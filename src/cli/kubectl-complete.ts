#!/usr/bin/env node
// Entry point of `kubectl_complete-cozy_assess`: kubectl (1.26 and later) runs it, found on PATH beside the
// plugin `kubectl-cozy_assess`, to complete `kubectl cozy-assess …`. It is given the words typed after the
// plugin's name, the last one being completed, and prints the choices and a cobra directive (completion.ts).
import { DYNAMIC_COMPLETION_COMMAND } from './completion.js';
import { main } from './main.js';

process.exitCode = await main([
  process.argv[0]!,
  process.argv[1]!,
  DYNAMIC_COMPLETION_COMMAND,
  ...process.argv.slice(2),
]);
