// What `cozy-assess check -o json` prints, for the CLI tests of `check`: the document, checked against the
// assessment schema's shapes (so CI can rely on them), and the example plugin and config the README shows.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProbeResults } from '../../src/cluster/exec-probe.js';
import { type Finding, FindingSchema, type RootCause, RootCauseSchema } from '../../src/model/finding.js';
import { type Coverage, CoverageSchema } from '../../src/model/assessment.js';
import { type CliResult, REPO_ROOT } from './cli.js';

export const EXAMPLE_PLUGIN = join(REPO_ROOT, 'examples/plugins/max-pods-per-node.js');
export const EXAMPLE_CONFIG = join(REPO_ROOT, 'examples/cozy-assess.yaml');

export interface CheckDocument {
  findings: Finding[];
  rootCauses: RootCause[];
  coverage: Coverage;
  /** Only with --exec-probes on a live cluster. */
  execProbes?: ProbeResults;
}

/** stdout as one JSON document holding findings, root causes and coverage in the schema's shapes. */
export function checkJson(result: CliResult): CheckDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(result.stdout);
  } catch {
    assert.fail(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  z.object({
    findings: z.array(FindingSchema),
    rootCauses: z.array(RootCauseSchema),
    coverage: CoverageSchema,
  }).parse(doc);
  return doc as CheckDocument;
}

/** The findings of the example plugin. */
export const onlyPlugin = (findings: Finding[]) => findings.filter((f) => f.check === 'max-pods-per-node');
