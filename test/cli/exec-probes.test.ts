// `--exec-probes` end to end through the built CLI against the fake API server (HTTPS, bearer token): the
// socket missing on one node fails the kube-ovn check with the probe as evidence; without the flag no exec is
// sent; a denied pods/exec is a warning and the verdict stays what the pods and events say; a snapshot says the
// flag needs a live cluster and carries on; the assessment's notes say probes ran, where, and that they were
// the only requests that are not GETs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AssessmentSchema } from '../../src/model/assessment.js';
import { runCli } from '../support/cli.js';
import { checkJson } from '../support/check-output.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2025-10-24T12:00:00Z';
let server: FakeApiServer;
let dir: string;

const tempDir = tempDirs('cozy-exec-probes-');
before(async () => {
  dir = await tempDir();
  // fixtures/healthy: every Kube-OVN pod looks fine; only the probe can tell that cozy-w1 has no socket.
  server = await startFakeApiServer({
    snapshotDir: 'fixtures/healthy',
    token: 'probe-token',
    execResults: { 'cozy-w1': 1 },
  });
});
after(async () => {
  await server?.close();
});

const live = (...args: string[]) => ['--kubeconfig', server.kubeconfigPath, '--now', NOW, ...args];
const execs = () => server.requestLog.filter((r) => r.method === 'EXEC');

describe('check --exec-probes on a live cluster', () => {
  it('a node whose daemon socket is absent fails the kube-ovn check, citing the probe', async () => {
    server.requestLog.length = 0;
    const result = await runCli(live('check', '--exec-probes', '-o', 'json'));
    assert.equal(result.code, 3, result.stderr);
    const doc = checkJson(result);
    const daemon = doc.findings.find((f) => f.id === 'kube-ovn:daemon');
    assert.ok(daemon, doc.findings.map((f) => f.id).join(', '));
    assert.equal(daemon.status, 'fail');
    assert.equal(daemon.blocking, true);
    assert.deepEqual(daemon.nodes, ['cozy-w1']);
    assert.match(daemon.summary, /exec probe/);
    assert.deepEqual(
      daemon.evidence.filter((e) => e.kind === 'probe').map((e) => `${e.node} ${e.name} ${e.reason}`),
      ['cozy-w1 kube-ovn-cni-qw6sh SocketMissing'],
    );
    assert.deepEqual(
      Object.fromEntries(Object.entries(doc.execProbes ?? {}).map(([node, r]) => [node, r.present])),
      { 'cozy-cp1': true, 'cozy-cp2': true, 'cozy-cp3': true, 'cozy-w1': false },
    );
    assert.match(
      result.stderr,
      /Exec probe: socket present on cozy-cp1, cozy-cp2, cozy-cp3, absent on cozy-w1/,
    );
    // One exec per kube-ovn-cni pod; everything else is a GET.
    assert.deepEqual(
      execs()
        .map((r) => r.exec?.pod)
        .sort(),
      ['kube-ovn-cni-lsjx6', 'kube-ovn-cni-qw6sh', 'kube-ovn-cni-xjpzd', 'kube-ovn-cni-zhvjx'],
    );
    assert.deepEqual(
      server.requestLog.filter((r) => r.method !== 'GET' && r.method !== 'EXEC'),
      [],
    );
  });

  it('without the flag no exec request is sent and the same cluster passes', async () => {
    server.requestLog.length = 0;
    const result = await runCli(live('check', '-o', 'json'));
    assert.equal(result.code, 0, result.stderr);
    assert.ok(server.requestLog.length > 0);
    assert.ok(server.requestLog.every((r) => r.method === 'GET'));
    const doc = checkJson(result);
    assert.equal(doc.execProbes, undefined);
    assert.equal(doc.findings.find((f) => f.check === 'kube-ovn')?.status, 'pass');
  });

  it('a denied pods/exec leaves every node unknown, says what RBAC is missing, and changes no verdict', async () => {
    server.setForbidden(['pods/exec']);
    try {
      const result = await runCli(live('check', '--exec-probes', '-o', 'json'));
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stderr,
        /cozy-w1: forbidden: .*"create" on resource "pods\/exec" in namespace cozy-kubeovn/,
      );
      const doc = checkJson(result);
      assert.deepEqual(
        Object.values(doc.execProbes ?? {}).map((r) => r.present),
        [null, null, null, null],
      );
      const kubeOvn = doc.findings.find((f) => f.check === 'kube-ovn');
      assert.equal(kubeOvn?.status, 'pass');
      assert.doesNotMatch(kubeOvn?.summary ?? '', /exec probe/);
    } finally {
      server.setForbidden([]);
    }
  });
});

describe('--exec-probes with a snapshot', () => {
  it('says that exec probes need a live cluster, and the check still runs', async () => {
    const result = await runCli([
      '--snapshot',
      'fixtures/healthy',
      '--now',
      NOW,
      'check',
      '--exec-probes',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /--exec-probes needs a live cluster/);
    const doc = checkJson(result);
    assert.equal(doc.execProbes, undefined);
    assert.equal(doc.findings.find((f) => f.check === 'kube-ovn')?.status, 'pass');
  });
});

describe('assess --exec-probes', () => {
  it('notes in the assessment and the report that probes ran, on which pods, and that they were the only non-GET requests', async () => {
    server.requestLog.length = 0;
    const json = join(dir, 'assessment.json');
    const report = join(dir, 'report.md');
    const result = await runCli(
      live(
        'assess',
        '--exec-probes',
        '--target',
        'v0.37.2',
        '--no-backup',
        '--json',
        json,
        '--report',
        report,
      ),
    );
    assert.equal(result.code, 3, result.stderr);
    const assessment = AssessmentSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    assert.equal(assessment.verdict, 'NO-GO');
    const note = assessment.notes.find((n) => n.startsWith('Exec probes (--exec-probes) ran'));
    assert.ok(note, assessment.notes.join('\n'));
    assert.match(note, /test -S \/run\/openvswitch\/kube-ovn-daemon\.sock/);
    assert.match(note, /cozy-kubeovn\/kube-ovn-cni-qw6sh on cozy-w1: ABSENT/);
    assert.match(note, /cozy-kubeovn\/kube-ovn-cni-lsjx6 on cozy-cp1: present/);
    assert.match(note, /only requests sent that are not GETs/);
    assert.ok(
      !assessment.notes.some((n) => /only GET requests were sent/.test(n)),
      'the read-only note is dropped',
    );
    assert.ok(
      assessment.findings.some(
        (f) => f.id === 'kube-ovn:daemon' && f.evidence.some((e) => e.reason === 'SocketMissing'),
      ),
    );
    assert.ok((await readFile(report, 'utf8')).includes(note), 'the Markdown report prints the note');
    assert.equal(execs().length, 4);
  });

  it('without the flag the notes say only GETs were sent, and none was an exec', async () => {
    server.requestLog.length = 0;
    const json = join(dir, 'plain.json');
    const result = await runCli(
      live('assess', '--target', 'v0.37.2', '--no-backup', '--json', json, '--report', join(dir, 'plain.md')),
    );
    assert.equal(result.code, 0, result.stderr);
    const assessment = AssessmentSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    assert.ok(assessment.notes.some((n) => /only GET requests were sent/.test(n)));
    assert.ok(!assessment.notes.some((n) => /Exec probes/.test(n)));
    assert.ok(server.requestLog.every((r) => r.method === 'GET'));
  });
});
