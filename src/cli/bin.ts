#!/usr/bin/env node
// Entry point of the `cozy-assess` binary.
import { main } from './main.js';

process.exitCode = await main(process.argv);
