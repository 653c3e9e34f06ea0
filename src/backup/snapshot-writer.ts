// `cozy-assess snapshot DIR`: the same streaming List writer as the backup, in a flat folder the snapshot
// source reads back (`<type key>.json` per type, `version.json`, `SHA256SUMS`). Written beside DIR under a
// temporary name and renamed when complete; an existing folder with content is never touched.
import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { PageSink } from '../cluster/scan.js';
import { type ListOutcome, type ResourceType, typeKey } from '../cluster/types.js';
import { BadInputError, ExitCode } from '../errors.js';
import { versionDocument } from './backup.js';
import { Capture } from './capture.js';
import { isSecretsType, partialFolderName, VERSION_FILE } from './layout.js';
import { selectTypes, snapshotWants } from './select.js';
import { verifyBackup } from './verify.js';
import { StagingFolder } from './writer.js';

export interface SnapshotOptions {
  dir: string;
  includeSecrets: boolean;
  serverVersion?: string;
  signal?: AbortSignal;
}

export interface SnapshotResult {
  path: string;
  objects: number;
  files: number;
  bytes: number;
  skipped: Array<{ type: string; status: string; reason: string }>;
  exitCode: number;
  problems: string[];
}

export interface SnapshotSession {
  readonly partialPath: string;
  readonly sink: PageSink;
  types(discovered: readonly ResourceType[]): ResourceType[];
  commit(outcomes: readonly ListOutcome[]): Promise<SnapshotResult>;
  abort(reason: string): Promise<string>;
}

export async function startSnapshot(options: SnapshotOptions): Promise<SnapshotSession> {
  const target = resolve(options.dir);
  await refuseNonEmpty(options.dir);
  const staging = await StagingFolder.create(
    dirname(target),
    partialFolderName(basename(target)),
    options.includeSecrets ? 0o700 : 0o755,
  );
  return new Snapshot(options, staging, basename(target));
}

async function refuseNonEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new BadInputError(
      `${dir}: cannot be used as a snapshot folder (${error.code ?? error.message})`,
      dir,
    );
  });
  if (entries.length > 0) {
    throw new BadInputError(
      `${dir}: folder exists and is not empty; a snapshot never overwrites`,
      dir,
      undefined,
      'pass a new folder name',
    );
  }
}

class Snapshot implements SnapshotSession {
  readonly sink: PageSink;
  private readonly capture: Capture;
  private listed: ResourceType[] = [];
  private aborted = false;

  constructor(
    private readonly options: SnapshotOptions,
    private readonly staging: StagingFolder,
    private readonly name: string,
  ) {
    this.capture = new Capture({
      staging,
      wants: (type) => snapshotWants(type, options.includeSecrets),
      rawPath: (type) => `${typeKey(type)}.json`,
      fileMode: (type) => (isSecretsType(type) ? 0o600 : 0o644),
      signal: options.signal,
    });
    this.sink = this.capture;
  }

  get partialPath(): string {
    return this.staging.path;
  }

  types(discovered: readonly ResourceType[]): ResourceType[] {
    this.listed = selectTypes(discovered, (type) => snapshotWants(type, this.options.includeSecrets));
    return this.listed;
  }

  async commit(outcomes: readonly ListOutcome[]): Promise<SnapshotResult> {
    this.capture.noteOutcomes(this.listed, outcomes);
    await this.capture.stop();
    const records = [...this.capture.records.values()];
    if (this.options.serverVersion)
      await this.staging.writeWhole(VERSION_FILE, versionDocument(this.options.serverVersion));
    await this.staging.writeChecksums();
    const files = [...this.staging.records.values()];
    const skipped = records
      .filter((r) => r.status === 'forbidden' || r.status === 'failed')
      .map((r) => ({ type: r.key, status: r.status, reason: r.reason ?? 'no reason given' }));
    const base = {
      objects: records.reduce((sum, r) => sum + (r.status === 'ok' ? r.objects : 0), 0),
      files: files.length,
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      skipped,
    };
    const failed = skipped.filter((s) => s.status === 'failed');
    if (failed.length > 0) {
      const reason = `${failed.map((s) => s.type).join(', ')} could not be read`;
      await this.staging.restoreMarker(reason);
      return {
        ...base,
        path: this.staging.path,
        exitCode: ExitCode.INCOMPLETE,
        problems: [
          `snapshot INCOMPLETE: ${reason}`,
          `the partial folder ${this.staging.path} is marked INCOMPLETE; delete it and run again`,
        ],
      };
    }
    await this.staging.removeMarker();
    const check = await verifyBackup(this.staging.path);
    if (!check.ok) {
      await this.staging.restoreMarker('failed verification');
      return {
        ...base,
        path: this.staging.path,
        exitCode: ExitCode.NO_GO,
        problems: [
          `snapshot FAILED verification (${[...check.missing, ...check.altered, ...check.extra].join(', ')})`,
        ],
      };
    }
    const path = await this.staging.finalize([this.name]);
    const problems = skipped.map((s) => `not captured: ${s.type}: ${s.reason}`);
    return { ...base, path, exitCode: skipped.length > 0 ? ExitCode.INCOMPLETE : ExitCode.GO, problems };
  }

  async abort(reason: string): Promise<string> {
    if (!this.aborted) {
      this.aborted = true;
      await this.capture.stop();
      await this.staging.restoreMarker(reason).catch(() => undefined);
      await this.staging.remove();
    }
    return this.staging.path;
  }
}
