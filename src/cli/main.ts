// The command line: commands, options, exit codes. Command modules are loaded lazily so that
// `--help` does not pay for the Kubernetes client (about 0.5 s).
import { Command, CommanderError, Option } from 'commander';
import { CozyError, ExitCode } from '../errors.js';
import { type GlobalOptions, resolveGlobals } from './globals.js';
import { toolVersion } from './version.js';

const ISSUES_URL = 'https://github.com/cozystack/cozy-assess/issues';

type Action = (options: Record<string, unknown>, globals: GlobalOptions, args: string[]) => Promise<number>;

/** The run in progress, for the SIGINT/SIGTERM handler of main(): the command's name and the abort signal. */
const current: { command?: string; signal?: AbortSignal } = {};

/** Wraps a command module: resolves globals, runs it, turns its result into the process exit code. */
function action(load: () => Promise<{ run: Action }>) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const args = params.slice(0, -2).filter((p): p is string => typeof p === 'string');
    const raw = command.optsWithGlobals();
    const globals: GlobalOptions = { ...resolveGlobals(raw), signal: current.signal };
    current.command = command.name();
    const module = await load();
    process.exitCode = await module.run(command.opts(), globals, args);
  };
}

const failOn = () =>
  new Option(
    '--fail-on <level>',
    'what makes the run fail: "fail" (blocking findings) or "warn" (warnings too)',
  )
    .choices(['fail', 'warn'])
    .default('fail');
const plugin = () =>
  new Option('--plugin <file>', 'load an external check module (repeatable)').argParser(
    (value: string, previous: string[] = []) => [...previous, value],
  );
const execProbes = () =>
  new Option(
    '--exec-probes',
    'exec `test -S /run/openvswitch/kube-ovn-daemon.sock` in each kube-ovn-cni pod (the only non-GET request; off by default)',
  );
const secretOptions = (command: Command) =>
  command
    .option('--no-secrets', 'leave Secrets out of the backup')
    .option('--encrypt-secrets', 'encrypt Secret files with age (needs --recipient or --passphrase-file)')
    .option(
      '--recipient <age1...>',
      'age recipient for --encrypt-secrets (repeatable)',
      (v, p: string[] = []) => [...p, v],
    )
    .option('--passphrase-file <file>', 'file holding the passphrase for --encrypt-secrets')
    .option('--allow-partial', 'accept a backup that skipped forbidden types (otherwise INCOMPLETE, exit 4)');

export function buildProgram(): Command {
  const program = new Command('cozy-assess')
    .description(
      'Assess a CozyStack cluster before an upgrade: health checks, verified backup, Option A (in-place) vs ' +
        'Option C (fresh install) decision, and a go/no-go report. Reads only; never changes the cluster.',
    )
    .version(toolVersion(), '--version', 'print the version')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)',
    )
    .option('--context <name>', 'kubeconfig context to use')
    .option(
      '--snapshot <dir>',
      'read a saved snapshot folder (kubectl -o json/yaml files) instead of a cluster',
    )
    .option('--request-timeout <duration>', 'timeout of one API request (500ms, 30s, 2m)', '30s')
    .option('--timeout <duration>', 'bound on the whole run; past it the run ends INCOMPLETE (exit 4)')
    .option('--concurrency <n>', 'API requests in flight at once', '4')
    .option('-o, --output <format>', 'table | json | junit | markdown | yaml (per command)', 'table')
    .option('--config <file>', 'YAML config: checks, thresholds, suppressions, decision model')
    .option('--catalog <file>', 'release catalog that overrides or extends the shipped one')
    .option('--now <time>', 'fix the clock for ages (RFC 3339, e.g. 2026-11-20T12:00:00Z)')
    .option('--no-color', 'no colour (also with NO_COLOR or CI set)')
    .option('-q, --quiet', 'no progress lines on stderr')
    .option('-v, --verbose', 'more detail, and stack traces on internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ cozy-assess assess --snapshot fixtures/seed-incident --target v0.37.2 --no-backup
  $ cozy-assess assess --context prod --target latest --backup-dir /root/cozy-backup
  $ cozy-assess check -o junit > checks.xml
  $ cozy-assess path --target v0.37.2 -o markdown
  $ cozy-assess backup --out /root/cozy-backup && cozy-assess backup verify /root/cozy-backup/20251024-1931
  $ kubectl get pods,nodes,events -A -o json > state.json && cozy-assess check --snapshot .

Exit codes: 0 GO, 1 internal error, 2 bad input, 3 NO-GO, 4 INCOMPLETE.`,
    );

  program
    .command('assess')
    .description('run checks, upgrade path, backup and decision; write the go/no-go report')
    .option('--target <version>', 'target CozyStack version (vX.Y.Z or "latest")', 'latest')
    .option('--no-backup', 'skip the backup')
    .option('--backup-dir <dir>', 'where the timestamped backup folder is created', 'cozy-backup')
    .option('--report <file>', 'Markdown report file (default: cozy-assess-report-<date>.md)')
    .option('--json <file>', 'also write the assessment JSON to this file')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .addOption(failOn())
    .addOption(plugin())
    .addOption(execProbes())
    .action(action(() => import('./commands/assess.js')));
  secretOptions(program.commands.at(-1)!);

  program
    .command('check')
    .description('run the health checks and print the findings')
    .option(
      '--target <version>',
      'also check the upgrade path to this CozyStack version (vX.Y.Z or "latest")',
    )
    .addOption(failOn())
    .addOption(plugin())
    .addOption(execProbes())
    .action(action(() => import('./commands/check.js')));

  program
    .command('path')
    .description('show the upgrade path from the installed version to the target, with breaking changes')
    .option('--target <version>', 'target CozyStack version (vX.Y.Z or "latest")', 'latest')
    .action(action(() => import('./commands/path.js')));

  const backup = program
    .command('backup')
    .description('take a checksummed, verified backup (or verify one: backup verify DIR)')
    .option('--out <dir>', 'folder in which the timestamped backup folder is created', 'cozy-backup')
    .action(action(() => import('./commands/backup.js')));
  secretOptions(backup);
  backup
    .command('verify <dir>')
    .description('re-hash a backup folder against SHA256SUMS; names missing, extra and altered files')
    .action(action(() => import('./commands/backup-verify.js')));

  program
    .command('snapshot <dir>')
    .description('save the cluster state the tool reads into a snapshot folder (no Secrets unless asked)')
    .option('--include-secrets', 'also save Secrets (files are written 0600)')
    .action(action(() => import('./commands/snapshot.js')));

  program
    .command('report <assessment>')
    .description('re-render a saved assessment JSON as markdown, json, junit or table (-o)')
    .action(action(() => import('./commands/report.js')));

  return program;
}

/** Turns any failure into a message and an exit code; a stack trace only with -v. */
export function exitCodeForError(error: unknown, verbose: boolean, write: (line: string) => void): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.GO;
    if (error.code === 'commander.help') return ExitCode.BAD_INPUT;
    return ExitCode.BAD_INPUT;
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

const SIGNAL_EXIT: Record<string, number> = { SIGINT: ExitCode.SIGINT, SIGTERM: ExitCode.SIGTERM };
/** How long an interrupted run may take to stop by itself before the process ends anyway. */
const STOP_GRACE_MS = 5000;

/**
 * SIGINT/SIGTERM abort the run's signal, which the pipeline and the live source listen to. Commands that
 * clean up (backup, snapshot, assess) also listen themselves and return 130/143; for the others, main()
 * turns the aborted run into the exit code and a line. A second signal, or a run still going after
 * STOP_GRACE_MS (something that does not listen to the abort), ends the process at once.
 */
function watchSignals(write: (line: string) => void) {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (received) process.exit(SIGNAL_EXIT[name]);
    received = name;
    const ownHandler = process.listenerCount(name) > 1;
    controller.abort(new Error(`interrupted by ${name}`));
    if (!ownHandler) {
      setTimeout(() => {
        write(interruptedLine(name, current.command));
        process.exit(SIGNAL_EXIT[name]);
      }, STOP_GRACE_MS).unref();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function interruptedLine(signal: NodeJS.Signals, command: string | undefined): string {
  const what = command ? `cozy-assess ${command}` : 'cozy-assess';
  return `interrupted by ${signal}: ${what} stopped before it finished; no results were written`;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Subcommands copy settings only when created, so exitOverride must reach each one (else `check --bogus`
  // would exit 1 from inside commander instead of 2 from here).
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  const write = (line: string) => process.stderr.write(`${line}\n`);
  const signals = watchSignals(write);
  current.signal = signals.signal;
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.GO;
  } catch (error) {
    const received = signals.received();
    if (received) {
      // The abort surfaced as an error of whatever was reading: that is the interruption, not a fault.
      write(interruptedLine(received, current.command));
      if (verbose && error instanceof Error && error.stack) write(error.stack);
      return SIGNAL_EXIT[received]!;
    }
    return exitCodeForError(error, verbose, write);
  } finally {
    signals.dispose();
  }
}
