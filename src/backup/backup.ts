// A backup run: a PageSink that plugs into the one pass over the cluster (scanCluster), then a commit that
// writes the manifest and SHA256SUMS, re-reads every file, and renames the folder into place only when it
// is complete and verified. `abort` removes the partial folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PageSink } from '../cluster/scan.js';
import type { KubeObject, ListOutcome, ResourceType, SourceInfo } from '../cluster/types.js';
import { ExitCode } from '../errors.js';
import type { BackupSummary } from '../model/assessment.js';
import { Capture, type TypeRecord } from './capture.js';
import { inCleanView } from './clean.js';
import { createEncrypter, type EncryptionSettings, type StreamEncrypter } from './encrypt.js';
import {
  APPLY_DIR,
  APPLY_VIEW_MARKER,
  backupFolderName,
  candidateNames,
  categoryLabel,
  categoryOf,
  cleanFilePath,
  isSecretsType,
  MANIFEST_FILE,
  partialFolderName,
  rawFilePath,
  SUMS_FILE,
  VERSION_FILE,
} from './layout.js';
import { type Manifest, MANIFEST_FORMAT, MANIFEST_VERSION } from './manifest.js';
import { backupWants, type SecretsMode, selectTypes } from './select.js';
import { summarizeBackup } from './summary.js';
import { verifyBackup } from './verify.js';
import { type FileRecord, formatChecksums, StagingFolder } from './writer.js';

export interface BackupOptions {
  /** Folder in which the timestamped backup folder is created (made if absent). */
  outDir: string;
  secrets: SecretsMode;
  /** With `secrets: 'encrypt'`: age recipients, or a passphrase (one of the two). */
  recipients?: readonly string[];
  passphrase?: string;
  /** See EncryptionSettings: tests lower scrypt's cost; every command leaves age's default. */
  scryptWorkFactor?: number;
  toolVersion: string;
  /** Start time (names the folder); default: now. */
  now?: Date;
  /** Stops page writes when aborted (SIGINT/SIGTERM, --timeout). */
  signal?: AbortSignal;
}

/** What the commit needs from the scan that fed the sink, and the user's acceptance of a partial backup. */
export interface CommitOptions {
  /** Accept a backup that skipped forbidden types (exit 0 instead of 4). */
  allowPartial: boolean;
  /** Where the objects came from, for the manifest. */
  source: SourceInfo;
  /** Kubernetes server version, written to version.json so the backup reads back as a snapshot with it. */
  serverVersion?: string;
}

export interface BackupCommitResult {
  /** Exactly the assessment's BackupSummary. */
  summary: BackupSummary;
  /** 0 done; 3 written but failed verification; 4 incomplete (a type failed, or forbidden without allowPartial). */
  exitCode: number;
  /** Whether the folder was renamed into place (false: it is left as `.NAME.partial-PID` with an INCOMPLETE marker). */
  finalized: boolean;
  /** Lines for stderr explaining a non-zero exit. Never holds secret data. */
  problems: string[];
  /** Clean view figures, for the table. */
  clean: { path: string; objects: number; bytes: number };
}

export interface BackupSession {
  /** The temporary folder being written. */
  readonly partialPath: string;
  /** Feed it every page of the scan (it keeps only the types a backup wants). */
  readonly sink: PageSink;
  /** The types a backup lists: built-in ones plus the discovered stateful custom types. */
  types(discovered: readonly ResourceType[]): ResourceType[];
  commit(outcomes: readonly ListOutcome[], options: CommitOptions): Promise<BackupCommitResult>;
  /** Stops, deletes the partial folder, and says where it was. Safe to call more than once. */
  abort(reason: string): Promise<string>;
}

/** Validates the settings (bad recipient → exit 2) and creates the partial folder. */
export async function startBackup(options: BackupOptions): Promise<BackupSession> {
  const encrypter =
    options.secrets === 'encrypt' ? await createEncrypter(encryptionSettings(options)) : undefined;
  const startedAt = options.now ?? new Date();
  const baseName = backupFolderName(startedAt);
  const staging = await StagingFolder.create(options.outDir, partialFolderName(baseName), 0o700);
  try {
    // The marker keeps a snapshot reader from reading the clean view as a second copy of the objects.
    await staging.writeWhole(
      `${APPLY_DIR}/${APPLY_VIEW_MARKER}`,
      'kubectl apply -f this folder to restore; cozy-assess reads the raw files instead.\n',
    );
  } catch (error) {
    await staging.remove();
    throw error;
  }
  return new Backup(options, encrypter, staging, startedAt, baseName);
}

function encryptionSettings(options: BackupOptions): EncryptionSettings {
  return {
    recipients: options.recipients ?? [],
    passphrase: options.passphrase,
    scryptWorkFactor: options.scryptWorkFactor,
  };
}

const COZYSTACK_NAMESPACE = 'cozy-system';

class Backup implements BackupSession {
  readonly sink: PageSink;
  private readonly capture: Capture;
  private readonly cozystackConfigMaps = new Set<string>();
  private aborted = false;
  /** What `types()` last chose, so commit can tell a wanted type that never finished. */
  private listed: ResourceType[] = [];

  constructor(
    private readonly options: BackupOptions,
    encrypter: StreamEncrypter | undefined,
    private readonly staging: StagingFolder,
    private readonly startedAt: Date,
    private readonly baseName: string,
  ) {
    const wants = (type: ResourceType) => backupWants(type, options.secrets);
    this.capture = new Capture({
      staging,
      wants,
      rawPath: (type) => rawFilePath(type, encrypter !== undefined && isSecretsType(type)),
      cleanPath: (type) =>
        inCleanView(type) ? cleanFilePath(type, encrypter !== undefined && isSecretsType(type)) : undefined,
      encrypterFor: (type) => (isSecretsType(type) ? encrypter : undefined),
      fileMode: (type) => (isSecretsType(type) ? 0o600 : 0o644),
      observe: (type, object) => this.observe(type, object),
      signal: options.signal,
    });
    this.sink = this.capture;
  }

  get partialPath(): string {
    return this.staging.path;
  }

  types(discovered: readonly ResourceType[]): ResourceType[] {
    this.listed = selectTypes(discovered, (type) => backupWants(type, this.options.secrets));
    return this.listed;
  }

  async commit(outcomes: readonly ListOutcome[], options: CommitOptions): Promise<BackupCommitResult> {
    const selected =
      this.listed.length > 0
        ? this.listed
        : selectTypes([], (type) => backupWants(type, this.options.secrets));
    this.capture.noteOutcomes(selected, outcomes);
    await this.capture.stop();
    const records = [...this.capture.records.values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
    const failed = records.filter((r) => r.status === 'failed');
    const forbidden = records.filter((r) => r.status === 'forbidden');

    if (options.serverVersion)
      await this.staging.writeWhole(VERSION_FILE, versionDocument(options.serverVersion));
    await this.staging.writeWhole(
      MANIFEST_FILE,
      `${JSON.stringify(this.manifest(records, options), null, 2)}\n`,
    );
    await this.staging.writeChecksums();

    const clean = this.cleanFigures(records);
    const files = [...this.staging.records.values()];
    const problems: string[] = [];
    if (failed.length > 0) {
      const reason = `${failed.map((r) => `${r.key} (${r.reason ?? 'failed'})`).join(', ')} could not be read`;
      await this.staging.restoreMarker(reason);
      problems.push(`backup INCOMPLETE: ${reason}`);
      problems.push(
        `the partial folder ${this.staging.path} is marked INCOMPLETE; delete it and run the backup again`,
      );
      return this.result(
        this.staging.path,
        records,
        files,
        false,
        ExitCode.INCOMPLETE,
        false,
        problems,
        clean,
      );
    }

    await this.staging.removeMarker();
    const check = await verifyBackup(this.staging.path);
    const sumsMatch = (await readBack(this.staging.path)) === formatChecksums(files);
    if (!check.ok || !sumsMatch) {
      const reason = `re-reading the files did not match what was written (${describeMismatch(check, sumsMatch)})`;
      await this.staging.restoreMarker(reason);
      problems.push(`backup FAILED verification: ${reason}`);
      problems.push(
        `the folder ${this.staging.path} is marked INCOMPLETE; check the disk, delete it and run the backup again`,
      );
      return this.result(this.staging.path, records, files, false, ExitCode.NO_GO, false, problems, clean);
    }

    const path = await this.staging.finalize(candidateNames(this.baseName));
    let exitCode: number = ExitCode.GO;
    if (forbidden.length > 0) {
      const names = forbidden.map((r) => r.key).join(', ');
      problems.push(
        `backup is partial: no permission to read ${names} (recorded in manifest.json as skipped)`,
      );
      if (!options.allowPartial) {
        exitCode = ExitCode.INCOMPLETE;
        problems.push(
          'INCOMPLETE: grant list permission on those types, or pass --allow-partial to accept a partial backup',
        );
      }
    }
    return this.result(path, records, files, true, exitCode, true, problems, clean);
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

  private observe(type: ResourceType, object: KubeObject): void {
    if (type.group === '' && type.kind === 'ConfigMap' && object.metadata.namespace === COZYSTACK_NAMESPACE) {
      if (object.metadata.name.startsWith('cozystack'))
        this.cozystackConfigMaps.add(`${COZYSTACK_NAMESPACE}/${object.metadata.name}`);
    }
  }

  private result(
    path: string,
    records: TypeRecord[],
    files: FileRecord[],
    verified: boolean,
    exitCode: number,
    finalized: boolean,
    problems: string[],
    clean: BackupCommitResult['clean'],
  ): BackupCommitResult {
    const summary = summarizeBackup({ path, records, files, verified, secrets: this.options.secrets });
    return { summary, exitCode, finalized, problems, clean };
  }

  private cleanFigures(records: TypeRecord[]): BackupCommitResult['clean'] {
    return {
      path: APPLY_DIR,
      objects: records.reduce((sum, r) => sum + r.cleanObjects, 0),
      bytes: records.reduce((sum, r) => sum + (r.clean?.bytes ?? 0), 0),
    };
  }

  private manifest(records: TypeRecord[], scan: CommitOptions): Manifest {
    const info = scan.source;
    const summary = summarizeBackup({
      path: '',
      records,
      files: [],
      verified: false,
      secrets: this.options.secrets,
    });
    const skipped: Manifest['skipped'] = records
      .filter((r) => r.status === 'forbidden' || r.status === 'failed')
      .map((r) => ({
        type: r.key,
        cause: r.status as 'forbidden' | 'failed',
        reason: r.reason ?? 'no reason given',
      }));
    if (this.options.secrets === 'exclude')
      skipped.push({ type: 'secrets', cause: 'excluded', reason: 'left out by --no-secrets' });
    return {
      format: MANIFEST_FORMAT,
      formatVersion: MANIFEST_VERSION,
      tool: { name: 'cozy-assess', version: this.options.toolVersion },
      cluster: {
        source: info.kind,
        server: info.server ?? null,
        context: info.context ?? null,
        snapshot: info.path ?? null,
        kubernetesVersion: scan.serverVersion ?? null,
      },
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      complete: summary.complete,
      secrets: summary.secrets,
      encryption:
        this.options.secrets === 'encrypt'
          ? {
              tool: 'age',
              recipients: [...(this.options.recipients ?? [])],
              passphrase: this.options.passphrase !== undefined,
            }
          : null,
      cleanView: APPLY_DIR,
      cozystackConfigMaps: [...this.cozystackConfigMaps].sort(),
      types: records.map((r) => ({
        type: r.key,
        apiVersion: r.type.group === '' ? r.type.version : `${r.type.group}/${r.type.version}`,
        kind: r.type.kind,
        category: categoryLabel(categoryOf(r.type)),
        status: r.status,
        objects: r.objects,
        file: r.raw?.path,
        bytes: r.raw?.bytes ?? 0,
        ...(r.clean
          ? { cleanFile: r.clean.path, cleanObjects: r.cleanObjects, cleanBytes: r.clean.bytes }
          : {}),
      })),
      categories: summary.categories,
      skipped,
      checksums: 'SHA256SUMS',
    };
  }
}

/** `kubectl version -o json` shape, server half: the snapshot source reads `serverVersion.gitVersion`. */
export function versionDocument(gitVersion: string): string {
  const match = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const serverVersion = { major: match?.[1] ?? '', minor: match?.[2] ?? '', gitVersion };
  return `${JSON.stringify({ serverVersion }, null, 2)}\n`;
}

async function readBack(dir: string): Promise<string> {
  return readFile(join(dir, SUMS_FILE), 'utf8');
}

function describeMismatch(
  check: { missing: string[]; extra: string[]; altered: string[] },
  sumsMatch: boolean,
): string {
  const parts = [
    ...check.missing.map((f) => `missing ${f}`),
    ...check.altered.map((f) => `altered ${f}`),
    ...check.extra.map((f) => `unexpected ${f}`),
  ];
  if (!sumsMatch) parts.push('SHA256SUMS differs from what was written');
  return parts.slice(0, 5).join(', ') + (parts.length > 5 ? `, and ${parts.length - 5} more` : '');
}
