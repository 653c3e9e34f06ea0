// Fleet runs: `assess` or `check` on several kubeconfig contexts (`--context a,b,c`, `--all-contexts`), up to
// `--parallel` clusters at a time. Each cluster is an inner run with its own source, `--timeout` and outcome: a
// cluster that cannot be assessed (unreachable, credentials refused, timed out) is an INCOMPLETE row, never the
// end of the run. Flags are checked before any cluster is read (exit 2); the exit code is the worst verdict.
// Only each cluster's row is kept once its files are written, so memory does not grow with the fleet.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { listKubeconfigContexts } from '../cluster/kubeconfig.js';
import { BadInputError, CozyError, ExitCode } from '../errors.js';
import type { Verdict } from '../model/assessment.js';
import { FLEET_SCHEMA_VERSION, type FleetAssessment, type FleetCluster } from '../model/fleet.js';
import { exitCodeOf, worstVerdict } from '../model/policy.js';
import { fleetRowOfFailure, renderFleetMarkdown } from '../report/fleet.js';
import type { CommandContext } from './command.js';
import { flag } from './flag-schemas.js';
import { type OutputFormat, render, requireFormat } from './formats.js';
import { appendStepSummary } from './github.js';
import { type GlobalOptions, parsePositiveInt } from './globals.js';
import { writeOutputFile } from './output-files.js';
import { startInnerRun } from './run-context.js';
import { createTerminal, type Io, type TextSink } from './terminal.js';
import { toolVersion } from './version.js';

/** The flags of a fleet run, on `assess` and `check`. */
export const fleetFlagsShape = {
  allContexts: flag,
  parallel: z.string().optional(),
  reportDir: z.string().optional(),
};
type FleetFlags = z.output<z.ZodObject<typeof fleetFlagsShape>>;

const DEFAULT_PARALLEL = 4;

export interface Fleet {
  command: FleetAssessment['command'];
  contexts: string[];
  parallel: number;
  reportDir?: string;
}

/**
 * Whether the flags ask for a fleet run: --all-contexts, or a --context with a comma that is not itself the name
 * of a context (a name with a comma keeps working alone, as before fleet runs existed).
 */
export function isFleetRequest(
  options: Pick<FleetFlags, 'allContexts'>,
  globals: GlobalOptions,
  env: NodeJS.ProcessEnv,
): boolean {
  if (options.allContexts) return true;
  if (!globals.context?.includes(',')) return false;
  return !contextNames(globals, env).includes(globals.context);
}

function contextNames(globals: GlobalOptions, env: NodeJS.ProcessEnv): string[] {
  return listKubeconfigContexts({ kubeconfig: globals.kubeconfig, env, home: env.HOME });
}

const fleetHint = 'give --context a list (--context prod,staging) or --all-contexts';

/**
 * The fleet the flags ask for, or undefined for a run on one cluster; every inconsistent flag is exit 2 here,
 * before anything is read. `perClusterFlags` are the command's file flags that cannot hold several clusters.
 */
export function resolveFleet(
  options: FleetFlags,
  { globals, io }: Pick<CommandContext, 'globals' | 'io'>,
  spec: { command: Fleet['command']; perClusterFlags: Record<string, unknown> },
): Fleet | undefined {
  const bad = (message: string, field: string, hint?: string) =>
    new BadInputError(message, undefined, field, hint);
  if (!isFleetRequest(options, globals, io.env)) {
    for (const [field, value] of [
      ['--report-dir', options.reportDir],
      ['--parallel', options.parallel],
    ] as const) {
      if (value !== undefined) throw bad(`${field} is for a run on several clusters`, field, fleetHint);
    }
    return undefined;
  }
  if (globals.snapshot !== undefined) {
    throw bad(
      '--snapshot reads one folder; a run on several clusters reads the contexts of a kubeconfig',
      '--snapshot',
    );
  }
  if (options.allContexts && globals.context !== undefined) {
    throw bad('--all-contexts runs every context: it cannot be combined with --context', '--all-contexts');
  }
  for (const [field, value] of Object.entries(spec.perClusterFlags)) {
    if (value !== undefined && value !== false) {
      throw bad(
        `${field} writes one cluster's file; a run on several clusters writes one per cluster`,
        field,
        '--report-dir DIR writes DIR/<context>/report.md and assessment.json for each',
      );
    }
  }
  requireFormat(globals.output as OutputFormat, 'fleet', `${spec.command} on several clusters`);
  const parallel = parsePositiveInt(options.parallel ?? String(DEFAULT_PARALLEL), '--parallel');
  const available = contextNames(globals, io.env);
  const contexts = options.allContexts ? available : globals.context!.split(',').map((name) => name.trim());
  if (contexts.length === 0) throw bad('--all-contexts: the kubeconfig defines no context', '--all-contexts');
  if (contexts.includes(''))
    throw bad(`--context '${globals.context}': an empty name in the list`, '--context');
  const twice = contexts.filter((name, i) => contexts.indexOf(name) !== i);
  if (twice.length > 0) throw bad(`--context names ${[...new Set(twice)].join(', ')} twice`, '--context');
  const unknown = contexts.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw bad(
      `--context: the kubeconfig has no context ${unknown.join(', ')}`,
      '--context',
      `available contexts: ${available.join(', ') || 'none'}`,
    );
  }
  return { command: spec.command, contexts, parallel, reportDir: options.reportDir };
}

/**
 * A context's name as one path segment: letters, digits, `.`, `_`, `-` and `@` kept, every other byte (`/`, `:`,
 * spaces, `%`) percent-encoded, a leading dot too. Two names never share a folder, and none climbs out of it.
 */
export function contextFolder(name: string): string {
  const encoded = [...Buffer.from(name, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9._@-]/.test(char) && byte < 128
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
}

/** Writes one file of a cluster's folder under --report-dir (made if absent); a folder that cannot be written is exit 2. */
export async function writeClusterFile(
  folder: string,
  file: string,
  content: string | object,
): Promise<string> {
  const path = join(folder, file);
  try {
    await mkdir(folder, { recursive: true });
    await writeFileAtomic(
      path,
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
    );
  } catch (error) {
    throw new BadInputError(
      `--report-dir: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      path,
      '--report-dir',
      'check that the folder is writable',
    );
  }
  return path;
}

/** One cluster's work: its own context (source, run, progress lines), its name and folder (when --report-dir). */
export type ClusterWork = (
  cluster: CommandContext,
  name: string,
  where: { folder: string; reportFolder?: string },
) => Promise<FleetCluster>;

/** Lines written to `sink` each start with `prefix`. */
function prefixed(sink: TextSink, prefix: string): TextSink {
  let lineStart = true;
  return {
    write(text: string) {
      let out = '';
      for (const char of text) {
        if (lineStart && char !== '\n') out += prefix;
        out += char;
        lineStart = char === '\n';
      }
      return sink.write(out);
    },
  };
}

/** Runs `work` on every context of the fleet, writes the fleet's outputs, and returns the run's exit code. */
export async function runFleet(
  fleet: Fleet,
  context: CommandContext,
  work: ClusterWork,
  outputs: { report?: string } = {},
): Promise<number> {
  const { globals, terminal, run } = context;
  const rows: FleetCluster[] = new Array(fleet.contexts.length);
  terminal.info(
    `${fleet.command} on ${fleet.contexts.length} clusters, ${Math.min(fleet.parallel, fleet.contexts.length)} at a time: ${fleet.contexts.join(', ')}`,
  );
  let next = 0;
  const worker = async () => {
    while (next < fleet.contexts.length && !run.signal.aborted) {
      const index = next++;
      const name = fleet.contexts[index]!;
      rows[index] = await oneCluster(name, fleet, context, work);
      const row = rows[index]!;
      terminal.info(
        `[${name}] ${row.verdict} (exit ${row.exitCode})${row.error ? `: ${row.error}` : row.topRootCause ? `: ${row.topRootCause}` : ''}`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(fleet.parallel, fleet.contexts.length) }, worker));
  // A signal stops the whole run: main() reports it (130/143); the clusters already done keep their files.
  run.signal.throwIfAborted();

  const verdict: Verdict = worstVerdict(rows.map((r) => r.verdict));
  const document: FleetAssessment = {
    schemaVersion: FLEET_SCHEMA_VERSION,
    kind: 'FleetAssessment',
    tool: { name: 'cozy-assess', version: toolVersion() },
    generatedAt: globals.now ?? new Date().toISOString(),
    command: fleet.command,
    verdict,
    exitCode: exitCodeOf(verdict),
    clusters: rows,
  };
  await writeFleetOutputs(document, fleet, context, outputs);
  return document.exitCode;
}

async function oneCluster(
  name: string,
  fleet: Fleet,
  context: CommandContext,
  work: ClusterWork,
): Promise<FleetCluster> {
  const { globals, io } = context;
  const inner = startInnerRun(context.run, { name: `context ${name}`, timeoutMs: globals.timeoutMs });
  const stderr = prefixed(io.stderr, `[${name}] `);
  const clusterIo: Io = { stdout: stderr, stderr, env: io.env };
  const clusterGlobals: GlobalOptions = { ...globals, context: name };
  // Several clusters at once: plain prefixed lines, never spinners.
  const terminal = createTerminal({ quiet: globals.quiet, color: false }, clusterIo, inner.context);
  const folder = contextFolder(name);
  try {
    return await work(
      {
        ...context,
        globals: clusterGlobals,
        run: inner.context,
        io: clusterIo,
        terminal,
        print: () => undefined,
      },
      name,
      { folder, reportFolder: fleet.reportDir === undefined ? undefined : join(fleet.reportDir, folder) },
    );
  } catch (error) {
    if (context.run.signal.aborted) throw error;
    const failure = inner.failure(error);
    if (failure instanceof BadInputError && failure.field === '--report-dir') throw failure;
    if (failure instanceof CozyError) return fleetRowOfFailure(name, failure.exitCode, failure.message);
    const message = failure instanceof Error ? failure.message : String(failure);
    if (globals.verbose && failure instanceof Error && failure.stack) terminal.error(failure.stack);
    return fleetRowOfFailure(name, ExitCode.INTERNAL, `internal error (a bug in cozy-assess): ${message}`);
  } finally {
    inner.dispose();
  }
}

/** --report FILE (the fleet's Markdown), then stdout in the -o format (the table on stderr too otherwise), the job summary. */
async function writeFleetOutputs(
  document: FleetAssessment,
  fleet: Fleet,
  { globals, terminal, io }: CommandContext,
  outputs: { report?: string },
): Promise<void> {
  const markdown = renderFleetMarkdown(document);
  if (outputs.report !== undefined) await writeOutputFile(outputs.report, markdown, '--report');
  const table = render('table', 'fleet', document, { color: terminal.color });
  if (globals.output === 'table') {
    terminal.write(table);
  } else {
    terminal.write(render(globals.output as OutputFormat, 'fleet', document, { color: terminal.color }));
    if (!globals.quiet) io.stderr.write(table);
  }
  if (fleet.reportDir === undefined && fleet.command === 'assess') {
    terminal.info("each cluster's report and assessment JSON: add --report-dir DIR");
  }
  if (outputs.report !== undefined) terminal.info(`Wrote ${outputs.report}`);
  await appendStepSummary(markdown, io);
}
