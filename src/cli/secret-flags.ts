// The secret flags `backup` and `assess` share: --no-secrets, --encrypt-secrets, --recipient, --passphrase-file,
// and --allow-partial, which accepts a backup that skipped types the account may not read.
import { z } from 'zod';
import { readPassphraseFile } from '../backup/encrypt.js';
import type { SecretsMode } from '../backup/select.js';
import { BadInputError } from '../errors.js';
import { flag, negatableFlag, repeatable } from './flag-schemas.js';

export const secretFlagsShape = {
  secrets: negatableFlag,
  encryptSecrets: flag,
  recipient: repeatable,
  passphraseFile: z.string().optional(),
  allowPartial: flag,
};

export type SecretFlagValues = z.output<z.ZodObject<typeof secretFlagsShape>>;

export interface SecretFlags {
  secrets: SecretsMode;
  recipients: string[];
  passphrase?: string;
}

/** The flags → how Secrets are backed up; contradictory combinations are exit 2 naming the flag. */
export async function secretFlags(values: SecretFlagValues): Promise<SecretFlags> {
  const { recipient: recipients, passphraseFile, encryptSecrets: encrypt } = values;
  if (!values.secrets) {
    if (encrypt || recipients.length > 0 || passphraseFile) {
      throw new BadInputError(
        '--no-secrets leaves Secrets out; it cannot be combined with --encrypt-secrets, --recipient or --passphrase-file',
        undefined,
        '--no-secrets',
      );
    }
    return { secrets: 'exclude', recipients: [] };
  }
  if (!encrypt) {
    if (recipients.length > 0 || passphraseFile) {
      throw new BadInputError(
        '--recipient and --passphrase-file only apply with --encrypt-secrets',
        undefined,
        '--encrypt-secrets',
        'add --encrypt-secrets',
      );
    }
    return { secrets: 'include', recipients: [] };
  }
  const passphrase = passphraseFile ? await readPassphraseFile(passphraseFile) : undefined;
  return { secrets: 'encrypt', recipients, passphrase };
}
