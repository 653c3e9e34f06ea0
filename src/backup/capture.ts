// A PageSink that writes each wanted resource type into its own streaming List file (and, for a backup,
// its clean-view file), one page at a time. Shared by the backup and the snapshot command.
import { withTypeMeta } from '../cluster/parse-files.js';
import type { PageSink } from '../cluster/scan.js';
import {
  apiVersionOf,
  type KubeObject,
  type ListOutcome,
  type ListStatus,
  type ObjectPage,
  type ResourceType,
  typeKey,
} from '../cluster/types.js';
import { cleanObject, keepInCleanView } from './clean.js';
import type { StreamEncrypter } from './encrypt.js';
import { encodeItems, type FileRecord, ListFile, type StagingFolder } from './writer.js';

export interface CaptureOptions {
  staging: StagingFolder;
  /** Whether objects of this type are written at all. */
  wants(type: ResourceType): boolean;
  rawPath(type: ResourceType): string;
  /** Clean-view file of this type, or undefined for none. */
  cleanPath?(type: ResourceType): string | undefined;
  /** Encrypter for this type's files, or undefined to write them in clear. */
  encrypterFor?(type: ResourceType): StreamEncrypter | undefined;
  fileMode(type: ResourceType): number;
  /** Looked at for every written object (e.g. to note the CozyStack ConfigMaps). Must not keep it. */
  observe?(type: ResourceType, object: KubeObject): void;
  signal?: AbortSignal;
}

export interface TypeRecord {
  type: ResourceType;
  key: string;
  status: ListStatus;
  objects: number;
  reason?: string;
  raw?: FileRecord;
  clean?: FileRecord;
  cleanObjects: number;
}

interface OpenType {
  raw: ListFile;
  clean?: ListFile;
}

export class Capture implements PageSink {
  readonly records = new Map<string, TypeRecord>();
  private readonly open = new Map<string, Promise<OpenType>>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: CaptureOptions) {}

  page(type: ResourceType, objects: ObjectPage): Promise<void> {
    return this.track(() => this.writePage(type, objects));
  }

  done(type: ResourceType, outcome: ListOutcome): Promise<void> {
    return this.track(() => this.finishType(type, outcome));
  }

  /**
   * Stops taking pages, waits for writes in flight (other list workers may still be writing when one
   * fails), and deletes the files of every type not finished. After this the folder can be removed safely.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
    for (const key of [...this.open.keys()]) await this.discard(key).catch(() => undefined);
  }

  private async track(work: () => Promise<void>): Promise<void> {
    if (this.stopped) throw new Error('the backup was stopped');
    const running = work();
    this.inFlight.add(running);
    try {
      await running;
    } finally {
      this.inFlight.delete(running);
    }
  }

  private async writePage(type: ResourceType, objects: ObjectPage): Promise<void> {
    this.options.signal?.throwIfAborted();
    if (!this.options.wants(type)) return;
    // Everything the files need is taken before the first await: the scan drops the objects then.
    const raw = encodeItems(objects, type, 'typed-list');
    const clean = this.options.cleanPath?.(type)
      ? encodeItems(cleanItems(type, objects), type, 'list')
      : undefined;
    if (this.options.observe) for (const object of objects) this.options.observe(type, object);
    const files = await this.filesOf(type);
    await files.raw.add(raw);
    if (files.clean && clean) await files.clean.add(clean);
  }

  private async finishType(type: ResourceType, outcome: ListOutcome): Promise<void> {
    if (!this.options.wants(type)) return;
    const key = typeKey(type);
    const record: TypeRecord = {
      type,
      key,
      status: outcome.status,
      objects: outcome.count,
      cleanObjects: 0,
      reason: outcome.reason,
    };
    if (outcome.status === 'ok') {
      const files = await this.filesOf(type); // an empty type still gets its (empty, typed) List
      this.open.delete(key);
      record.objects = files.raw.objects;
      record.raw = await files.raw.close();
      if (files.clean) {
        record.cleanObjects = files.clean.objects;
        record.clean = await files.clean.close();
      }
    } else {
      // Half a type would read as the whole type: drop what was written.
      await this.discard(key);
    }
    this.records.set(key, record);
  }

  /** Adds records for wanted types the scan reported but never finished through `done` (defensive). */
  noteOutcomes(types: readonly ResourceType[], outcomes: readonly ListOutcome[]): void {
    for (const type of types) {
      const key = typeKey(type);
      if (!this.options.wants(type) || this.records.has(key)) continue;
      const outcome = outcomes.find((o) => o.type === key);
      if (!outcome) continue;
      const status = outcome.status === 'ok' ? 'failed' : outcome.status;
      const reason = outcome.status === 'ok' ? 'listed, but its file was never finished' : outcome.reason;
      this.records.set(key, { type, key, status, objects: 0, cleanObjects: 0, reason });
    }
  }

  private async discard(key: string): Promise<void> {
    const pending = this.open.get(key);
    if (!pending) return;
    this.open.delete(key);
    const files = await pending;
    await files.raw.discard();
    await files.clean?.discard();
  }

  private filesOf(type: ResourceType): Promise<OpenType> {
    const key = typeKey(type);
    let files = this.open.get(key);
    if (!files) {
      files = this.openFiles(type);
      this.open.set(key, files);
    }
    return files;
  }

  private async openFiles(type: ResourceType): Promise<OpenType> {
    const { staging } = this.options;
    const mode = this.options.fileMode(type);
    const encrypter = this.options.encrypterFor?.(type);
    const raw = await ListFile.open(
      await staging.openFile(this.options.rawPath(type), mode, encrypter),
      'typed-list',
      type,
    );
    const cleanPath = this.options.cleanPath?.(type);
    const clean = cleanPath
      ? await ListFile.open(await staging.openFile(cleanPath, mode, encrypter), 'list', type)
      : undefined;
    return { raw, clean };
  }
}

/** The objects of a page as the clean view holds them (apiVersion and kind first, as kubectl apply reads them). */
function cleanItems(type: ResourceType, objects: readonly KubeObject[]): KubeObject[] {
  // Items of a raw API list may lack apiVersion/kind; the clean view needs them to be applied.
  const typed = objects.map((o) => withTypeMeta(o, apiVersionOf(type), type.kind) as KubeObject);
  return typed.filter(keepInCleanView).map(cleanObject);
}
