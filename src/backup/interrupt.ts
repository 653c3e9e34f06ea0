// SIGINT/SIGTERM during a backup or snapshot: stop listing, remove the partial folder, say so, and exit
// with the shell's code for the signal (130/143) instead of dying with a half-written folder.
import { ExitCode } from '../errors.js';

export interface Interrupts {
  /** Aborted when a signal arrives or the `--timeout` bound passes. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  received(): NodeJS.Signals | undefined;
  timedOut(): boolean;
  dispose(): void;
}

export function watchInterrupts(timeoutMs?: number): Interrupts {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (received) return;
    received = name;
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timeout = timeoutMs !== undefined && timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
  const signal = timeout ? AbortSignal.any([controller.signal, timeout]) : controller.signal;
  return {
    signal,
    received: () => received,
    timedOut: () => timeout?.aborted === true && !received,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export function exitCodeForSignal(name: NodeJS.Signals): number {
  return name === 'SIGINT' ? ExitCode.SIGINT : ExitCode.SIGTERM;
}
