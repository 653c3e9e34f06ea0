// Global options shared by every command, parsed and validated once.
import { BadInputError } from '../errors.js';
import { type OutputFormat, parseOutputFormat } from './formats.js';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  snapshot?: string;
  requestTimeoutMs: number;
  concurrency: number;
  output: OutputFormat;
  color: boolean;
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

/** Parses a duration the way kubectl does (Go syntax): `500ms`, `30s`, `2m`, `1h30m`; a bare `0` is zero. */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
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

/** Raw commander values → validated options. */
export function resolveGlobals(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const str = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  return {
    kubeconfig: str('kubeconfig'),
    context: str('context'),
    snapshot: str('snapshot'),
    requestTimeoutMs: parseDuration(str('requestTimeout') ?? '30s', '--request-timeout'),
    concurrency: parsePositiveInt(str('concurrency') ?? '4', '--concurrency'),
    output: parseOutputFormat(str('output') ?? 'table'),
    color: raw.color !== false && !env.NO_COLOR && !env.CI,
    quiet: raw.quiet === true,
    verbose: raw.verbose === true,
    now: str('now') ? parseRfc3339(str('now')!, '--now') : undefined,
    timeoutMs: str('timeout') ? parseDuration(str('timeout')!, '--timeout') : undefined,
    config: str('config'),
    catalog: str('catalog'),
  };
}
