// A live cluster whose events the account may not list: the sandbox-failure evidence is unknown, so `check` and
// `assess` both say INCOMPLETE (exit 4) on a cluster where nothing else blocks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { checkJson } from '../support/check-output.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';

let server: FakeApiServer;
before(async () => {
  server = await startFakeApiServer({
    snapshotDir: 'fixtures/healthy',
    forbidden: ['events', 'events.events.k8s.io'],
  });
});
after(async () => {
  await server?.close();
});

describe('events forbidden on a healthy cluster', () => {
  it('check and assess both exit 4, naming the evidence events would have carried', async () => {
    const checked = await runCli(['--kubeconfig', server.kubeconfigPath, 'check', '-o', 'json']);
    assert.equal(checked.code, 4, checked.stderr);
    const unknown = checkJson(checked).findings.find((f) => f.id === 'kube-ovn:events');
    assert.equal(unknown?.status, 'unknown');
    assert.match(unknown?.unknownReason ?? '', /events could not be read \(forbidden/);
    const assessed = await runCli([
      '--kubeconfig',
      server.kubeconfigPath,
      '-q',
      'assess',
      '--target',
      'v0.37.2',
      '--no-backup',
      '--report',
      '/dev/null',
      '-o',
      'json',
    ]);
    assert.equal(assessed.code, 4, assessed.stderr);
    const doc = JSON.parse(assessed.stdout) as { verdict: string; reasons: string[] };
    assert.equal(doc.verdict, 'INCOMPLETE');
    assert.ok(
      doc.reasons.some((r) => /Check kube-ovn could not run: events could not be read/.test(r)),
      doc.reasons.join('\n'),
    );
  });
});
