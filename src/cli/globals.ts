// Global options shared by every command, parsed and validated once.
import { DEFAULT_CHUNK_SIZE } from '../cluster/paging.js';
import { BadInputError } from '../errors.js';
import { type OutputFormat, parseOutputFormat } from './format-names.js';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  snapshot?: string;
  requestTimeoutMs: number;
  concurrency: number;
  /** Objects per list request (kubectl's --chunk-size). */
  chunkSize: number;
  output: OutputFormat;
  /** Colour at all: off with --no-color, FORCE_COLOR=0, NO_COLOR or CI (unless FORCE_COLOR says otherwise). */
  color: boolean;
  /** FORCE_COLOR's level: colour even where stdout or stderr is no terminal (a CI log, a pipe into less -R). */
  forceColor?: 1 | 2 | 3;
  quiet: boolean;
  verbose: boolean;
  /** Fixed clock (RFC 3339) for reproducible reports; undefined = live now / newest snapshot timestamp. */
  now?: string;
  /** Bound on the whole run. */
  timeoutMs?: number;
  config?: string;
  catalog?: string;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a duration the way kubectl does (Go syntax): `500ms`, `30s`, `2m`, `1h30m`; a bare number is seconds,
 * as kubectl's --request-timeout takes it (`--request-timeout 5` is 5 s), and `0` is zero.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new BadInputError(
      `${flag}: '${text}' is not a duration`,
      undefined,
      flag,
      'write it like kubectl does: 500ms, 30s, 2m, 1h30m',
    );
  }
  return Math.round(total);
}

/** A duration as kubectl writes one: `500ms`, `30s`, `2m`, `1h`. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Accepts RFC 3339 timestamps only (`2026-11-20T12:00:00Z`), returns the canonical ISO form. */
export function parseRfc3339(text: string, flag: string): string {
  const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  const time = Date.parse(text);
  if (!rfc3339.test(text) || Number.isNaN(time)) {
    throw new BadInputError(
      `${flag}: '${text}' is not an RFC 3339 time`,
      undefined,
      flag,
      'example: 2026-11-20T12:00:00Z',
    );
  }
  return new Date(time).toISOString();
}

export function parsePositiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new BadInputError(`${flag}: '${text}' is not a whole number of 1 or more`, undefined, flag);
  }
  return value;
}

/**
 * Colour as Node tools agree: --no-color wins; then FORCE_COLOR (`0`/`false` off; `1`/`true`/empty, `2`, `3` on at
 * that level, on a terminal or not); then NO_COLOR and CI turn it off; otherwise colour only on a terminal.
 */
function colorSettings(
  flag: boolean,
  force: string | undefined,
  env: NodeJS.ProcessEnv,
): Pick<GlobalOptions, 'color' | 'forceColor'> {
  if (!flag) return { color: false };
  if (force !== undefined) {
    if (force === '0' || force === 'false') return { color: false };
    const level = force === '2' ? 2 : force === '3' ? 3 : 1;
    return { color: true, forceColor: level };
  }
  return { color: !env.NO_COLOR && !env.CI };
}

/** Raw commander values → validated options. */
export function resolveGlobals(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const str = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  return {
    kubeconfig: str('kubeconfig'),
    context: str('context'),
    snapshot: str('snapshot'),
    requestTimeoutMs: parseDuration(str('requestTimeout') ?? '30s', '--request-timeout'),
    concurrency: parsePositiveInt(str('concurrency') ?? '4', '--concurrency'),
    chunkSize: parsePositiveInt(str('chunkSize') ?? String(DEFAULT_CHUNK_SIZE), '--chunk-size'),
    output: parseOutputFormat(str('output') ?? 'table'),
    ...colorSettings(raw.color !== false, env.FORCE_COLOR, env),
    quiet: raw.quiet === true,
    verbose: raw.verbose === true,
    now: str('now') ? parseRfc3339(str('now')!, '--now') : undefined,
    timeoutMs: str('timeout') ? parseDuration(str('timeout')!, '--timeout') : undefined,
    config: str('config'),
    catalog: str('catalog'),
  };
}
