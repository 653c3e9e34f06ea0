#!/usr/bin/env node
// Entry point of the `cozy-assess` binary.
import { setFlagsFromString } from 'node:v8';
import { dropOutputWhenClosed } from './closed-pipe.js';
import { main } from './main.js';

// V8 lets the old generation grow to a multiple of the live heap before a full collection: a 50k-pod assess
// (~40 MB of facts) peaked at ~290 MB RSS with 4 full collections. Growing by half at a time keeps the peak
// near 225 MB for ~1 s more CPU; growing by a fifth (~215 MB) took ~3.5 s more, in ~45 full collections.
setFlagsFromString('--heap-growing-percent=50');

dropOutputWhenClosed(process.stdout);
dropOutputWhenClosed(process.stderr);
process.exitCode = await main(process.argv);
