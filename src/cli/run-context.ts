// One run of a command: the abort signal every reader listens to (the pipeline, the live source, the backup
// and snapshot writers, the exec probes), the `--timeout` deadline, and which signal stopped the run.
// main() makes it once per invocation and alone turns a stopped run into its exit code: 130/143 for
// SIGINT/SIGTERM, 4 (INCOMPLETE, naming the phase) past the deadline. Commands only clean up and rethrow.
import { CozyError, ExitCode, IncompleteError } from '../errors.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The shell's codes for the two signals: the only place they are mapped. */
export const SIGNAL_EXIT_CODE: Record<StopSignal, number> = {
  SIGINT: ExitCode.SIGINT,
  SIGTERM: ExitCode.SIGTERM,
};

/** Where SIGINT/SIGTERM come from: the process for the binary; a test's own emitter in-process. */
export interface SignalSource {
  /** Calls `listener` on each signal; returns the function that stops listening. */
  listen(listener: (signal: StopSignal) => void): () => void;
}

export const processSignals: SignalSource = {
  listen(listener) {
    const onInt = () => listener('SIGINT');
    const onTerm = () => listener('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
};

/** What a command, and everything it calls, sees of the run. */
export interface RunContext {
  /** Aborted on SIGINT/SIGTERM or when the `--timeout` deadline passes. */
  readonly signal: AbortSignal;
  /** The signal that stopped the run, if one did. */
  received(): StopSignal | undefined;
  /** Whether the `--timeout` deadline passed (and no signal came first). */
  timedOut(): boolean;
  /** Names the phase under way (the progress line's text): a run stopped by `--timeout` says where it was. */
  enterPhase(text: string): void;
  /**
   * What the command undid while stopping ("removed the partial backup folder X; no backup was written"):
   * main() says it on the line that reports the interruption, the timeout or the error.
   */
  noteCleanup(text: string): void;
}

export interface RunOptions {
  /** The command's name as typed (`backup verify`), for the lines main() prints. */
  command?: string;
  signals: SignalSource;
  /** How long a stopped run may take to end by itself before the process ends anyway. */
  graceMs: number;
  /** Ends the process at once with `code` after `line` (a second signal, or a run that ignores the abort). */
  forceExit(line: string, code: number): void;
}

/** The run's owner (main): the context it hands down, plus what only main does with it. */
export interface RunControl {
  readonly context: RunContext;
  /** Starts the `--timeout` deadline (known once the global options are parsed). */
  limit(timeoutMs: number | undefined): void;
  setCommand(name: string): void;
  /**
   * The error that ends a run that threw: a CozyError of 130/143 when a signal stopped it, INCOMPLETE naming the
   * phase past the deadline, else `error` itself (after saying what the command cleaned up).
   */
  failure(error: unknown, write: (line: string) => void): unknown;
  dispose(): void;
}

/** The run was stopped by SIGINT/SIGTERM: its message is the one line printed, its code 130 or 143. */
export class InterruptedError extends CozyError {
  constructor(message: string, signal: StopSignal) {
    super(message, SIGNAL_EXIT_CODE[signal] as 130 | 143);
  }
}

export function startRun(options: RunOptions): RunControl {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  let deadlinePassed = false;
  let timeoutMs: number | undefined;
  let command = options.command;
  let phase: string | undefined;
  let cleanup: string | undefined;
  const timers: NodeJS.Timeout[] = [];

  const who = () => (command ? `cozy-assess ${command}` : 'cozy-assess');
  const at = () => (phase ? ` (it was at: ${phase})` : '');
  const interruptedLine = (signal: StopSignal) =>
    `interrupted by ${signal}: ${cleanup ?? `${who()} stopped before it finished${at()}; no results were written`}`;
  const timeoutMessage = () =>
    `${who()} did not finish within --timeout (${timeoutMs} ms)${at()}${cleanup ? `; ${cleanup}` : ''}`;
  /** A run that does not end by itself within the grace period is ended: the abort is a request, this is the bound. */
  const bound = (line: () => string, code: () => number) => {
    const timer = setTimeout(() => options.forceExit(line(), code()), options.graceMs);
    timer.unref();
    timers.push(timer);
  };

  const stopListening = options.signals.listen((signal) => {
    if (received) {
      options.forceExit(interruptedLine(signal), SIGNAL_EXIT_CODE[signal]);
      return;
    }
    received = signal;
    controller.abort(new Error(`interrupted by ${signal}`));
    bound(
      () => interruptedLine(signal),
      () => SIGNAL_EXIT_CODE[signal],
    );
  });

  const context: RunContext = {
    signal: controller.signal,
    received: () => received,
    timedOut: () => deadlinePassed && !received,
    enterPhase: (text) => {
      phase = text;
    },
    noteCleanup: (text) => {
      cleanup = text;
    },
  };

  return {
    context,
    limit(ms) {
      if (ms === undefined || ms <= 0 || timeoutMs !== undefined) return;
      timeoutMs = ms;
      const timer = setTimeout(() => {
        if (received || controller.signal.aborted) return;
        deadlinePassed = true;
        controller.abort(new Error(`--timeout (${ms} ms) passed`));
        bound(
          () => `error: ${timeoutMessage()}`,
          () => ExitCode.INCOMPLETE,
        );
      }, ms);
      timer.unref();
      timers.push(timer);
    },
    setCommand(name) {
      command = name;
    },
    failure(error, write) {
      if (received) return new InterruptedError(interruptedLine(received), received);
      if (deadlinePassed) {
        return new IncompleteError(
          timeoutMessage(),
          'raise --timeout, or lower the cluster load with --concurrency',
        );
      }
      if (cleanup) write(`${who()} stopped: ${cleanup}`);
      return error;
    },
    dispose() {
      stopListening();
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

/** One run inside a command: an assessment of `serve`, a cluster of a fleet run. */
export interface InnerRun {
  readonly context: RunContext;
  /**
   * The error that ended this run: INCOMPLETE naming the phase when its own deadline passed, else `error` as it
   * is (a stop of the whole command is the command's to report, through main).
   */
  failure(error: unknown): unknown;
  /** Stops listening to the command's run and clears the deadline: call it when the run has ended. */
  dispose(): void;
}

export interface InnerRunOptions {
  /** What the run is, for the timeout message: `cluster prod`, `assessment 3`. */
  name: string;
  /** Its own `--timeout`: past it, this run ends INCOMPLETE and the command goes on. */
  timeoutMs?: number;
}

/**
 * A run within the command's run: stopped when the command is (a signal, the command's own deadline), or when
 * its own deadline passes, which stops it alone. Listens to the parent only until disposed, so a long-lived
 * command that starts many inner runs holds none of them.
 */
export function startInnerRun(parent: RunContext, options: InnerRunOptions): InnerRun {
  const controller = new AbortController();
  let deadlinePassed = false;
  let phase: string | undefined;
  let cleanup: string | undefined;
  const onParentAbort = () => controller.abort(parent.signal.reason);
  if (parent.signal.aborted) onParentAbort();
  else parent.signal.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
    const ms = options.timeoutMs;
    timer = setTimeout(() => {
      if (controller.signal.aborted) return;
      deadlinePassed = true;
      controller.abort(new Error(`--timeout (${ms} ms) passed`));
    }, ms);
    timer.unref();
  }

  const context: RunContext = {
    signal: controller.signal,
    received: () => parent.received(),
    timedOut: () => deadlinePassed && !parent.received(),
    enterPhase: (text) => {
      phase = text;
      parent.enterPhase(`${options.name}: ${text}`);
    },
    noteCleanup: (text) => {
      cleanup = text;
      parent.noteCleanup(`${options.name}: ${text}`);
    },
  };

  return {
    context,
    failure(error) {
      if (!context.timedOut()) return error;
      return new IncompleteError(
        `${options.name} did not finish within --timeout (${options.timeoutMs} ms)${phase ? ` (it was at: ${phase})` : ''}${cleanup ? `; ${cleanup}` : ''}`,
        'raise --timeout, or lower the cluster load with --concurrency',
      );
    },
    dispose() {
      parent.signal.removeEventListener('abort', onParentAbort);
      if (timer) clearTimeout(timer);
    },
  };
}
