// Writes a migration plan folder: plan.json, plan.md, the kit under tenants/, and SHA256SUMS. The folder is
// new: an existing path is refused (exit 2), and the files are written under a hidden temporary name beside it
// and renamed into place only when all are written, so a plan folder that exists is complete.
import { access, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createEncrypter, type EncryptionSettings, readPassphraseFile } from '../backup/encrypt.js';
import { StagingFolder } from '../backup/writer.js';
import { BadInputError } from '../errors.js';
import type { BuiltPlan } from '../migration/build.js';
import { renderPlanMarkdown } from '../migration/render.js';

export interface PlanFolder {
  path: string;
  files: number;
  encrypted: number;
}

/** The kit's Secrets are encrypted as the backup's are: age, for recipients or with a passphrase. */
export async function writePlanFolder(
  out: string,
  built: BuiltPlan,
  encryption: EncryptionSettings | undefined,
  flag = '--out',
): Promise<PlanFolder> {
  const target = resolve(out);
  await refuseExistingFolder(out, flag);
  const needsKey = built.kit.some((file) => file.encrypt);
  if (needsKey && !encryption) throw new Error('the kit holds Secrets but no encryption was set up');
  const encrypter = needsKey && encryption ? await createEncrypter(encryption) : undefined;
  const staging = await StagingFolder.create(
    dirname(target),
    `.${basename(target)}.partial-${process.pid}`,
    0o700,
  );
  try {
    await staging.writeWhole('plan.json', `${JSON.stringify(built.plan, null, 2)}\n`);
    await staging.writeWhole('plan.md', renderPlanMarkdown(built.plan));
    // The staging folder makes each file's own folder; the one above the tenant folders is made here.
    await mkdir(join(staging.path, 'tenants'), { mode: 0o700 });
    for (const file of built.kit) {
      const document =
        file.objects.length === 1 ? file.objects[0] : { apiVersion: 'v1', kind: 'List', items: file.objects };
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (file.encrypt) {
        const sink = await staging.openFile(file.path, 0o600, encrypter);
        await sink.write(new TextEncoder().encode(text));
        await sink.close();
      } else {
        await staging.writeWhole(file.path, text);
      }
    }
    await staging.writeChecksums();
    await staging.removeMarker();
    const path = await staging.finalize([basename(target)], 1);
    return {
      path,
      files: built.kit.length + 2,
      encrypted: built.kit.filter((file) => file.encrypt).length,
    };
  } catch (error) {
    await staging.remove();
    throw error;
  }
}

/** A plan goes to a new folder: an existing path (folder or file) is bad input (exit 2), before anything is read. */
export async function refuseExistingFolder(out: string, flag: string): Promise<void> {
  if (await exists(resolve(out))) {
    throw new BadInputError(
      `${flag}: ${out} already exists; a migration plan is written to a new folder, never over one`,
      out,
      flag,
      'pass a path that does not exist yet',
    );
  }
}

export interface PlanSecretFlags {
  includeSecrets: boolean;
  recipient: string[];
  passphraseFile?: string;
}

/**
 * --include-secrets with its key → how the kit's Secrets are encrypted; undefined when Secrets stay out. A key
 * without --include-secrets, or --include-secrets without a key, is exit 2: Secrets are only written encrypted.
 */
export async function planEncryption(flags: PlanSecretFlags): Promise<EncryptionSettings | undefined> {
  if (!flags.includeSecrets) {
    if (flags.recipient.length > 0 || flags.passphraseFile) {
      throw new BadInputError(
        '--recipient and --passphrase-file only apply with --include-secrets',
        undefined,
        '--include-secrets',
        'add --include-secrets to carry the tenant Secrets, encrypted',
      );
    }
    return undefined;
  }
  if (flags.recipient.length === 0 && !flags.passphraseFile) {
    throw new BadInputError(
      '--include-secrets needs a key: --recipient age1… (repeatable) or --passphrase-file FILE',
      undefined,
      '--include-secrets',
      'the plan writes Secrets only age-encrypted; create a key pair with `age-keygen -o key.txt`',
    );
  }
  const settings: EncryptionSettings = {
    recipients: flags.recipient,
    passphrase: flags.passphraseFile ? await readPassphraseFile(flags.passphraseFile) : undefined,
  };
  // Checks the recipients (and that not both kinds of key were given) before the cluster is read.
  await createEncrypter(settings);
  return settings;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
