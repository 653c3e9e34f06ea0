// Helm's record of one release revision: Secret `sh.helm.release.v1.<release>.v<revision>` (type
// `helm.sh/release.v1`), whose `release` key holds base64(gzip(JSON)) of the whole release: the chart with its
// templates and default values, the user's values, the rendered manifest. Only the chart's name and version,
// the revision, its status and its time are kept; everything else is dropped here, in memory, and never
// reaches a finding, a report or a log.
import { gunzipSync } from 'node:zlib';
import type { KubeObject } from '../cluster/types.js';
import { num, rec, str } from './raw.js';
import type { HelmReleaseRecordFacts } from './types.js';

export const HELM_RECORD_TYPE = 'helm.sh/release.v1';

/** A release of a few MB is large; anything far beyond is not a Helm record worth reading. */
const MAX_RELEASE_BYTES = 64 * 1024 * 1024;

/** The Helm label selector of one release's records (Helm labels them owner=helm, name=<release>). */
export function helmRecordSelector(release: string): string {
  return `owner=helm,name=${release}`;
}

/** The facts of one record, or undefined when the Secret is not a readable Helm record of a chart. */
export function reduceHelmReleaseRecord(secret: KubeObject): HelmReleaseRecordFacts | undefined {
  if (rec(secret).type !== HELM_RECORD_TYPE) return undefined;
  const release = decodeRelease(str(rec(secret.data).release));
  if (!release) return undefined;
  const chartMetadata = rec(rec(release.chart).metadata);
  const chart = str(chartMetadata.name);
  const chartVersion = str(chartMetadata.version);
  if (!chart || !chartVersion) return undefined;
  // Read outside the scan's per-kind field checks: the Secret's own fields are read as forgivingly as the record.
  const secretMetadata = rec(secret.metadata);
  const labels = rec(secretMetadata.labels);
  const info = rec(release.info);
  const facts: HelmReleaseRecordFacts = {
    namespace: str(secretMetadata.namespace) ?? '',
    release: str(release.name) ?? str(labels.name) ?? '',
    revision: num(release.version) ?? revisionLabel(labels.version),
    status: str(info.status) ?? str(labels.status) ?? 'unknown',
    chart,
    chartVersion,
  };
  const appVersion = str(chartMetadata.appVersion);
  if (appVersion) facts.appVersion = appVersion;
  const deployedAt = str(info.last_deployed);
  if (deployedAt) facts.deployedAt = deployedAt;
  return facts;
}

/** Helm's `version` label (the revision, as text), or 0 when it is not a whole number. */
function revisionLabel(value: unknown): number {
  const text = str(value);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
}

/** Secret data (base64) → Helm's text (base64 of gzip, or of plain JSON in old records) → the release object. */
function decodeRelease(data: string | undefined): Record<string, unknown> | undefined {
  if (!data) return undefined;
  try {
    const helmText = Buffer.from(data, 'base64').toString('latin1');
    const bytes = Buffer.from(helmText, 'base64');
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const json = gzipped ? gunzipSync(bytes, { maxOutputLength: MAX_RELEASE_BYTES }) : bytes;
    const parsed: unknown = JSON.parse(json.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
