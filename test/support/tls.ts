// Test-only TLS material: a self-signed CA and a server certificate for 127.0.0.1 / localhost, made with
// the `openssl` command (node:crypto cannot issue certificates). Generated once per test process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsMaterial {
  /** The CA certificate (PEM) a client must trust. */
  caPem: string;
  /** Server certificate (PEM) signed by the CA, SAN IP:127.0.0.1 and DNS:localhost. */
  certPem: string;
  keyPem: string;
}

let cached: TlsMaterial | undefined;

/** The TLS material shared by every fake server in this process. */
export function testTls(): TlsMaterial {
  cached ??= generateTls('cozy-assess test CA');
  return cached;
}

/** A fresh, unrelated CA + server certificate (to test a client that trusts the wrong CA). */
export function generateTls(caName: string): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'cozy-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const days = '3650';
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      days,
      '-subj',
      `/CN=${caName}`,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    );
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
    );
    writeFileSync(
      join(dir, 'san.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      days,
      '-extfile',
      'san.ext',
      '-out',
      'server.crt',
    );
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    return { caPem: read('ca.crt'), certPem: read('server.crt'), keyPem: read('server.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
