// The exec probe through the real client library (client-node's Exec over a WebSocket) against the fake API
// server over HTTPS: socket present (exit 0), absent (exit 1), another exit code, RBAC denial of pods/exec,
// a command that never ends and an upgrade that never comes (both timeouts), and which pod each node gets.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { kubeOvnProbePlan as probePlan } from '../../src/checks/kube-ovn.js';
import { DAEMON_SOCKET, type ProbeTarget, runExecProbes } from '../../src/cluster/exec-probe.js';
import type { Inventory } from '../../src/inventory/types.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { kubectlAvailable } from '../support/kubectl.js';
import { snapshotInventory } from '../support/inventory.js';
import { repoPath } from '../support/repo.js';

const HEALTHY = repoPath('fixtures', 'healthy');
const TOKEN = 'exec-token';

let server: FakeApiServer;
let inventory: Inventory;

before(async () => {
  inventory = await snapshotInventory(HEALTHY);
  server = await startFakeApiServer({
    snapshotDir: HEALTHY,
    token: TOKEN,
    // by node name, and one by pod name; cozy-cp1 is left at the default (0)
    execResults: { 'cozy-w1': 1, 'kube-ovn-cni-zhvjx': 0, 'cozy-cp3': 'hang' },
  });
});
after(async () => {
  await server?.close();
});

const options = (requestTimeoutMs = 2000) => ({
  kubeconfig: server.kubeconfigPath,
  requestTimeoutMs,
  concurrency: 2,
});

describe('exec probe: which pods', () => {
  it('picks the kube-ovn-cni pod of each node, container cni-server', () => {
    const { targets, skipped } = probePlan(inventory);
    assert.deepEqual(skipped, {});
    assert.deepEqual(
      targets.map((t) => `${t.node}=${t.namespace}/${t.pod}:${t.container}`),
      [
        'cozy-cp1=cozy-kubeovn/kube-ovn-cni-lsjx6:cni-server',
        'cozy-cp2=cozy-kubeovn/kube-ovn-cni-zhvjx:cni-server',
        'cozy-cp3=cozy-kubeovn/kube-ovn-cni-xjpzd:cni-server',
        'cozy-w1=cozy-kubeovn/kube-ovn-cni-qw6sh:cni-server',
      ],
    );
  });

  it('does not exec into a pod that is not running or lacks the container, and says why', () => {
    const pods = inventory.pods.map((p) => {
      if (p.name === 'kube-ovn-cni-lsjx6')
        return { ...p, phase: 'Pending', displayStatus: 'ContainerCreating' };
      if (p.name === 'kube-ovn-cni-qw6sh') return { ...p, containers: [] };
      return p;
    });
    const { targets, skipped } = probePlan({ ...inventory, pods });
    assert.deepEqual(
      targets.map((t) => t.node),
      ['cozy-cp2', 'cozy-cp3'],
    );
    assert.equal(skipped['cozy-cp1']?.present, null);
    assert.equal(skipped['cozy-cp1']?.reason, 'NotRunning');
    assert.match(skipped['cozy-cp1']!.detail, /ContainerCreating, not running/);
    assert.equal(skipped['cozy-w1']?.present, null);
    assert.match(skipped['cozy-w1']!.detail, /no cni-server container/);
  });

  it('prefers the live pod over a terminating one on the same node; a node with only a terminating pod is skipped', () => {
    const cp2 = inventory.pods.find((p) => p.name === 'kube-ovn-cni-zhvjx')!;
    const cp3 = inventory.pods.find((p) => p.name === 'kube-ovn-cni-xjpzd')!;
    const leftover = { ...cp2, name: 'kube-ovn-cni-old00', deletedAt: '2025-10-24T10:00:00Z' };
    const pods = [
      leftover,
      ...inventory.pods.map((p) => (p === cp3 ? { ...p, deletedAt: '2025-10-20T08:00:00Z' } : p)),
    ];
    const { targets, skipped } = probePlan({ ...inventory, pods });
    assert.equal(targets.find((t) => t.node === 'cozy-cp2')?.pod, 'kube-ovn-cni-zhvjx');
    assert.equal(
      targets.find((t) => t.node === 'cozy-cp3'),
      undefined,
    );
    assert.match(
      skipped['cozy-cp3']!.detail,
      /kube-ovn-cni-xjpzd is being deleted \(since 2025-10-20T08:00:00Z\)/,
    );
  });
});

describe('exec probe against the fake API server (HTTPS, client-node Exec)', () => {
  it('exit 0 is present, exit 1 absent, a command that never ends is unknown (timeout)', async () => {
    server.requestLog.length = 0;
    const results = await runExecProbes(probePlan(inventory).targets, options(800));
    assert.deepEqual(Object.fromEntries(Object.entries(results).map(([node, r]) => [node, r.present])), {
      'cozy-cp1': true,
      'cozy-cp2': true,
      'cozy-cp3': null,
      'cozy-w1': false,
    });
    assert.deepEqual(
      Object.values(results).map((r) => r.reason),
      ['SocketPresent', 'SocketPresent', 'Timeout', 'SocketMissing'],
    );
    assert.match(results['cozy-w1']!.detail, /exited 1 in cozy-kubeovn\/kube-ovn-cni-qw6sh: socket absent/);
    assert.match(results['cozy-cp1']!.detail, /exited 0 .*socket present/);
    assert.match(
      results['cozy-cp3']!.detail,
      /^timeout: no exit status from cozy-kubeovn\/kube-ovn-cni-xjpzd/,
    );
    assert.equal(results['cozy-cp3']!.pod, 'cozy-kubeovn/kube-ovn-cni-xjpzd');

    // One exec per pod, with the credentials (no 401), the container and the exact command.
    const execs = server.requestLog.filter((r) => r.method === 'EXEC');
    assert.equal(execs.length, 4);
    assert.deepEqual(
      server.requestLog.filter((r) => r.method !== 'EXEC'),
      [],
    );
    for (const r of execs) {
      assert.equal(r.status, 101);
      assert.equal(r.exec?.container, 'cni-server');
      assert.deepEqual(r.exec?.command, ['test', '-S', DAEMON_SOCKET]);
      assert.match(r.path, /^\/api\/v1\/namespaces\/cozy-kubeovn\/pods\/kube-ovn-cni-[a-z0-9]{5}\/exec$/);
    }
  });

  it('forbidden pods/exec is unknown, naming the RBAC the account lacks', async () => {
    server.setForbidden(['pods/exec']);
    try {
      const results = await runExecProbes(probePlan(inventory).targets.slice(0, 2), options());
      for (const result of Object.values(results)) {
        assert.equal(result.present, null);
        assert.equal(result.reason, 'Forbidden');
        assert.match(
          result.detail,
          /^forbidden: .*"create" on resource "pods\/exec" in namespace cozy-kubeovn/,
        );
      }
      assert.equal(Object.keys(results).length, 2);
    } finally {
      server.setForbidden([]);
    }
  });

  it('an exit code other than 0 or 1 is unknown: the test itself could not run', async () => {
    const other = await startFakeApiServer({ snapshotDir: HEALTHY, execResults: { 'cozy-cp1': 127 } });
    try {
      const target = probePlan(inventory).targets.find((t) => t.node === 'cozy-cp1')!;
      const results = await runExecProbes([target], { ...options(), kubeconfig: other.kubeconfigPath });
      assert.equal(results['cozy-cp1']?.present, null);
      assert.equal(results['cozy-cp1']?.reason, 'ExitCode127');
      assert.match(results['cozy-cp1']!.detail, /exited 127 .*could not run/);
    } finally {
      await other.close();
    }
  });

  it('an upgrade the server never answers is unknown (timeout), not a hang', async () => {
    server.setFaults([{ kind: 'latency', ms: 1500, target: 'pods/exec', times: 1 }]);
    try {
      const target = probePlan(inventory).targets.find((t) => t.node === 'cozy-cp1')!;
      const results = await runExecProbes([target], options(200));
      assert.equal(results['cozy-cp1']?.present, null);
      assert.match(results['cozy-cp1']!.detail, /^timeout: /);
    } finally {
      server.setFaults([]);
    }
  });

  it('a container the pod does not have is unknown (the API server refuses with 400)', async () => {
    const target: ProbeTarget = {
      node: 'cozy-cp1',
      namespace: 'cozy-kubeovn',
      pod: 'kube-ovn-cni-lsjx6',
      container: 'no-such-container',
    };
    const results = await runExecProbes([target], options());
    assert.equal(results['cozy-cp1']?.present, null);
    assert.match(results['cozy-cp1']!.detail, /\(400\): container no-such-container missing/);
  });

  it('no targets: no request at all', async () => {
    server.requestLog.length = 0;
    assert.deepEqual(await runExecProbes([], options()), {});
    assert.deepEqual(server.requestLog, []);
  });
});

describe('exec probe: credentials', () => {
  it('a rejected token is unknown (Unauthorized), not absent', async () => {
    const strict = await startFakeApiServer({
      snapshotDir: HEALTHY,
      token: 'right',
      kubeconfigToken: 'wrong',
    });
    try {
      const target = probePlan(inventory).targets[0]!;
      const results = await runExecProbes([target], { ...options(), kubeconfig: strict.kubeconfigPath });
      assert.equal(results[target.node]?.present, null);
      assert.equal(results[target.node]?.reason, 'Unauthorized');
      assert.deepEqual(
        strict.requestLog.map((r) => [r.method, r.status]),
        [['EXEC', 401]],
      );
    } finally {
      await strict.close();
    }
  });
});

// kubectl, a client nobody here wrote, checks that the fake speaks the exec protocol as a real API server does.
describe('kubectl exec against the fake API server', {
  skip: kubectlAvailable() ? false : 'kubectl is not on PATH',
}, () => {
  it('sees exit 0 where the socket is present and exit 1 where it is absent', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'cozy-kubectl-exec-'));
    const kubectlExec = (pod: string) =>
      promisify(execFile)('kubectl', [
        '--kubeconfig',
        server.kubeconfigPath,
        '--cache-dir',
        cache,
        '-n',
        'cozy-kubeovn',
        'exec',
        pod,
        '-c',
        'cni-server',
        '--',
        'test',
        '-S',
        DAEMON_SOCKET,
      ]).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );
    try {
      assert.equal(await kubectlExec('kube-ovn-cni-lsjx6'), 0); // cozy-cp1: default 0
      assert.equal(await kubectlExec('kube-ovn-cni-qw6sh'), 1); // cozy-w1: 1
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});
