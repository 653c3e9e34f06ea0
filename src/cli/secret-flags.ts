// The secret flags `backup` and `assess` share: --no-secrets, --encrypt-secrets, --recipient, --passphrase-file.
import { readPassphraseFile } from '../backup/encrypt.js';
import type { SecretsMode } from '../backup/select.js';
import { BadInputError } from '../errors.js';
import { stringOption } from './options.js';

export interface SecretFlags {
  secrets: SecretsMode;
  recipients: string[];
  passphrase?: string;
}

/** Reads --no-secrets / --encrypt-secrets / --recipient / --passphrase-file (`backup` and `assess`). */
export async function secretFlags(options: Record<string, unknown>): Promise<SecretFlags> {
  const recipients = Array.isArray(options.recipient)
    ? options.recipient.filter((r): r is string => typeof r === 'string')
    : [];
  const passphraseFile = stringOption(options, 'passphraseFile');
  const encrypt = options.encryptSecrets === true;
  if (options.secrets === false) {
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
