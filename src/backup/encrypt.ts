// Encryption of Secret files with age (https://age-encryption.org, the `age-encryption` library: pure JS,
// no native code). Files are encrypted as a stream, so a large Secret list never sits in memory whole.
import { readFile } from 'node:fs/promises';
import { BadInputError } from '../errors.js';

export interface EncryptionSettings {
  /** age recipients (`age1…`), public keys: safe to record in the manifest. */
  recipients: readonly string[];
  /** Passphrase (scrypt). Never recorded or printed. */
  passphrase?: string;
  /**
   * log2 of scrypt's cost for a passphrase; age's own default (18, about a second per file) unless given. No flag
   * sets it: it exists so tests of the passphrase path need not spend seconds per file (the file records it).
   */
  scryptWorkFactor?: number;
}

/** Turns a plaintext byte stream into the age-encrypted byte stream. */
export type StreamEncrypter = (plaintext: ReadableStream<Uint8Array>) => Promise<ReadableStream<Uint8Array>>;

/** Checks the settings and returns an encrypter. Bad recipients or a missing key are bad input (exit 2). */
export async function createEncrypter(settings: EncryptionSettings): Promise<StreamEncrypter> {
  const { Encrypter } = await import('age-encryption');
  if (settings.recipients.length > 0 && settings.passphrase !== undefined) {
    throw new BadInputError(
      '--encrypt-secrets: give either --recipient or --passphrase-file, not both',
      undefined,
      '--recipient',
      'age encrypts a file for recipients or with one passphrase',
    );
  }
  if (settings.recipients.length === 0 && settings.passphrase === undefined) {
    throw new BadInputError(
      '--encrypt-secrets needs a key: --recipient age1… (repeatable) or --passphrase-file FILE',
      undefined,
      '--encrypt-secrets',
      'create a key pair with `age-keygen -o key.txt` and pass the public key it prints',
    );
  }
  // Validate every recipient up front, before the cluster is read.
  for (const recipient of settings.recipients) {
    try {
      new Encrypter().addRecipient(recipient);
    } catch (error) {
      throw new BadInputError(
        `--recipient: '${recipient}' is not an age recipient (${(error as Error).message})`,
        undefined,
        '--recipient',
        'an age recipient is a public key starting with age1',
      );
    }
  }
  return async (plaintext) => {
    const encrypter = new Encrypter();
    if (settings.passphrase !== undefined) {
      encrypter.setPassphrase(settings.passphrase);
      if (settings.scryptWorkFactor !== undefined) encrypter.setScryptWorkFactor(settings.scryptWorkFactor);
    }
    for (const recipient of settings.recipients) encrypter.addRecipient(recipient);
    return encrypter.encrypt(plaintext);
  };
}

/** Reads a passphrase file: the first line, without its line ending. An empty passphrase is refused. */
export async function readPassphraseFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BadInputError(
      `--passphrase-file: ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      file,
      '--passphrase-file',
    );
  }
  const passphrase = text.split(/\r?\n/, 1)[0] ?? '';
  if (passphrase === '') {
    throw new BadInputError(`--passphrase-file: ${file}: the first line is empty`, file, '--passphrase-file');
  }
  return passphrase;
}
