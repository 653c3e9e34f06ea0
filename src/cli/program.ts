// The command line's shape: every command, its flags, arguments and help. Command modules are loaded only when
// their command runs, so that `--help` does not pay for the Kubernetes client (about 0.5 s).
import { Command, Option } from 'commander';
import type { CommandDefinition } from './command.js';
import { FORMAT_NAMES } from './formats.js';
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
const strategy = () =>
  new Option(
    '--strategy <name>',
    'how the upgrade path is chosen: "conservative" (the newest patch of every minor line) or "shortest" (only the stops upstream requires)',
  )
    .choices(['conservative', 'shortest'])
    .default('conservative');
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
    .option('--context <name>', 'kubeconfig context to use')
    .option(
      '--snapshot <dir>',
      'read a saved snapshot folder (kubectl -o json/yaml files) instead of a cluster',
    )
    .option('--request-timeout <duration>', 'timeout of one API request (500ms, 30s, 2m)', '30s')
    .option('--timeout <duration>', 'bound on the whole run; past it the run ends INCOMPLETE (exit 4)')
    .option('--concurrency <n>', 'API requests in flight at once', '4')
    .option('-o, --output <format>', `${FORMAT_NAMES.join(' | ')} (per command)`, 'table')
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
    .option('--report <file>', 'Markdown report file (default: cozy-assess-report-<date>.md)')
    .option('--json <file>', 'also write the assessment JSON to this file')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .option('--html <file>', 'also write the report as one self-contained HTML page to this file')
    .option(
      '--previous <file>',
      'an earlier assessment JSON of this cluster: the reports add "Since the last assessment"',
    )
    .option('--force', 'with --previous: compare even if the two runs read different clusters')
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
    .addOption(execProbes())
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
    .action(dispatch(() => import('./commands/plan-migration.js')));

  program
    .command('check')
    .description('run the health checks and print the findings')
    .option(
      '--target <version>',
      'also check the upgrade path to this CozyStack version (vX.Y.Z or "latest")',
    )
    .addOption(strategy())
    .addOption(failOn())
    .addOption(plugin())
    .addOption(execProbes())
    .action(dispatch(() => import('./commands/check.js')));

  program
    .command('path')
    .description('show the upgrade path from the installed version to the target, with breaking changes')
    .option('--target <version>', 'target CozyStack version (vX.Y.Z or "latest")', 'latest')
    .addOption(strategy())
    .action(dispatch(() => import('./commands/path.js')));

  const backup = program
    .command('backup')
    .description('take a checksummed, verified backup (or verify one: backup verify DIR)')
    .option('--out <dir>', 'folder in which the timestamped backup folder is created', 'cozy-backup')
    .action(dispatch(() => import('./commands/backup.js')));
  secretOptions(backup);
  backup
    .command('verify <dir>')
    .description('re-hash a backup folder against SHA256SUMS; names missing, extra and altered files')
    .action(dispatch(() => import('./commands/backup-verify.js')));

  program
    .command('snapshot <dir>')
    .description('save the cluster state the tool reads into a snapshot folder (no Secrets unless asked)')
    .option('--include-secrets', 'also save Secrets (files are written 0600)')
    .action(dispatch(() => import('./commands/snapshot.js')));

  program
    .command('report <assessment>')
    .description('re-render a saved assessment JSON as markdown, html, json, yaml, junit or table (-o)')
    .action(dispatch(() => import('./commands/report.js')));

  program
    .command('diff <old> <new>')
    .description(
      'what changed between two assessment JSON files of one cluster (-o table, markdown, json); exit: the verdict of NEW',
    )
    .option('--force', 'compare even if the two files are of different clusters')
    .action(dispatch(() => import('./commands/diff.js')));

  return program;
}
