// The command line's shape: every command, its flags, arguments and help. Command modules are loaded only when
// their command runs, so that `--help` does not pay for the Kubernetes client (about 0.5 s).
import { Command, Option } from 'commander';
import type { CommandDefinition } from './command.js';
import { FORMAT_NAMES, formatsFor, type PrintedKind } from './format-names.js';
import { DEFAULT_CHUNK_SIZE } from '../cluster/paging.js';
import { toolVersion } from './version.js';

/** Loads a command module; its default export is its definition (see command.ts). */
export type LoadCommand = () => Promise<{ default: CommandDefinition }>;
/** Turns a command module into the action commander calls (main's, which runs it and keeps its exit code). */
export type Dispatch = (load: LoadCommand) => (...params: unknown[]) => Promise<void>;

const failOn = () =>
  new Option(
    '--fail-on <level>',
    'what makes the run fail: "fail" (blocking findings) or "warn" (warnings too)',
  )
    .choices(['fail', 'warn'])
    .default('fail');
const strategyOption = (extra = '') =>
  new Option(
    '--strategy <name>',
    `how the upgrade path is chosen: "conservative" (the newest patch of every minor line) or "shortest" (only the stops upstream requires)${extra}`,
  ).choices(['conservative', 'shortest']);
const strategy = () => strategyOption().default('conservative');
/** check's: no default value, so a --strategy given without --target can be told apart (and warned about). */
const checkStrategy = () => strategyOption('; with --target (default: "conservative")');
const plugin = () =>
  new Option('--plugin <file>', 'load an external check module (repeatable)').argParser(
    (value: string, previous: string[] = []) => [...previous, value],
  );
const pluginTimeout = () =>
  new Option(
    '--plugin-timeout <duration>',
    "how long a plugin may take to load, and each plugin check's run(); past it the check is unknown (never beyond --timeout)",
  ).default('30s');
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

/** The global flags each command reads: its --help lists these (and only these) under "Global Options". */
const CLUSTER_FLAGS = [
  '--kubeconfig',
  '--context',
  '--snapshot',
  '--request-timeout',
  '--timeout',
  '--concurrency',
  '--chunk-size',
];
const OUTPUT_FLAGS = ['--output', '--no-color', '--quiet', '--verbose'];
export const GLOBAL_FLAGS_OF: Readonly<Record<string, readonly string[]>> = {
  assess: [...CLUSTER_FLAGS, '--config', '--catalog', '--now', ...OUTPUT_FLAGS],
  check: [...CLUSTER_FLAGS, '--config', '--catalog', '--now', ...OUTPUT_FLAGS],
  path: [...CLUSTER_FLAGS, '--catalog', '--now', ...OUTPUT_FLAGS],
  backup: [...CLUSTER_FLAGS, ...OUTPUT_FLAGS],
  'backup verify': OUTPUT_FLAGS,
  snapshot: [...CLUSTER_FLAGS, ...OUTPUT_FLAGS],
  report: OUTPUT_FLAGS,
  'plan-migration': [...CLUSTER_FLAGS, '--config', '--catalog', '--now', ...OUTPUT_FLAGS],
  diff: OUTPUT_FLAGS,
  serve: [...CLUSTER_FLAGS, '--config', '--catalog', '--now', ...OUTPUT_FLAGS],
  completion: [],
};

/** The command's name as typed: `backup verify`. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * What each command prints, for its help and the shell completion of -o without loading the command modules
 * (the Kubernetes client); test/cli/habits.test.ts keeps it equal to each module's own `prints`.
 */
export const PRINTS_OF: Readonly<Record<string, PrintedKind>> = {
  assess: 'assessment',
  check: 'checks',
  path: 'plan',
  backup: 'backup',
  'backup verify': 'verification',
  snapshot: 'snapshot',
  report: 'assessment',
  'plan-migration': 'migration',
  diff: 'diff',
  serve: 'serve',
};

/** The -o formats a command accepts, its two examples and its exit codes, after its own help. */
function usage(path: string, examples: [string, string], exits: string): string {
  const kind = PRINTS_OF[path];
  const formats = kind ? `\nOutput (-o): ${formatsFor(kind).join(', ')}.\n` : '';
  return `${formats}
Examples:
  $ ${examples[0]}
  $ ${examples[1]}

Exit codes: ${exits}`;
}

const INTERRUPTED = '130/143 interrupted (SIGINT/SIGTERM)';

export function buildProgram(dispatch: Dispatch): Command {
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
    .option(
      '--context <name>',
      'kubeconfig context to use (assess and check: a comma-separated list runs each, see --all-contexts)',
    )
    .option(
      '--snapshot <dir>',
      'read a saved snapshot folder (kubectl -o json/yaml files) instead of a cluster',
    )
    .option(
      '--request-timeout <duration>',
      'timeout of one API request (500ms, 30s, 2m; a bare number is seconds, as kubectl)',
      '30s',
    )
    .option('--timeout <duration>', 'bound on the whole run; past it the run ends INCOMPLETE (exit 4)')
    .option('--concurrency <n>', 'API requests in flight at once', '4')
    .option(
      '--chunk-size <n>',
      'objects per list request, as kubectl (smaller pages for huge lists or a slow proxy)',
      String(DEFAULT_CHUNK_SIZE),
    )
    .option('-o, --output <format>', `${FORMAT_NAMES.join(' | ')} (per command)`, 'table')
    .option('--config <file>', 'YAML config: checks, thresholds, suppressions, decision model')
    .option('--catalog <file>', 'release catalog that overrides or extends the shipped one')
    .option('--now <time>', 'fix the clock for ages (RFC 3339, e.g. 2026-11-20T12:00:00Z)')
    .option('--no-color', 'no colour (also with NO_COLOR or CI set, unless FORCE_COLOR forces it)')
    .option('-q, --quiet', 'no progress lines on stderr')
    .option('-v, --verbose', 'more detail, and stack traces on internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({
      showGlobalOptions: true,
      visibleGlobalOptions: (command: Command) => {
        const wanted = GLOBAL_FLAGS_OF[pathOf(command)] ?? [];
        let root = command;
        while (root.parent) root = root.parent;
        return root.options.filter((o) => o.long && wanted.includes(o.long));
      },
    })
    .addHelpText(
      'after',
      `
Examples:
  $ cozy-assess assess --snapshot fixtures/seed-incident --target v0.37.2 --no-backup
  $ cozy-assess assess --context prod --target latest --backup-dir /root/cozy-backup
  $ cozy-assess check -o junit > checks.xml
  $ cozy-assess report assessment.json -o html > report.html
  $ cozy-assess diff before.json after.json -o markdown
  $ cozy-assess path --target v0.37.2 -o markdown
  $ cozy-assess plan-migration --snapshot fixtures/tenants --target v0.37.2 --out plan
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
    .option(
      '--report <file>',
      'Markdown report file (default: cozy-assess-report-<date>.md, or -2, -3, … when taken: never replaced); with several clusters: the fleet summary, only when given',
    )
    .option('--json <file>', 'also write the assessment JSON to this file')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .option('--html <file>', 'also write the report as one self-contained HTML page to this file')
    .option(
      '--previous <file>',
      'an earlier assessment JSON of this cluster: the reports add "Since the last assessment"',
    )
    .option('--force', 'with --previous: compare even if the two runs read different clusters')
    .option('--all-contexts', 'run on every context of the kubeconfig (a fleet run: a table of clusters)')
    .option('--parallel <n>', 'with a list of contexts: clusters assessed at once (default 4)')
    .option('--report-dir <dir>', 'with a list of contexts: write DIR/<context>/ files for each cluster')
    .addOption(strategy())
    .option(
      '--migration-plan <dir>',
      'when the recommendation is Option C, also write the migration plan folder there (must not exist)',
    )
    .option(
      '--include-secrets',
      "with --migration-plan: carry the tenant Secrets in the plan, encrypted with the backup's key (--encrypt-secrets)",
    )
    .addOption(failOn())
    .addOption(plugin())
    .addOption(pluginTimeout())
    .addOption(execProbes())
    .addHelpText(
      'after',
      usage(
        'assess',
        [
          'cozy-assess assess --context prod --target v0.37.2 --backup-dir /root/cozy-backup --encrypt-secrets --recipient age1...',
          'cozy-assess assess --snapshot fixtures/seed-incident --target v0.37.2 --no-backup -o json > assessment.json',
        ],
        `0 GO, 3 NO-GO, 4 INCOMPLETE, 2 bad input, 1 internal error, ${INTERRUPTED}.`,
      ),
    )
    .action(dispatch(() => import('./commands/assess.js')));
  secretOptions(program.commands.at(-1)!);

  program
    .command('plan-migration')
    .description(
      'plan Option C: write a new folder with the runbook (plan.md), plan.json and per-tenant manifests for the target',
    )
    .option(
      '--target <version>',
      'target CozyStack version of the fresh install (vX.Y.Z or "latest")',
      'latest',
    )
    .option('--out <dir>', 'the plan folder to create (must not exist)')
    .option('--include-secrets', 'carry the tenant Secrets and secret values, age-encrypted (needs a key)')
    .option(
      '--recipient <age1...>',
      'age recipient for --include-secrets (repeatable)',
      (v, p: string[] = []) => [...p, v],
    )
    .option('--passphrase-file <file>', 'file holding the passphrase for --include-secrets')
    .addOption(plugin())
    .addOption(pluginTimeout())
    .addHelpText(
      'after',
      usage(
        'plan-migration',
        [
          'cozy-assess plan-migration --context prod --target v0.37.2 --out plan-2025-10-24',
          'cozy-assess plan-migration --snapshot fixtures/tenants --target v1.6.2 --out plan',
        ],
        `0 written, 4 written without a type it needs, 2 bad input (before reading), 1 internal error, ${INTERRUPTED}.`,
      ),
    )
    .action(dispatch(() => import('./commands/plan-migration.js')));

  program
    .command('check')
    .description('run the health checks and print the findings')
    .option(
      '--target <version>',
      'also check the upgrade path to this CozyStack version (vX.Y.Z or "latest")',
    )
    .option('--all-contexts', 'run on every context of the kubeconfig (a fleet run: a table of clusters)')
    .option('--parallel <n>', 'with a list of contexts: clusters assessed at once (default 4)')
    .option('--report-dir <dir>', 'with a list of contexts: write DIR/<context>/ files for each cluster')
    .addOption(checkStrategy())
    .addOption(failOn())
    .addOption(plugin())
    .addOption(pluginTimeout())
    .addOption(execProbes())
    .addHelpText(
      'after',
      usage(
        'check',
        [
          'cozy-assess check --context prod',
          'cozy-assess check --snapshot ./state --target latest -o junit > checks.xml',
        ],
        `0 nothing blocking fails, 3 a blocking finding (with --fail-on warn: any warning), 4 a blocking check could not tell, 2 bad input, 1 internal error, ${INTERRUPTED}.`,
      ),
    )
    .action(dispatch(() => import('./commands/check.js')));

  program
    .command('path')
    .description('show the upgrade path from the installed version to the target, with breaking changes')
    .option('--target <version>', 'target CozyStack version (vX.Y.Z or "latest")', 'latest')
    .addOption(strategy())
    .addHelpText(
      'after',
      usage(
        'path',
        [
          'cozy-assess path --context prod --target latest',
          'cozy-assess path --snapshot fixtures/seed-incident --target v0.37.2 -o markdown > path.md',
        ],
        `0 a path was computed, 4 the installed version could not be detected, 2 bad target or catalog, 1 internal error, ${INTERRUPTED}.`,
      ),
    )
    .action(dispatch(() => import('./commands/path.js')));

  const backup = program
    .command('backup')
    .description('take a checksummed, verified backup (or verify one: backup verify DIR)')
    .option('--out <dir>', 'folder in which the timestamped backup folder is created', 'cozy-backup')
    .addHelpText(
      'after',
      usage(
        'backup',
        [
          'cozy-assess backup --context prod --out /root/cozy-backup --encrypt-secrets --recipient age1...',
          'cozy-assess backup --out /root/cozy-backup --no-secrets --allow-partial',
        ],
        `0 written and verified, 3 the re-read did not verify, 4 a type could not be read (unless --allow-partial), 2 bad input, 1 internal error, ${INTERRUPTED}.`,
      ),
    )
    .action(dispatch(() => import('./commands/backup.js')));
  secretOptions(backup);
  backup
    .command('verify <dir>')
    .description('re-hash a backup folder against SHA256SUMS; names missing, extra and altered files')
    .option('--allow-partial', 'accept a backup that skipped types it could not read (otherwise exit 4)')
    .addHelpText(
      'after',
      usage(
        'backup verify',
        [
          'cozy-assess backup verify /root/cozy-backup/20251024-1931',
          'cozy-assess backup verify ./cozy-backup/20251024-1931 -o json',
        ],
        '0 every checksum matches, 3 files missing, extra or altered, 4 checksums match but the backup is partial (a type was skipped; accept it with --allow-partial), 2 not a backup folder, 1 internal error.',
      ),
    )
    .action(dispatch(() => import('./commands/backup-verify.js')));

  program
    .command('snapshot <dir>')
    .description('save the cluster state the tool reads into a snapshot folder (no Secrets unless asked)')
    .option('--include-secrets', 'also save Secrets (files are written 0600)')
    .addHelpText(
      'after',
      usage(
        'snapshot',
        ['cozy-assess snapshot ./state --context prod', 'cozy-assess snapshot ./state --include-secrets'],
        `0 written, 4 a type could not be read, 2 bad input (a folder that is not empty), 1 internal error, ${INTERRUPTED}.`,
      ),
    )
    .action(dispatch(() => import('./commands/snapshot.js')));

  const serve = program
    .command('serve')
    .description(
      're-assess on an interval; serve readiness metrics (/metrics), /healthz, /readyz and the latest report over HTTP',
    )
    .option(
      '--listen <addr:port>',
      'where to serve HTTP (:8080 is every interface; port 0 picks a free one)',
      ':8080',
    )
    .option(
      '--interval <duration>',
      'time between the starts of two runs (1h, 30m); the first starts at once',
      '1h',
    )
    .option('--target <version>', 'target CozyStack version (vX.Y.Z or "latest")', 'latest')
    .option('--backup', 'take a verified backup on every run (off: serve only reads)')
    .option(
      '--backup-dir <dir>',
      'with --backup: where each run creates its timestamped backup folder',
      'cozy-backup',
    )
    .addOption(strategy())
    .addOption(failOn())
    .addOption(plugin())
    .addOption(pluginTimeout())
    .addOption(execProbes())
    .addHelpText(
      'after',
      `
--timeout bounds each run (default: the interval, at least 5m). A run that produces no assessment is counted in
cozy_assess_run_errors_total and the last good assessment stays served.
${usage(
  'serve',
  [
    'cozy-assess serve --listen :8080 --interval 1h --target v0.37.2',
    'cozy-assess serve --context prod --listen 127.0.0.1:9464 --interval 30m --config cozy-assess.yaml',
  ],
  '0 stopped by SIGTERM/SIGINT (it prints how many runs and the latest verdict), 2 bad input before serving (flags, config, catalog, --listen), 1 internal error.',
)}`,
    )
    .action(dispatch(() => import('./commands/serve.js')));
  secretOptions(serve);

  program
    .command('report <assessment>')
    .description('re-render a saved assessment JSON as markdown, html, json, yaml, junit or table (-o)')
    .addHelpText(
      'after',
      usage(
        'report',
        [
          'cozy-assess report assessment.json -o markdown > report.md',
          'cozy-assess report assessment.json -o junit > checks.xml',
        ],
        "0 GO, 3 NO-GO, 4 INCOMPLETE (the saved verdict's), 2 a file that is not an assessment, 1 internal error.",
      ),
    )
    .action(dispatch(() => import('./commands/report.js')));

  program
    .command('diff <old> <new>')
    .description(
      'what changed between two assessment JSON files of one cluster (-o table, markdown, json); exit: the verdict of NEW',
    )
    .option('--force', 'compare even if the two files are of different clusters')
    .addHelpText(
      'after',
      usage(
        'diff',
        [
          'cozy-assess diff before.json after.json',
          'cozy-assess diff before.json after.json -o markdown > changes.md',
        ],
        "0 GO, 3 NO-GO, 4 INCOMPLETE (NEW's verdict), 2 bad input (files of two different clusters without --force), 1 internal error.",
      ),
    )
    .action(dispatch(() => import('./commands/diff.js')));

  return program;
}
