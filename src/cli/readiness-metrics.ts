// The metrics `serve` exposes: a prom-client registry of its own (never the library's global one) holding the
// readiness gauges of the latest assessment, the run error counter and the process metrics. Each assessment
// replaces every gauge at once (reset, then set, with no await between), so a scrape never sees two runs mixed,
// and a label set that the new assessment no longer has disappears instead of lingering.
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Assessment } from '../model/assessment.js';
import { READINESS_METRICS as M, readinessSamples, type Sample } from '../report/metrics.js';

export interface ReadinessMetrics {
  /** The gauges of `assessment`, which finished at `finishedAt` after `durationSeconds`. */
  record(assessment: Assessment, finishedAt: Date, durationSeconds: number): void;
  /** A run that produced no assessment. */
  countError(): void;
  /** The Prometheus text exposition of every metric, and its content type. */
  exposition(): Promise<{ contentType: string; text: string }>;
}

export function createReadinessMetrics(): ReadinessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = <L extends string>(spec: { name: string; help: string; labels: readonly L[] }) =>
    new Gauge<L>({ name: spec.name, help: spec.help, labelNames: spec.labels, registers: [registry] });
  const verdict = gauge(M.verdict);
  const findings = gauge(M.findings);
  const rootCauses = gauge(M.rootCauses);
  const optionHours = gauge(M.optionHours);
  const optionSuccess = gauge(M.optionSuccessRatio);
  const minorGap = gauge(M.versionMinorGap);
  const lastRun = gauge(M.lastRunTimestamp);
  const duration = gauge(M.runDuration);
  // A gauge without labels starts at 0; until the first assessment there is nothing to say, so no sample.
  for (const single of [rootCauses, minorGap, lastRun, duration]) single.remove();
  const errors = new Counter({ name: M.runErrors.name, help: M.runErrors.help, registers: [registry] });
  // Present (at 0) from the start, so `increase()` and alerts see the first error.
  errors.inc(0);

  const setAll = <L extends string>(target: Gauge<L>, samples: Sample<L>[]) => {
    target.reset();
    for (const sample of samples) target.set(sample.labels as Partial<Record<L, string>>, sample.value);
  };

  return {
    record(assessment, finishedAt, durationSeconds) {
      const samples = readinessSamples(assessment);
      setAll(verdict, samples.verdict);
      setAll(findings, samples.findings);
      rootCauses.set(samples.rootCauses);
      setAll(optionHours, samples.optionHours);
      setAll(optionSuccess, samples.optionSuccessRatio);
      if (samples.versionMinorGap === null) minorGap.remove();
      else minorGap.set(samples.versionMinorGap);
      lastRun.set(finishedAt.getTime() / 1000);
      duration.set(durationSeconds);
    },
    countError() {
      errors.inc();
    },
    async exposition() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
