// Streaming writers: objects go to disk page by page and are hashed from the very bytes written, so memory
// stays bounded by one page and SHA256SUMS describes exactly what is on disk. One implementation for the
// backup and the snapshot command.
import { createHash, type Hash } from 'node:crypto';
import { chmod, type FileHandle, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withTypeMeta } from '../cluster/parse-files.js';
import { apiVersionOf, type ObjectPage, type ResourceType } from '../cluster/types.js';
import { BadInputError, CozyError, ExitCode, IncompleteError } from '../errors.js';
import type { StreamEncrypter } from './encrypt.js';
import { INCOMPLETE_MARKER, SUMS_FILE } from './layout.js';

export interface FileRecord {
  /** Relative to the folder, with `/` separators (as SHA256SUMS names it). */
  path: string;
  bytes: number;
  sha256: string;
}

/** Where bytes go; `close` reports what was written. */
export interface ByteSink {
  /** Writes the chunks in order, in one system call where it can. */
  write(...chunks: Uint8Array[]): Promise<void>;
  close(): Promise<FileRecord>;
  /** Closes and deletes the file (a type that could not be read completely). */
  discard(): Promise<void>;
}

/** A file whose bytes are hashed as they are written. */
class HashedFile implements ByteSink {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    private readonly absolute: string,
    private readonly relative: string,
  ) {}

  static async open(root: string, relative: string, mode: number): Promise<HashedFile> {
    try {
      return await HashedFile.openFile(root, relative, mode);
    } catch (error) {
      throw writeError(join(root, relative), error);
    }
  }

  private static async openFile(root: string, relative: string, mode: number): Promise<HashedFile> {
    const absolute = join(root, relative);
    // Only the file's own folder is created, never the root: a run that was aborted (root removed)
    // must not bring the partial folder back from a write still in flight.
    if (dirname(absolute) !== root) {
      await mkdir(dirname(absolute), { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
    // 'wx': never overwrite; the folder is fresh, so an existing file is a bug.
    const handle = await open(absolute, 'wx', mode);
    await handle.chmod(mode); // the umask must not widen or narrow what was asked
    return new HashedFile(handle, absolute, relative);
  }

  async write(...chunks: Uint8Array[]): Promise<void> {
    let total = 0;
    for (const chunk of chunks) {
      this.hash.update(chunk);
      total += chunk.byteLength;
    }
    this.bytes += total;
    try {
      // One writev for a separator and the page after it; a short write goes on chunk by chunk.
      let written = chunks.length > 1 ? (await this.handle.writev(chunks)).bytesWritten : 0;
      for (const chunk of chunks) {
        const skip = Math.min(written, chunk.byteLength);
        written -= skip;
        let offset = skip;
        while (offset < chunk.byteLength) {
          const { bytesWritten } = await this.handle.write(chunk, offset, chunk.byteLength - offset);
          offset += bytesWritten;
        }
      }
    } catch (error) {
      throw writeError(this.absolute, error);
    }
  }

  async close(): Promise<FileRecord> {
    if (!this.closed) {
      this.closed = true;
      try {
        await this.handle.sync();
        await this.handle.close();
      } catch (error) {
        throw writeError(this.absolute, error);
      }
    }
    return { path: this.relative, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  async discard(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.absolute, { force: true });
  }
}

/** Plaintext in, age ciphertext to the file; the hash is of the encrypted bytes (what `sha256sum` sees). */
class EncryptedFile implements ByteSink {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly pumped: Promise<void>;
  private failure: unknown;

  private constructor(
    private readonly file: HashedFile,
    input: TransformStream<Uint8Array, Uint8Array>,
    ciphertext: ReadableStream<Uint8Array>,
  ) {
    this.writer = input.writable.getWriter();
    this.pumped = this.pump(ciphertext);
  }

  static async open(file: HashedFile, encrypt: StreamEncrypter): Promise<EncryptedFile> {
    const input = new TransformStream<Uint8Array, Uint8Array>();
    const ciphertext = await encrypt(input.readable);
    return new EncryptedFile(file, input, ciphertext);
  }

  private async pump(ciphertext: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of ciphertext as unknown as AsyncIterable<Uint8Array>)
        await this.file.write(chunk);
    } catch (error) {
      this.failure = error;
      await this.writer.abort(error).catch(() => undefined);
    }
  }

  async write(...chunks: Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      if (this.failure) throw this.failure;
      await this.writer.ready;
      await this.writer.write(chunk);
    }
  }

  async close(): Promise<FileRecord> {
    await this.writer.close();
    await this.pumped;
    if (this.failure) throw this.failure;
    return this.file.close();
  }

  async discard(): Promise<void> {
    await this.writer.abort(new Error('discarded')).catch(() => undefined);
    await this.pumped.catch(() => undefined);
    await this.file.discard();
  }
}

/**
 * - `typed-list`: a typed List as the API returns it (`{"apiVersion":"apps/v1","kind":"DeploymentList","items":[…]}`);
 *   typed, so an empty list still says the type was read and had no objects. The raw files.
 * - `list`: a plain `v1` `List`, what `kubectl apply -f` takes. The clean view.
 * Both are compact JSON, as the API server sends it: the backup is for machines (kubectl, the snapshot
 * reader), and indenting would double the bytes to write, hash and read back. (JSON, not YAML: the YAML
 * library writes and reads about 30 times slower than JSON, which matters for tens of megabytes of CRDs.)
 */
export type ListFormat = 'typed-list' | 'list';

/** Items of one page, encoded: runs of items (without the enclosing brackets), ready to append to a List. */
export interface EncodedItems {
  count: number;
  runs: Uint8Array[];
}

/**
 * Encodes a page's items for a List file. In a typed List, a page that carries the server's bytes of its
 * items is those bytes, untouched; otherwise the objects are serialised a few at a time, so a page of large
 * objects (CRDs) never becomes one string of tens of MB. Synchronous: the objects are not needed after.
 */
export function encodeItems(objects: ObjectPage, type: ResourceType, format: ListFormat): EncodedItems {
  const raw = format === 'typed-list' ? objects.raw : undefined;
  if (raw) return { count: objects.length, runs: [raw.bytes.subarray(raw.start, raw.end)] };
  const runs: Uint8Array[] = [];
  for (let start = 0; start < objects.length; start += WRITE_BATCH) {
    const batch = objects
      .slice(start, start + WRITE_BATCH)
      .map((object) => withTypeMeta(object, apiVersionOf(type), type.kind));
    runs.push(Buffer.from(JSON.stringify(batch).slice(1, -1), 'utf8'));
  }
  return { count: objects.length, runs };
}

/** One resource type in one file, written incrementally, a page at a time. */
export class ListFile {
  private count = 0;
  /** Whether an item has been written (the next one needs a separator). */
  private written = false;

  private constructor(private readonly sink: ByteSink) {}

  static async open(sink: ByteSink, format: ListFormat, type: ResourceType): Promise<ListFile> {
    const file = new ListFile(sink);
    const [apiVersion, kind] =
      format === 'typed-list' ? [apiVersionOf(type), `${type.kind}List`] : ['v1', 'List'];
    await file.emit(`{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"items":[`);
    return file;
  }

  get objects(): number {
    return this.count;
  }

  /** Appends one page's items (see encodeItems). */
  async add(items: EncodedItems): Promise<void> {
    for (const run of items.runs) {
      if (run.byteLength === 0) continue;
      await (this.written ? this.sink.write(SEPARATOR, run) : this.sink.write(run));
      this.written = true;
    }
    this.count += items.count;
  }

  async close(): Promise<FileRecord> {
    await this.emit('],"metadata":{"resourceVersion":""}}\n');
    return this.sink.close();
  }

  discard(): Promise<void> {
    return this.sink.discard();
  }

  private emit(text: string): Promise<void> {
    return this.sink.write(Buffer.from(text, 'utf8'));
  }
}

const WRITE_BATCH = 32;
const SEPARATOR = Buffer.from(',');

/**
 * A folder written under a temporary name beside its target, holding an `INCOMPLETE` marker until it is
 * complete; then renamed into place. A run that dies leaves at worst a hidden `.name.partial-PID` folder
 * that says INCOMPLETE, never something that looks like a finished backup.
 */
export class StagingFolder {
  readonly records = new Map<string, FileRecord>();

  private constructor(
    readonly parent: string,
    readonly path: string,
  ) {}

  static async create(parent: string, tempName: string, folderMode: number): Promise<StagingFolder> {
    const path = join(parent, tempName);
    try {
      await mkdir(parent, { recursive: true });
      await rm(path, { recursive: true, force: true }); // a stale one from a dead run with the same pid
      await mkdir(path, { mode: folderMode });
      await chmod(path, folderMode);
      await writeFile(join(path, INCOMPLETE_MARKER), incompleteText(), { mode: 0o644 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new BadInputError(
        `${parent}: cannot create a folder there (${code})`,
        parent,
        undefined,
        'choose a folder you can write to',
      );
    }
    return new StagingFolder(parent, path);
  }

  /** Opens a file for streaming; `encrypt` wraps it in age. The record is kept when the file is closed. */
  async openFile(relative: string, mode: number, encrypt?: StreamEncrypter): Promise<ByteSink> {
    const file = await HashedFile.open(this.path, relative, mode);
    const sink: ByteSink = encrypt ? await EncryptedFile.open(file, encrypt) : file;
    return {
      write: (...chunks) => sink.write(...chunks),
      close: async () => {
        const record = await sink.close();
        this.records.set(record.path, record);
        return record;
      },
      discard: () => sink.discard(),
    };
  }

  async writeWhole(relative: string, text: string, mode = 0o644): Promise<FileRecord> {
    const file = await this.openFile(relative, mode);
    await file.write(new TextEncoder().encode(text));
    return file.close();
  }

  /** Writes SHA256SUMS for every recorded file, in `sha256sum -c` format (hash, two spaces, relative path). */
  async writeChecksums(): Promise<void> {
    await writeFile(join(this.path, SUMS_FILE), formatChecksums([...this.records.values()]), { mode: 0o644 });
  }

  async removeMarker(): Promise<void> {
    await rm(join(this.path, INCOMPLETE_MARKER), { force: true });
  }

  async restoreMarker(reason: string): Promise<void> {
    await writeFile(join(this.path, INCOMPLETE_MARKER), incompleteText(reason), { mode: 0o644 });
  }

  /**
   * Renames the folder to the first free name. rename(2) replaces at most an EMPTY folder and fails on
   * one with content (ENOTEMPTY/EEXIST) or on a file, so an existing backup is never overwritten.
   */
  async finalize(names: Iterable<string>, attempts = 1000): Promise<string> {
    let tried = 0;
    for (const name of names) {
      if (tried++ >= attempts) break;
      const target = join(this.parent, name);
      try {
        await rename(this.path, target);
        return target;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') continue;
        throw error;
      }
    }
    throw new CozyError(
      `${this.path}: no free folder name to rename it to; the data stays there`,
      ExitCode.INTERNAL,
    );
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true, maxRetries: 3 });
  }
}

export function formatChecksums(records: readonly FileRecord[]): string {
  return [...records]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((record) => `${record.sha256}  ${record.path}\n`)
    .join('');
}

/** A disk problem (full, read-only, removed) is not a bug: the run ends INCOMPLETE and says where. */
function writeError(path: string, error: unknown): Error {
  if (error instanceof CozyError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) return error as Error;
  return new IncompleteError(
    `${path}: cannot write (${code})`,
    'free disk space or choose another folder, then run again',
  );
}

function incompleteText(reason?: string): string {
  return `This folder is not a complete backup or snapshot: it was being written${reason ? ` and ${reason}` : ''}.\nDo not restore from it. Delete it and run the command again.\n`;
}
