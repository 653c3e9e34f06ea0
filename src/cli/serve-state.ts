// What `serve` knows between runs: the latest assessment with its documents rendered once, how the last run
// ended, and the counts. Only the latest assessment is held (the one before it is dropped when a new one
// arrives), so memory stays bounded however many runs a process makes.
import type { Assessment, Verdict } from '../model/assessment.js';
import { renderHtml } from '../report/html.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';

export interface LatestAssessment {
  readonly assessment: Assessment;
  /** When its run finished. */
  readonly finishedAt: Date;
  readonly json: string;
  readonly markdown: string;
  /** Rendered on first request, then kept. */
  html(): string;
}

export interface RunFailure {
  readonly run: number;
  readonly at: Date;
  readonly message: string;
}

/** What `serve` prints when it stops (-o table, json or yaml). */
export interface ServeSummary {
  runs: number;
  failedRuns: number;
  /** The latest assessment, or null when no run produced one. */
  latest: { verdict: Verdict; generatedAt: string; finishedAt: string } | null;
}

export class ServeState {
  runs = 0;
  failedRuns = 0;
  /** The run under way, if one is. */
  running: number | undefined;
  /** Set while the most recent run failed: the assessment served is then older than that run. */
  lastFailure: RunFailure | undefined;
  #latest: LatestAssessment | undefined;

  get latest(): LatestAssessment | undefined {
    return this.#latest;
  }

  started(run: number): void {
    this.running = run;
    this.runs = run;
  }

  assessed(assessment: Assessment, finishedAt: Date): void {
    let html: string | undefined;
    this.#latest = {
      assessment,
      finishedAt,
      json: renderJson(assessment),
      markdown: renderMarkdown(assessment),
      html: () => {
        html ??= renderHtml(assessment);
        return html;
      },
    };
    this.lastFailure = undefined;
    this.running = undefined;
  }

  failed(run: number, message: string, at: Date): void {
    this.failedRuns++;
    this.lastFailure = { run, at, message };
    this.running = undefined;
  }

  /** The run was abandoned (the process is stopping): neither an assessment nor a failure. */
  abandoned(): void {
    this.running = undefined;
  }

  summary(): ServeSummary {
    const latest = this.#latest;
    return {
      runs: this.runs,
      failedRuns: this.failedRuns,
      latest: latest
        ? {
            verdict: latest.assessment.verdict,
            generatedAt: latest.assessment.generatedAt,
            finishedAt: latest.finishedAt.toISOString(),
          }
        : null,
    };
  }
}
