// The files a command writes for the user (--report, --json, --junit, --html): written whole or not at all, so
// a full disk or a stopped run leaves the previous report in place instead of an empty or cut file, and two
// flags never name the same file (the second would silently replace the first).
import { link, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { BadInputError } from '../errors.js';

/** Exit 2 before any work when two output flags name one file. */
export function requireDistinctOutputs(
  outputs: ReadonlyArray<[flag: string, file: string | undefined]>,
): void {
  const seen = new Map<string, string>();
  for (const [flag, file] of outputs) {
    if (file === undefined) continue;
    const key = resolve(file);
    const earlier = seen.get(key);
    if (earlier) {
      throw new BadInputError(
        `${earlier} and ${flag} both name ${file}: the second would replace the first`,
        file,
        flag,
        'give each output its own file',
      );
    }
    seen.set(key, flag);
  }
}

/**
 * Writes `text` to a temporary file beside `file`, then renames it over `file` (the old one stays on failure).
 * A name that is not a regular file (/dev/null, /dev/stdout, a FIFO, a shell's `>(…)`) is written into as it is:
 * renaming over it would replace the device or pipe with a plain file (as root, even /dev/null).
 */
export async function writeOutputFile(file: string, text: string, flag: string): Promise<void> {
  try {
    if (await isSpecialFile(file)) await writeFile(file, text);
    else await writeFileAtomic(file, text);
  } catch (error) {
    throw outputError(file, flag, error);
  }
}

/**
 * Writes `text` under the first free name `names(1)`, `names(2)`, …: whole (a temporary file first) and
 * never over an existing file (a hard link fails when the name is taken, where a rename would replace it).
 */
export async function writeNewOutputFile(
  names: (n: number) => string,
  text: string,
  flag: string,
): Promise<string> {
  const first = names(1);
  const temp = join(dirname(first), `.${basename(first)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
  } catch (error) {
    throw outputError(first, flag, error);
  }
  try {
    for (let n = 1; n <= 1000; n++) {
      const file = names(n);
      try {
        await link(temp, file);
        return file;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        // A filesystem without hard links: an exclusive create still never replaces a file.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw outputError(file, flag, error);
        if (await createExclusive(file, text, flag)) return file;
      }
    }
    throw new BadInputError(`${flag}: ${first} and 999 numbered names after it exist`, first, flag);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** True when `file` (its link followed) exists and is a device, FIFO or socket rather than a regular file. */
async function isSpecialFile(file: string): Promise<boolean> {
  try {
    const stats = await stat(file);
    return !stats.isFile() && !stats.isDirectory();
  } catch {
    return false;
  }
}

/** Creates `file` with `text` unless it exists (false then). */
async function createExclusive(file: string, text: string, flag: string): Promise<boolean> {
  try {
    await writeFile(file, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw outputError(file, flag, error);
  }
}

function outputError(file: string, flag: string, error: unknown): BadInputError {
  if (error instanceof BadInputError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new BadInputError(
    `${flag}: cannot write ${file} (${code}); a previous file of that name is left as it was`,
    file,
    flag,
    'check that the folder exists, is writable and has room',
  );
}
