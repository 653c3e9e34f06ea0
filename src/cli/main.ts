// Runs one command line: parses it, makes the run (abort signal, --timeout deadline, signals) and the output,
// hands both to the command, and turns what happened into the exit code. Everything the process gives a run
// (streams, env, signals, exit) comes in through `Runtime`, so tests run main() in-process.
import { type Command, CommanderError } from 'commander';
import { badInputFromZod, CozyError, ExitCode } from '../errors.js';
import type { CommandContext, CommandDefinition, LiveTuning } from './command.js';
import { addCompletionCommands, DYNAMIC_COMPLETION_COMMAND, writeDynamicCompletion } from './completion.js';
import { resolveGlobals } from './globals.js';
import { buildProgram, type LoadCommand } from './program.js';
import { InterruptedError, processSignals, type SignalSource, startRun } from './run-context.js';
import { createTerminal, type Io, processIo } from './terminal.js';
import { toolVersion } from './version.js';

const ISSUES_URL = 'https://github.com/cozystack/cozy-assess/issues';
/**
 * How long a stopped run (signal or --timeout) may take to end by itself before the process ends anyway. Long
 * enough for a loaded machine to finish loading a module and remove a partial folder (measured: loading the
 * Kubernetes client alone took 4-7 s at a load of 15 on 2 cores), short of an orchestrator's SIGKILL (30 s).
 */
const STOP_GRACE_MS = 15_000;

/** What the process gives a run; in-process tests pass their own. */
export interface Runtime extends Io {
  signals: SignalSource;
  /** Ends the process (a second signal, or a stopped run that does not end within the grace period). */
  exit(code: number): void;
  live?: LiveTuning;
  stopGraceMs?: number;
}

export const processRuntime: Runtime = {
  ...processIo,
  signals: processSignals,
  exit: (code) => process.exit(code),
};

/** Turns any failure into a message and an exit code; a stack trace only with -v. */
export function exitCodeForError(error: unknown, verbose: boolean, write: (line: string) => void): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.GO;
    return ExitCode.BAD_INPUT;
  }
  if (error instanceof InterruptedError) {
    write(error.message);
    return error.exitCode;
  }
  if (error instanceof CozyError) {
    write(`error: ${error.message}`);
    if (error.hint) write(`hint: ${error.hint}`);
    if (verbose && error.stack) write(error.stack);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`internal error: ${message}`);
  write(
    `This is a bug in cozy-assess ${toolVersion()}. Please report it at ${ISSUES_URL} with the command you ran${verbose ? '.' : ' and the output of the same command with -v.'}`,
  );
  if (verbose && error instanceof Error && error.stack) write(error.stack);
  return ExitCode.INTERNAL;
}

/** The command's name as typed: `backup verify`, not `verify`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's values for the command: its options, and its arguments under their declared names. */
function rawValues(command: Command): Record<string, unknown> {
  // A nested command (`backup verify`) also gets what its parent parsed: commander hands a flag that both
  // declare (`--allow-partial`) to the parent. Top-level commands' parent is the program (the global flags).
  const inherited = command.parent?.parent ? command.parent.opts() : {};
  const values: Record<string, unknown> = { ...inherited, ...command.opts() };
  command.registeredArguments.forEach((argument, index) => {
    values[argument.name()] = command.processedArgs[index];
  });
  return values;
}

export async function main(argv: string[], runtime: Runtime = processRuntime): Promise<number> {
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  const write = (line: string) => runtime.stderr.write(`${line}\n`);
  const run = startRun({
    signals: runtime.signals,
    graceMs: runtime.stopGraceMs ?? STOP_GRACE_MS,
    forceExit: (line, code) => {
      write(line);
      runtime.exit(code);
    },
  });
  let exitCode: number = ExitCode.GO;

  const dispatch =
    (load: LoadCommand) =>
    async (...params: unknown[]): Promise<void> => {
      const command = params[params.length - 1] as Command;
      run.setCommand(commandPath(command));
      const globals = resolveGlobals(command.optsWithGlobals(), runtime.env);
      const definition: CommandDefinition = (await load()).default;
      // Loaded with the command, not before: --help and a usage error load no renderer.
      const { render, requireFormat } = await import('./formats.js');
      requireFormat(globals.output, definition.prints, commandPath(command), definition.formatHint);
      const parsed = definition.options.safeParse(rawValues(command));
      if (!parsed.success) throw badInputFromZod(parsed.error, 'command line', 'options');
      if (!definition.timeoutPerRun?.(parsed.data, globals, runtime.env)) run.limit(globals.timeoutMs);
      const terminal = createTerminal(globals, runtime, run.context);
      const context: CommandContext = {
        globals,
        run: run.context,
        io: runtime,
        terminal,
        live: runtime.live ?? {},
        print: (value) =>
          terminal.write(render(globals.output, definition.prints, value, { color: terminal.color })),
      };
      exitCode = await definition.run(parsed.data, context);
    };

  const program = buildProgram(dispatch);
  addCompletionCommands(program, runtime);
  // Subcommands copy settings only when created, so these must reach each one (else `check --bogus` would
  // exit 1 from inside commander instead of 2 from here, and print on the process's streams).
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
    });
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    // kubectl's plugin completion (bin/kubectl_complete-cozy_assess): the words are not a command line to parse.
    if (argv[2] === DYNAMIC_COMPLETION_COMMAND) {
      await writeDynamicCompletion(program, argv.slice(3), runtime);
      return ExitCode.GO;
    }
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    const failure = run.failure(error, write);
    const code = exitCodeForError(failure, verbose, write);
    // The abort surfaced as an error of whatever was reading: with -v, show where.
    if (failure instanceof InterruptedError && verbose && error instanceof Error && error.stack)
      write(error.stack);
    return code;
  } finally {
    run.dispose();
  }
}
