import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exposureSettings, secretPaths, valueReferences, withoutPaths } from '../../src/migration/values.js';

describe('values read without copying a secret', () => {
  it('finds secret-looking leaves by key and by content, and not references to Secrets', () => {
    const values = {
      users: { app: { password: 'p1', replication: true }, ro: { password: '' } },
      backup: { s3AccessKey: 'AK', s3SecretKey: 'SK', destinationPath: 's3://b/x' },
      existingSecret: 'creds',
      tls: { secretName: 'tls-cert' },
      cloudInit: '#cloud-config\nchpasswd: { expire: false }\n',
      sshKeys: ['ssh-ed25519 AAAA'],
      token: 12345,
      credentials: { user: 'u', key: 'k' },
      key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc',
    };
    assert.deepEqual(secretPaths(values).sort(), [
      'backup.s3AccessKey',
      'backup.s3SecretKey',
      'cloudInit',
      'credentials',
      'key',
      'token',
      'users.app.password',
    ]);
  });

  it('removes paths, array items included, without touching the input', () => {
    const values = { users: { app: { password: 'p', x: 1 } }, list: [{ token: 't' }, { keep: 1 }] };
    assert.deepEqual(withoutPaths(values, ['users.app.password', 'list[0].token']), {
      users: { app: { x: 1 } },
      list: [{}, { keep: 1 }],
    });
    assert.equal(values.users.app.password, 'p');
  });

  it('names Secrets, buckets and the apps a value points at', () => {
    assert.deepEqual(
      valueReferences('postgres', {
        backup: { destinationPath: 's3://shop-backups/pg/' },
        bootstrap: { enabled: true, oldName: 'orders-old' },
        tls: { secretName: 'pg-tls' },
      }),
      { secrets: ['pg-tls'], buckets: ['shop-backups'], releases: ['postgres-orders-old'] },
    );
    assert.deepEqual(
      valueReferences('vm-instance', { disks: [{ name: 'root' }, { name: 'data' }] }).releases,
      ['vm-disk-data', 'vm-disk-root'],
    );
    assert.deepEqual(
      valueReferences('postgres', { bootstrap: { enabled: false, oldName: 'x' } }).releases,
      [],
    );
  });

  it('keeps the exposure settings, not the empty ones', () => {
    assert.deepEqual(
      exposureSettings({ external: true, externalPorts: [22], host: '', replicas: 2, hosts: [] }),
      {
        external: true,
        externalPorts: [22],
      },
    );
  });
});
