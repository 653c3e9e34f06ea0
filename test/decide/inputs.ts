// Hand-built inputs for the decision and report tests: findings, root causes and paths shaped like what the
// checks, catalog and backup rooms produce, so the model is tested on its own reasoning.
import type { Evidence, Finding, RootCause } from '../../src/model/finding.js';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import type { AssessmentParts } from '../../src/decide/build-assessment.js';
import { DEFAULT_MODEL } from '../../src/decide/decision-model.js';
import type { Assessment, BackupSummary, PathStep } from '../../src/model/assessment.js';

export function finding(overrides: Partial<Finding> & Pick<Finding, 'check'>): Finding {
  return {
    id: overrides.check,
    title: `${overrides.check} finding`,
    status: 'fail',
    severity: 'critical',
    blocking: true,
    scope: 'platform',
    summary: `${overrides.check} failed`,
    nodes: [],
    objects: [],
    evidence: [],
    ...overrides,
  };
}

export function pod(namespace: string, name: string, node: string, extra: Partial<Evidence> = {}): Evidence {
  return { kind: 'pod', namespace, name, node, ...extra };
}

const MINORS = [28, 29, 30, 31, 32, 33, 35, 37];

/** 0.28.0 → 0.37.2 in 7 steps (the reference's path shape), with two breaking changes not used. */
export function referencePath(): Assessment['version'] {
  const steps: PathStep[] = [];
  for (let i = 0; i < MINORS.length - 1; i++) {
    steps.push({
      from: `0.${MINORS[i]}.0`,
      to: i === MINORS.length - 2 ? '0.37.2' : `0.${MINORS[i + 1]}.0`,
      migrations: { from: 9 + i, to: 10 + i },
      breakingChanges:
        i === 2
          ? [
              {
                id: 'ferretdb-v2',
                title: 'FerretDB v1→v2',
                version: '0.31.0',
                severity: 'blocker',
                usage: 'not used',
                evidence: 'no HelmRelease with chart ferretdb',
                action: 'dump and restore the data',
              },
            ]
          : i === 4
            ? [
                {
                  id: 'seaweedfs',
                  title: 'SeaweedFS changes',
                  version: '0.33.0',
                  severity: 'warning',
                  usage: 'not used',
                  evidence: 'no HelmRelease with chart seaweedfs',
                },
              ]
            : [],
      notes: [],
    });
  }
  return {
    installed: '0.28.0',
    installedRaw: 'v0.28.0-54-g22cf18ff',
    detectedFrom: 'Deployment cozy-system/cozystack image tag',
    target: '0.37.2',
    minorGap: 9,
    steps,
    bundle: 'paas-proxmox',
    migrationCounter: 9,
    migrationCounterExpected: 9,
    installedAgeDays: 219,
  };
}

export function shortPath(): Assessment['version'] {
  return {
    installed: '0.36.0',
    installedRaw: 'v0.36.0',
    detectedFrom: 'Deployment cozy-system/cozystack image tag',
    target: '0.37.2',
    minorGap: 1,
    steps: [
      { from: '0.36.0', to: '0.37.2', migrations: { from: 19, to: 21 }, breakingChanges: [], notes: [] },
    ],
    bundle: 'paas-full',
    migrationCounter: 19,
    migrationCounterExpected: 19,
    installedAgeDays: 40,
  };
}

const NODES = ['mgr.cp.if.ua', 'mgr-cozy2'];

/** The reference incident: Kube-OVN daemon broken on two nodes for months, and its cascade. */
export function seedLikeFindings(): { findings: Finding[]; rootCauses: RootCause[] } {
  const kubeOvn = finding({
    check: 'kube-ovn',
    id: 'kube-ovn',
    title: 'Kube-OVN daemon socket missing',
    summary: 'kube-ovn-cni is not ready on 2 nodes; sandboxes fail with kube-ovn-daemon.sock missing',
    nodes: NODES,
    evidence: [
      pod('cozy-kubeovn', 'kube-ovn-cni-abcde', NODES[0]!, { reason: 'Error', restarts: 3034, ageDays: 179 }),
      pod('cozy-kubeovn', 'ovs-ovn-fghij', NODES[0]!, { reason: 'Error', restarts: 3804, ageDays: 179 }),
      pod('cozy-kubeovn', 'kube-ovn-cni-klmno', NODES[1]!, {
        reason: 'Unknown',
        restarts: 226,
        ageDays: 203,
      }),
      {
        kind: 'event',
        namespace: 'cozy-dashboard',
        reason: 'FailedCreatePodSandBox',
        node: NODES[0]!,
        message: 'dial unix /run/openvswitch/kube-ovn-daemon.sock: connect: no such file or directory',
        count: 412,
      },
    ],
    ageDays: { min: 179, max: 203 },
  });
  const cni = finding({
    check: 'cni-agent',
    id: 'cni-agent',
    title: 'Cilium agent not running',
    nodes: NODES,
    evidence: [
      pod('cozy-cilium', 'cilium-pqrst', NODES[0]!, { reason: 'Init:0/5', restarts: 0, ageDays: 52 }),
      pod('cozy-cilium', 'cilium-uvwxy', NODES[1]!, { reason: 'Unknown', restarts: 252, ageDays: 203 }),
    ],
    ageDays: { min: 52, max: 203 },
  });
  const pulls: Evidence[] = [];
  for (let i = 0; i < 9; i++)
    pulls.push(
      pod('cozy-system', `component-${i}`, NODES[i % 2]!, { reason: 'ImagePullBackOff', ageDays: 8 }),
    );
  const crashes: Evidence[] = [];
  for (let i = 0; i < 5; i++)
    crashes.push(
      pod('cozy-dashboard', `dashboard-${i}`, NODES[0]!, {
        reason: 'CrashLoopBackOff',
        restarts: 1700,
        ageDays: 6,
      }),
    );
  const podFailures = finding({
    check: 'pod-failures',
    id: 'pod-failures',
    title: 'Platform pods failing',
    evidence: [...pulls, ...crashes],
    counts: { ImagePullBackOff: 9, CrashLoopBackOff: 5 },
    ageDays: { min: 6, max: 8 },
  });
  const imagePull = finding({
    check: 'image-pull-cause',
    id: 'image-pull-cause',
    title: 'Image pulls time out: pod network',
    evidence: pulls.map((e) => ({ ...e, message: 'dial tcp 34.96.108.209:443: i/o timeout' })),
  });
  const rootCause: RootCause = {
    id: 'kube-ovn-daemon',
    title: 'Kube-OVN daemon socket missing',
    finding: 'kube-ovn',
    nodes: NODES,
    chain: ['Kube-OVN daemon missing', 'pod sandboxes fail', 'image pulls time out', 'components down'],
    effects: [
      {
        title: 'CNI agent down',
        count: 2,
        findings: ['cni-agent'],
        objects: ['cozy-cilium/Pod/cilium-pqrst', 'cozy-cilium/Pod/cilium-uvwxy'],
      },
      {
        title: 'image pulls time out',
        count: 9,
        findings: ['image-pull-cause', 'pod-failures'],
        objects: pulls.map((e) => `${e.namespace}/Pod/${e.name}`),
      },
      {
        title: 'components down',
        count: 5,
        findings: ['pod-failures'],
        objects: crashes.map((e) => `${e.namespace}/Pod/${e.name}`),
      },
    ],
  };
  return { findings: [kubeOvn, cni, podFailures, imagePull], rootCauses: [rootCause] };
}

export function verifiedBackup(): BackupSummary {
  return {
    path: 'cozy-backup/20251024-1931',
    complete: true,
    verified: true,
    totals: { objects: 5123, bytes: 6_400_000, size: '6.2M', files: 42 },
    categories: [
      { category: 'ConfigMaps', objects: 900, bytes: 3_879_731, size: '3.7M' },
      { category: 'HelmReleases', objects: 120, bytes: 147_456, size: '144K' },
      { category: 'CRDs', objects: 200, bytes: 2_000_000, size: '2.0M' },
      { category: 'Secrets', objects: 300, bytes: 53_248, size: '52K' },
      { category: 'Resource states', objects: 3603, bytes: 319_565, size: '313K' },
    ],
    skipped: [],
    secrets: 'included',
  };
}

export function parts(overrides: Partial<AssessmentParts> = {}): AssessmentParts {
  return {
    toolVersion: '0.1.0',
    generatedAt: '2025-10-24T19:45:00.000Z',
    now: '2025-10-24T19:31:00.000Z',
    cluster: {
      source: 'snapshot',
      server: null,
      context: null,
      snapshot: 'fixtures/x',
      kubernetesVersion: 'v1.30.1',
      nodes: 4,
      pods: 180,
      tenantNamespaces: 3,
      tenantWorkloads: 4,
    },
    version: shortPath(),
    // The checks as the registry declares them: the decision learns each finding's role from them.
    checks: BUILTIN_CHECKS.map(({ id, title, role }) => ({ id, title, role })),
    findings: [],
    rootCauses: [],
    backup: verifiedBackup(),
    coverage: { checksRun: 4, checksTotal: 4, unknown: [], unreadable: [] },
    notes: [],
    model: DEFAULT_MODEL,
    failOn: 'fail',
    ...overrides,
  };
}

export function seedLikeParts(overrides: Partial<AssessmentParts> = {}): AssessmentParts {
  return parts({ version: referencePath(), ...seedLikeFindings(), ...overrides });
}
