// The judgement rules of issue 16 on small inline clusters: a node that is down is the cause of what fails on it,
// pressure blocks, Failed leftovers are history, single causes are named, evidence beats summaries, and
// evidence only events carry is unknown without them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helmReleasesCheck } from '../../src/checks/helmreleases.js';
import { imagePullCauseCheck } from '../../src/checks/image-pull-cause.js';
import { kubeOvnCheck } from '../../src/checks/kube-ovn.js';
import { nodeHealthCheck } from '../../src/checks/node-health.js';
import { censusReason } from '../../src/checks/pod-failures.js';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import { resourceHeadroomCheck } from '../../src/checks/resource-headroom.js';
import { findRootCauses } from '../../src/checks/root-cause.js';
import {
  failsOnlyWithItsNode,
  podJudgement,
  replacedLeftover,
} from '../../src/checks/util/node-and-owner.js';
import { webhooksApiServicesCheck } from '../../src/checks/webhooks-apiservices.js';
import { workloadAvailabilityCheck } from '../../src/checks/workload-availability.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { Finding } from '../../src/model/finding.js';
import {
  daemonSet,
  deployment,
  endpoints,
  event,
  helmRelease,
  imagePullBackOffMessage,
  job,
  type K8sObject,
  pullNotFoundError,
  replicaSet,
  sandboxSocketMessage,
  terminated,
  validatingWebhookConfiguration,
  waiting,
} from '../support/objects.js';
import { clock, ctx, inventoryFrom, readyNode, runCheck, simplePod } from './support.js';

const allFindings = (inv: Inventory): Finding[] => BUILTIN_CHECKS.flatMap((c) => runCheck(c, inv, ctx()));
const find = (findings: Finding[], id: string) => findings.find((f) => f.id === id);

/** A node that stopped posting status `hours` ago, with the node controller's taints. */
function lostNode(name: string, hours: number): K8sObject {
  return readyNode(name, {
    statusUnknown: { since: clock.hoursAgo(hours), lastHeartbeat: clock.hoursAgo(hours, 1) },
    taints: [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: clock.hoursAgo(hours) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: clock.hoursAgo(hours) },
    ],
  });
}

/** A DaemonSet pod on `node`: healthy, or Running with Ready=False since `notReadySince` (containers still ready). */
function dsPod(name: string, namespace: string, node: string, notReadySince?: string, extra = {}): K8sObject {
  const p = simplePod({
    name: `${name}-${node.slice(0, 5)}`,
    namespace,
    node,
    owner: { kind: 'DaemonSet', name },
    created: clock.daysAgo(40),
    ...extra,
  });
  if (notReadySince) {
    const conditions = (p.status as { conditions: Array<Record<string, unknown>> }).conditions;
    Object.assign(conditions.find((c) => c.type === 'Ready')!, {
      status: 'False',
      lastTransitionTime: notReadySince,
    });
  }
  return p;
}

describe('a node that is down is the cause of what fails on it', () => {
  const down = clock.hoursAgo(2);
  const cluster = (extra: K8sObject[] = []) =>
    inventoryFrom([
      readyNode('cp1'),
      lostNode('w1', 2),
      ...['kube-ovn-cni', 'ovs-ovn'].flatMap((ds) => [
        dsPod(ds, 'cozy-kubeovn', 'cp1'),
        dsPod(ds, 'cozy-kubeovn', 'w1', clock.after(down, { seconds: 1 })),
      ]),
      dsPod('cilium', 'cozy-cilium', 'cp1'),
      dsPod('cilium', 'cozy-cilium', 'w1', clock.after(down, { seconds: 1 })),
      ...extra,
    ]);

  it("a pod is the node's when its failure began with the outage, its own when it began long before", () => {
    const inv = cluster();
    const lost = podJudgement(inv).lost;
    const onW1 = inv.pods.filter((p) => p.node === 'w1');
    assert.ok(onW1.every((p) => failsOnlyWithItsNode(p, lost)));
    const old = { ...onW1[0]!, failingSince: clock.daysAgo(60) };
    assert.equal(failsOnlyWithItsNode(old, lost), false);
    assert.equal(failsOnlyWithItsNode(inv.pods.find((p) => p.node === 'cp1')!, lost), false);
  });

  it('Kube-OVN and Cilium pass on the Ready nodes and name the down node as not judged; the node is the root cause', () => {
    const inv = cluster();
    const findings = allFindings(inv);
    assert.equal(find(findings, 'kube-ovn:daemon'), undefined);
    assert.equal(find(findings, 'cni-agent:agents'), undefined);
    assert.match(
      find(findings, 'kube-ovn')!.summary,
      /Not judged on 1 node that is down: w1 \(kube-ovn-cni, ovs-ovn\)/,
    );
    assert.match(find(findings, 'cni-agent')!.summary, /not judged on w1, which is down/);
    assert.match(
      find(findings, 'node-health:not-ready')!.summary,
      /w1 Unknown for 2 hours .*taints node\.kubernetes\.io\/unreachable:NoSchedule/,
    );
    const causes = findRootCauses(inv, findings, BUILTIN_CHECKS);
    assert.deepEqual(
      causes.map((c) => c.id),
      ['node-not-ready'],
    );
    assert.equal(causes[0]!.effectsRecover, true);
  });

  it('Kube-OVN is still the cause on a down node when sandbox errors name its socket', () => {
    const sandbox = event({
      namespace: 'cozy-system',
      involved: { kind: 'Pod', name: 'api-x' },
      reason: 'FailedCreatePodSandBox',
      message: sandboxSocketMessage('api-x'),
      host: 'w1',
      count: 40,
      firstTimestamp: clock.daysAgo(9),
      lastTimestamp: clock.hoursAgo(3),
    });
    const inv = cluster([sandbox]);
    const findings = runCheck(kubeOvnCheck, inv);
    assert.deepEqual(find(findings, 'kube-ovn:daemon')?.nodes, ['w1']);
  });
});

describe('node pressure blocks', () => {
  it('with the condition, its age and the evictions as evidence, and a node root cause', () => {
    const node = readyNode('w1');
    const conditions = (node.status as { conditions: Array<Record<string, unknown>> }).conditions;
    Object.assign(conditions.find((c) => c.type === 'DiskPressure')!, {
      status: 'True',
      reason: 'KubeletHasDiskPressure',
      message: 'kubelet has disk pressure',
      lastTransitionTime: clock.hoursAgo(5),
    });
    const evicted = event({
      namespace: 'cozy-monitoring',
      involved: { kind: 'Pod', name: 'vmagent-7d9f-x2k4p' },
      reason: 'Evicted',
      message:
        'The node was low on resource: ephemeral-storage. Threshold quantity: 10033283145, available: 9412768Ki. ',
      host: 'w1',
      count: 1,
      firstTimestamp: clock.hoursAgo(4),
      lastTimestamp: clock.hoursAgo(4),
    });
    const inv = inventoryFrom([node, evicted]);
    const findings = runCheck(nodeHealthCheck, inv);
    const pressure = find(findings, 'node-health:pressure')!;
    assert.equal(pressure.status, 'fail');
    assert.equal(pressure.blocking, true);
    assert.match(
      pressure.summary,
      /w1: DiskPressure for 5 hours \(kubelet has disk pressure\).*1 pod evicted \(cozy-monitoring\/vmagent-7d9f-x2k4p\)/,
    );
    assert.ok(pressure.evidence.some((e) => e.reason === 'DiskPressure' && e.since === clock.hoursAgo(5)));
    assert.ok(pressure.evidence.some((e) => e.kind === 'event' && e.reason === 'Evicted'));
    const [cause] = findRootCauses(inv, findings, [nodeHealthCheck]);
    assert.equal(cause?.id, 'node-pressure');
    assert.equal(cause?.title, 'DiskPressure on w1');
    assert.deepEqual(cause?.effects[0]?.objects, ['cozy-monitoring/pod/vmagent-7d9f-x2k4p']);
  });
});

describe('stale leftovers are history', () => {
  const rs = (name: string, replicas: number, ready: number) =>
    replicaSet({
      name,
      namespace: 'cozy-fluxcd',
      created: clock.daysAgo(100),
      deploymentName: 'helm-controller',
      labels: {},
      selector: {},
      template: { labels: {}, containers: [] },
      replicas,
      ready,
    });
  const deploy = (ready: number) =>
    deployment({
      name: 'helm-controller',
      namespace: 'cozy-fluxcd',
      created: clock.daysAgo(100),
      selector: {},
      template: { labels: {}, containers: [] },
      replicas: 1,
      status: {
        replicas: 1,
        ready,
        availableSince: clock.daysAgo(9),
        progressingSince: clock.daysAgo(9),
        replicaSetName: 'helm-controller-new',
      },
    });
  const evicted = simplePod({
    name: 'helm-controller-old-abcde',
    namespace: 'cozy-fluxcd',
    node: 'n1',
    owner: { kind: 'ReplicaSet', name: 'helm-controller-old' },
    state: terminated('ContainerStatusUnknown', 137, clock.daysAgo(40), clock.daysAgo(34)),
    ready: false,
    phase: 'Failed',
    reason: 'Evicted',
    message: 'The node was low on resource: ephemeral-storage.',
    readyTransition: clock.daysAgo(34),
  });

  it('a Failed pod of a ReplicaSet scaled to 0, or of a fully available owner, or of a completed Job', () => {
    const inv = inventoryFrom([
      readyNode('n1'),
      deploy(1),
      rs('helm-controller-old', 0, 0),
      rs('helm-controller-new', 1, 1),
      evicted,
    ]);
    const pod = inv.pods[0]!;
    assert.deepEqual(replacedLeftover(pod, inv), {
      owner: 'Deployment cozy-fluxcd/helm-controller',
      why: 'its ReplicaSet helm-controller-old is scaled to 0',
    });
    const withOldRsStillWanted = inventoryFrom([
      readyNode('n1'),
      deploy(0),
      rs('helm-controller-old', 1, 0),
      evicted,
    ]);
    assert.equal(replacedLeftover(withOldRsStillWanted.pods[0]!, withOldRsStillWanted), undefined);
    const done = job({
      name: 'ovs-ovn-upgrade',
      namespace: 'cozy-kubeovn',
      created: clock.daysAgo(21),
      template: { labels: {}, containers: [] },
      succeeded: 1,
      failed: 1,
      completedAt: clock.daysAgo(21),
    });
    const attempt = simplePod({
      name: 'ovs-ovn-upgrade-x1',
      namespace: 'cozy-kubeovn',
      node: 'n1',
      state: terminated('Error', 1, clock.daysAgo(21), clock.daysAgo(21)),
      ready: false,
      phase: 'Failed',
    });
    attempt.metadata.ownerReferences = [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'ovs-ovn-upgrade', uid: 'u', controller: true },
    ];
    const jobs = inventoryFrom([readyNode('n1'), done, attempt]);
    assert.deepEqual(replacedLeftover(jobs.pods[0]!, jobs), {
      owner: 'Job cozy-kubeovn/ovs-ovn-upgrade',
      why: 'the Job completed',
    });
  });

  it('are one non-blocking warning, never in the census, long-term degradation or rejections', () => {
    const rejected = simplePod({
      name: 'helm-controller-new-zzzzz',
      namespace: 'cozy-fluxcd',
      node: 'n1',
      owner: { kind: 'ReplicaSet', name: 'helm-controller-new' },
      state: waiting('ContainerCreating'),
      ready: false,
      phase: 'Failed',
      reason: 'OutOfcpu',
      message: "Pod was rejected: Node didn't have enough resource: cpu",
    });
    const inv = inventoryFrom([
      readyNode('n1'),
      deploy(1),
      rs('helm-controller-old', 0, 0),
      rs('helm-controller-new', 1, 1),
      evicted,
      rejected,
    ]);
    assert.equal(censusReason(inv.pods[0]!, inv.now, 0, podJudgement(inv)), undefined);
    const findings = allFindings(inv);
    const stale = find(findings, 'pod-failures:stale')!;
    assert.equal(stale.status, 'warn');
    assert.equal(stale.blocking, false);
    assert.match(stale.summary, /^2 stale failed pods to clean up \(Evicted 1, OutOfcpu 1\)/);
    assert.equal(find(findings, 'pod-failures:platform'), undefined);
    assert.equal(find(findings, 'restarts:long-term:platform'), undefined);
    assert.equal(find(runCheck(resourceHeadroomCheck, inv), 'resource-headroom:rejections'), undefined);
  });
});

describe('single causes are named', () => {
  const release = (
    name: string,
    failure?: Parameters<typeof helmRelease>[0]['failure'],
    dependsOn?: string,
  ) => {
    const hr = helmRelease({
      name,
      namespace: 'cozy-kubevirt',
      created: clock.daysAgo(100),
      chart: `cozy-${name}`,
      versionSpec: '>= 0.0.0-0',
      sourceRef: { kind: 'HelmRepository', name: 'cozystack-system', namespace: 'cozy-system' },
      chartVersion: '0.36.2',
      deployedAt: clock.daysAgo(20),
      failure,
      dependsOn: dependsOn ? [{ name: dependsOn, namespace: 'cozy-kubevirt' }] : undefined,
    });
    return hr;
  };

  it('a platform HelmRelease failing on its own, with the releases waiting for it', () => {
    const since = clock.daysAgo(2);
    const inv = inventoryFrom([
      readyNode('n1'),
      release('kubevirt-operator', {
        reason: 'UpgradeFailed',
        message:
          'Helm upgrade failed for release cozy-kubevirt/kubevirt-operator with chart cozy-kubevirt-operator@0.36.2: cannot patch "virt-operator" with kind Deployment: spec.selector: field is immutable',
        since,
        stalled: true,
      }),
      release(
        'kubevirt',
        {
          reason: 'DependencyNotReady',
          message: "dependency 'cozy-kubevirt/kubevirt-operator' is not ready",
          since,
        },
        'kubevirt-operator',
      ),
    ]);
    const findings = runCheck(helmReleasesCheck, inv);
    const [cause] = findRootCauses(inv, findings, [helmReleasesCheck]);
    assert.equal(cause?.id, 'helmrelease:cozy-kubevirt/kubevirt-operator');
    assert.deepEqual(cause?.chain, [
      'cozy-kubevirt/kubevirt-operator UpgradeFailed: cannot patch "virt-operator" with kind Deployment: spec.selector: field is immutable',
      '1 release wait for it (DependencyNotReady)',
    ]);
    assert.deepEqual(cause?.effects[0]?.objects, ['cozy-kubevirt/helmrelease/kubevirt']);
  });

  it('but not a release that only times out waiting for its pods', () => {
    const inv = inventoryFrom([
      readyNode('n1'),
      release('kubevirt', {
        reason: 'UpgradeFailed',
        message:
          "Helm upgrade failed for release cozy-kubevirt/kubevirt with chart cozy-kubevirt@0.36.2: timeout waiting for: [Deployment/cozy-kubevirt/virt-api status: 'InProgress']",
        since: clock.daysAgo(1),
      }),
    ]);
    assert.deepEqual(findRootCauses(inv, runCheck(helmReleasesCheck, inv), [helmReleasesCheck]), []);
  });

  it('a webhook with failurePolicy Fail and no ready endpoint, with its backend and the releases failing on it', () => {
    const backend = simplePod({
      name: 'cert-manager-webhook-abcde',
      namespace: 'cozy-cert-manager',
      node: 'n1',
      owner: { kind: 'ReplicaSet', name: 'cert-manager-webhook-5d' },
      state: waiting('CrashLoopBackOff', 'back-off 5m0s'),
      ready: false,
      restarts: 300,
      readyTransition: clock.daysAgo(2),
    });
    const inv = inventoryFrom([
      readyNode('n1'),
      backend,
      endpoints({
        name: 'cert-manager-webhook',
        namespace: 'cozy-cert-manager',
        created: clock.daysAgo(100),
        ready: [],
        notReady: [
          {
            ip: '10.244.0.10',
            nodeName: 'n1',
            pod: { name: 'cert-manager-webhook-abcde', namespace: 'cozy-cert-manager' },
          },
        ],
        ports: [{ port: 10250 }],
      }),
      validatingWebhookConfiguration({
        name: 'cert-manager-webhook',
        created: clock.daysAgo(100),
        webhooks: [
          {
            name: 'webhook.cert-manager.io',
            service: { namespace: 'cozy-cert-manager', name: 'cert-manager-webhook', path: '/validate' },
            failurePolicy: 'Fail',
            rules: [],
          },
        ],
      }),
      {
        ...release('cert-manager-issuers', {
          reason: 'UpgradeFailed',
          message:
            'Helm upgrade failed: failed to create resource: Internal error occurred: failed calling webhook "webhook.cert-manager.io": no endpoints available for service "cert-manager-webhook"',
          since: clock.daysAgo(1),
        }),
      },
    ]);
    const findings = [...runCheck(webhooksApiServicesCheck, inv), ...runCheck(helmReleasesCheck, inv)];
    const causes = findRootCauses(inv, findings, [helmReleasesCheck, webhooksApiServicesCheck]);
    assert.deepEqual(
      causes.map((c) => c.id),
      ['webhook:cert-manager-webhook/webhook.cert-manager.io'],
    );
    assert.deepEqual(
      causes[0]!.chain,
      [
        'backend Deployment cozy-cert-manager/cert-manager-webhook-5d down (cert-manager-webhook-abcde CrashLoopBackOff)',
        'service cozy-cert-manager/cert-manager-webhook has no ready endpoints',
        'writes rejected by webhook.cert-manager.io',
        '1 HelmRelease fail calling it',
      ].map((s) =>
        s.replace(
          'Deployment cozy-cert-manager/cert-manager-webhook-5d',
          'ReplicaSet cozy-cert-manager/cert-manager-webhook-5d',
        ),
      ),
    );
    // While the pod network is broken, the same webhook is presumed one of its effects: no cause of its own.
    const networking = findRootCauses(inv, findings, [
      {
        ...kubeOvnCheck,
        rootCause: () => ({
          id: 'kube-ovn-daemon',
          title: 'x',
          finding: 'kube-ovn:daemon',
          nodes: ['n1'],
          chain: ['x'],
          effects: [],
        }),
      },
      webhooksApiServicesCheck,
    ]);
    assert.deepEqual(
      networking.map((c) => c.id),
      ['kube-ovn-daemon'],
    );
  });

  it('image pulls rejected or not found, one root cause per registry', () => {
    const image = 'gcr.io/kubebuilder/kube-rbac-proxy:v0.16.0';
    const auth = 'registry.corp.example.net/platform/api:v1';
    const authError = `failed to pull and unpack image "${auth}": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://registry.corp.example.net/service/token: 401 Unauthorized`;
    const pulling = (name: string, img: string, error: string) =>
      simplePod({
        name,
        namespace: 'cozy-system',
        node: 'n1',
        owner: { kind: 'ReplicaSet', name: `${name}-5d` },
        image: img,
        state: waiting('ImagePullBackOff', imagePullBackOffMessage(img, error)),
        ready: false,
        phase: 'Pending',
        readyTransition: clock.daysAgo(2),
      });
    const inv = inventoryFrom([
      readyNode('n1'),
      pulling('proxy-a', image, pullNotFoundError(image)),
      pulling('api-b', auth, authError),
    ]);
    const findings = runCheck(imagePullCauseCheck, inv);
    assert.match(
      find(findings, 'image-pull-cause:registry-auth')!.summary,
      /registry\.corp\.example\.net answers "401 Unauthorized"/,
    );
    const causes = findRootCauses(inv, findings, [imagePullCauseCheck]);
    assert.deepEqual(
      causes.map((c) => [c.id, c.title]),
      [
        [
          'image-pull:registry-auth:registry.corp.example.net',
          'registry.corp.example.net rejects the pull credentials (401 Unauthorized)',
        ],
        ['image-pull:missing-image:gcr.io', `Image gone from gcr.io: ${image}`],
      ],
    );
  });
});

describe('trust evidence, not summaries', () => {
  it('a DaemonSet whose status says ready but whose pod is absent on a node is below desired', () => {
    const ds = daemonSet({
      name: 'linstor-csi-node',
      namespace: 'cozy-linstor',
      created: clock.daysAgo(100),
      selector: {},
      template: { labels: {}, containers: [] },
      desired: 2,
      current: 2,
      ready: 2,
    });
    const inv = inventoryFrom([
      readyNode('n1'),
      readyNode('n2'),
      ds,
      dsPod('linstor-csi-node', 'cozy-linstor', 'n1'),
    ]);
    const [f] = runCheck(workloadAvailabilityCheck, inv);
    assert.equal(f?.id, 'workload-availability:platform');
    assert.equal(f?.blocking, true);
    assert.equal(f?.evidence[0]?.reason, '1/2 ready');
    assert.match(
      f?.summary ?? '',
      /its status says 2\/2 ready, but the captured pods show 1 ready; no pod on n2/,
    );
  });
});

describe('evidence only events carry', () => {
  it('is unknown without events, and blocks as an unknown', () => {
    const inv = inventoryFrom([readyNode('n1'), dsPod('kube-ovn-cni', 'cozy-kubeovn', 'n1')], {
      missing: ['events', 'events.events.k8s.io'],
    });
    const findings = runCheck(kubeOvnCheck, inv);
    const unknown = find(findings, 'kube-ovn:events')!;
    assert.equal(unknown.status, 'unknown');
    assert.equal(unknown.blocking, true);
    assert.match(unknown.unknownReason ?? '', /events were not listed/);
    assert.equal(
      find(
        runCheck(kubeOvnCheck, inventoryFrom([readyNode('n1'), dsPod('kube-ovn-cni', 'cozy-kubeovn', 'n1')])),
        'kube-ovn:events',
      ),
      undefined,
    );
  });
});
