// The readiness of one assessment as metric samples (what `serve` exposes on /metrics): names, labels and values,
// every value one of the assessment's or a count of its lists. Pure; the registry that serves them is the CLI's.
import type { Assessment, Verdict } from '../model/assessment.js';
import { isActive } from '../model/policy.js';
import { VerdictSchema } from '../model/verdict.js';

/** One sample: its label values and its value. */
export interface Sample<L extends string> {
  labels: Record<L, string>;
  value: number;
}

/** The metric names `serve` exposes (besides the process metrics), with their help text: a public interface. */
export const READINESS_METRICS = {
  verdict: {
    name: 'cozy_assess_verdict',
    help: 'The verdict of the latest assessment: 1 for the current one (GO, NO-GO or INCOMPLETE), 0 for the others.',
    labels: ['verdict'],
  },
  findings: {
    name: 'cozy_assess_findings',
    help: 'Findings of the latest assessment by check, status, scope and blocking (suppressed findings are not counted).',
    labels: ['check', 'status', 'scope', 'blocking'],
  },
  rootCauses: {
    name: 'cozy_assess_root_causes',
    help: 'Root causes found by the latest assessment.',
    labels: [],
  },
  optionHours: {
    name: 'cozy_assess_option_hours',
    help: 'Estimated hours of each option (A: in-place upgrade, C: fresh install and migration), min and max.',
    labels: ['option', 'bound'],
  },
  optionSuccessRatio: {
    name: 'cozy_assess_option_success_ratio',
    help: 'Estimated probability of success of each option (0 to 1), min and max.',
    labels: ['option', 'bound'],
  },
  versionMinorGap: {
    name: 'cozy_assess_version_minor_gap',
    help: 'Minor versions between the installed CozyStack release and the target (absent when unknown).',
    labels: [],
  },
  lastRunTimestamp: {
    name: 'cozy_assess_last_run_timestamp_seconds',
    help: 'When the latest assessment (the one these metrics describe) finished, in seconds since the epoch.',
    labels: [],
  },
  runDuration: {
    name: 'cozy_assess_run_duration_seconds',
    help: 'How long the latest assessment took, in seconds.',
    labels: [],
  },
  runErrors: {
    name: 'cozy_assess_run_errors_total',
    help: 'Runs that produced no assessment (cluster unreachable, credentials refused, timed out); the last good assessment is kept.',
    labels: [],
  },
} as const;

export interface ReadinessSamples {
  verdict: Sample<'verdict'>[];
  findings: Sample<'check' | 'status' | 'scope' | 'blocking'>[];
  rootCauses: number;
  optionHours: Sample<'option' | 'bound'>[];
  optionSuccessRatio: Sample<'option' | 'bound'>[];
  /** Null when the installed release or the target is unknown: the series is then absent. */
  versionMinorGap: number | null;
}

const OPTIONS = ['A', 'C'] as const;

/** The samples of one assessment: one per verdict, one per finding label set, two bounds per option. */
export function readinessSamples(assessment: Assessment): ReadinessSamples {
  return {
    verdict: VerdictSchema.options.map((verdict: Verdict) => ({
      labels: { verdict },
      value: verdict === assessment.verdict ? 1 : 0,
    })),
    findings: findingCounts(assessment),
    rootCauses: assessment.rootCauses.length,
    optionHours: OPTIONS.flatMap((option) => [
      { labels: { option, bound: 'min' }, value: assessment.options[option].hoursMin },
      { labels: { option, bound: 'max' }, value: assessment.options[option].hoursMax },
    ]),
    optionSuccessRatio: OPTIONS.flatMap((option) => [
      { labels: { option, bound: 'min' }, value: assessment.options[option].successMin / 100 },
      { labels: { option, bound: 'max' }, value: assessment.options[option].successMax / 100 },
    ]),
    versionMinorGap: assessment.version.minorGap,
  };
}

/** Active findings counted by (check, status, scope, blocking), in a stable order. */
function findingCounts(assessment: Assessment): ReadinessSamples['findings'] {
  const counts = new Map<string, Sample<'check' | 'status' | 'scope' | 'blocking'>>();
  for (const finding of assessment.findings.filter(isActive)) {
    const labels = {
      check: finding.check,
      status: finding.status,
      scope: finding.scope,
      blocking: String(finding.blocking),
    };
    const key = JSON.stringify(labels);
    const sample = counts.get(key) ?? { labels, value: 0 };
    sample.value++;
    counts.set(key, sample);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, sample]) => sample);
}
