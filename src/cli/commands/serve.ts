// `cozy-assess serve`: re-assesses the cluster on an interval and serves the readiness as Prometheus metrics and
// the latest assessment over HTTP. The first run starts at once; each next one starts an interval after the one
// before started (later if that one ran longer), plus up to a tenth of the interval at random, so that the
// serves of a fleet do not read their clusters in step. One run at a time; no backup unless --backup. A run
// that produces no assessment (unreachable, refused, timed out) is counted and logged, and the last good
// assessment stays served. SIGTERM/SIGINT: stop listening, abandon the run under way (its partial backup
// removed), exit 0. Exit 2 for bad input found before serving (flags, config, catalog, --listen).
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { BadInputError, CozyError } from '../../errors.js';
import { blockingFindings } from '../../model/policy.js';
import {
  assessmentFlagsShape,
  type AssessmentInputs,
  assessOnce,
  readAssessmentInputs,
} from '../assessment-run.js';
import { type CommandContext, defineCommand } from '../command.js';
import { parseDuration } from '../globals.js';
import { createReadinessMetrics, type ReadinessMetrics } from '../readiness-metrics.js';
import { startInnerRun } from '../run-context.js';
import { parseListen, startHttp } from '../serve-http.js';
import { ServeState } from '../serve-state.js';
import { createTerminal } from '../terminal.js';

/** The share of the interval a next run may start late, at random. */
const JITTER = 0.1;
/** Without --timeout a run is bounded by the interval, but never by less than this (a short interval is a test's). */
const MIN_RUN_BOUND_MS = 5 * 60_000;

const ServeOptionsSchema = z.object({
  ...assessmentFlagsShape,
  backup: z.boolean().default(false),
  listen: z.string().default(':8080'),
  interval: z.string().default('1h'),
});

export default defineCommand({
  options: ServeOptionsSchema,
  prints: 'serve',
  timeoutPerRun: () => true,
  async run(options, context) {
    const { globals, terminal, run } = context;
    const address = parseListen(options.listen);
    const intervalMs = parseDuration(options.interval, '--interval');
    if (intervalMs <= 0) {
      throw new BadInputError(
        `--interval: '${options.interval}' is not longer than 0`,
        undefined,
        '--interval',
        'for example 1h, 30m',
      );
    }
    const inputs = await readAssessmentInputs(options, context);
    const state = new ServeState();
    const metrics = createReadinessMetrics();
    const http = await startHttp(address, state, metrics);
    terminal.info(
      `serving on ${http.url}: /metrics /healthz /readyz /assessment.json /report.md /report.html; ` +
        `assessing every ${options.interval}${inputs.backup ? ', with a backup each time' : ' (no backup)'}`,
    );
    try {
      for (let n = 1; !run.signal.aborted; n++) {
        const started = Date.now();
        await assessRun(
          n,
          inputs,
          { state, metrics, timeoutMs: globals.timeoutMs ?? Math.max(intervalMs, MIN_RUN_BOUND_MS) },
          context,
        );
        const wait = Math.max(0, started + intervalMs - Date.now()) + Math.random() * JITTER * intervalMs;
        await sleep(wait, undefined, { signal: run.signal }).catch(() => undefined);
      }
    } finally {
      await http.close();
    }
    terminal.info(`stopped by ${run.received() ?? 'the run ending'}: no longer serving ${http.url}`);
    context.print(state.summary());
    return 0;
  },
});

interface Serving {
  state: ServeState;
  metrics: ReadinessMetrics;
  /** Each run's bound: --timeout, else the interval (at least MIN_RUN_BOUND_MS). */
  timeoutMs: number;
}

/** One assessment under its own run: recorded, counted as an error, or abandoned when the process stops. */
async function assessRun(
  n: number,
  inputs: AssessmentInputs,
  { state, metrics, timeoutMs }: Serving,
  context: CommandContext,
): Promise<void> {
  const { globals, terminal, io } = context;
  const inner = startInnerRun(context.run, { name: `run ${n}`, timeoutMs });
  // The pipeline's progress lines would repeat every interval: they are shown with -v only, never as spinners.
  const runTerminal = createTerminal(
    { quiet: globals.quiet || !globals.verbose, color: false },
    io,
    inner.context,
  );
  const started = Date.now();
  state.started(n);
  try {
    const { assessment } = await assessOnce(inputs, {
      ...context,
      run: inner.context,
      terminal: runTerminal,
    });
    const finishedAt = new Date();
    const seconds = (finishedAt.getTime() - started) / 1000;
    state.assessed(assessment, finishedAt);
    metrics.record(assessment, finishedAt, seconds);
    const blocking = blockingFindings(assessment.findings).length;
    terminal.info(
      `${finishedAt.toISOString()} run ${n}: ${assessment.verdict}, recommendation ${assessment.recommendation}, ` +
        `${blocking} blocking finding${blocking === 1 ? '' : 's'}, ${seconds.toFixed(1)} s`,
    );
  } catch (error) {
    if (context.run.signal.aborted) {
      state.abandoned();
      terminal.info(`run ${n} abandoned: the process is stopping (nothing of it is served or kept)`);
      return;
    }
    const failure = inner.failure(error);
    const message =
      failure instanceof CozyError ? failure.message : `internal error: ${(failure as Error).message}`;
    const at = new Date();
    state.failed(n, message, at);
    metrics.countError();
    const kept = state.latest
      ? `still serving the assessment of ${state.latest.finishedAt.toISOString()}`
      : 'no assessment to serve yet';
    terminal.error(
      `${at.toISOString()} run ${n} failed after ${((at.getTime() - started) / 1000).toFixed(1)} s: ${message}; ${kept}`,
    );
  } finally {
    inner.dispose();
  }
}
