// Generates a large synthetic CozyStack management cluster as a snapshot folder (one `kubectl get <type> -A
// -o json` List per type, plus `version.json`), for the scale benchmark (npm run bench) and its tests.
//
//   node --import tsx scripts/generate-cluster.ts --pods 50000 --configmaps 5000 --secrets 2000 --crds 300 \
//     --seed 1 --out /tmp/cluster
//
// Built from the same object builders as the fixtures (test/support/objects.ts, cluster.ts and the CozyStack
// pieces in scripts/fixtures/cozystack.ts), so every object is shaped as the API server prints it. The mix:
// a healthy CozyStack v0.36.2 platform (installer Deployment, so the version is detectable; system
// HelmReleases; Kube-OVN and Cilium DaemonSets on every node), tenant namespaces full of apps (Deployments,
// StatefulSets with PVCs, Services with Endpoints, HelmReleases, ConfigMaps, Secrets), a few per cent of
// tenant pods failing (CrashLoopBackOff, ImagePullBackOff, Pending, OutOfcpu) with their events, tenant
// Kubernetes clusters as cluster-API objects, and CRDs with large openAPIV3Schemas (~80 KB each, as on the
// reference cluster: ~300 CRDs weighing 24 MB).
//
// Deterministic: a fixed clock, identifiers derived from names, and every random choice from a PRNG seeded
// by --seed, so the same arguments always give byte-identical files. Streaming: objects are built per tenant
// namespace and written at once, so memory stays bounded whatever the size; a type's file is split into
// parts (`pods.json`, `pods.2.json`, …) before it gets too large for one JavaScript string.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ClusterBuilder, type PodPlan, type PodState } from '../test/support/cluster.js';
import {
  capiCondition,
  configMap,
  type ContainerSpec,
  customObject,
  event,
  FixtureClock,
  helmRelease,
  hexOf,
  imagePullBackOffMessage,
  type K8sObject,
  namespace,
  type Obj,
  outOfCpuMessage,
  pullNotFoundError,
  pvc,
  pv,
  secret,
  crd,
} from '../test/support/objects.js';
import {
  APPS_REPO,
  addLocalApiServices,
  addNodes,
  COMMON_CRDS,
  type CrdSpec,
  controllerContainers,
  cozyImage,
  cozystackConfigMap,
  cozystackVersionConfigMap,
  helmReleaseSecret,
  helmRepositories,
  installerPlan,
  KUBERNETES_SERVER,
  systemHelmRelease,
} from './fixtures/cozystack.js';
import { kubectlJsonObject, kubectlVersionJson } from './fixtures/write.js';

export interface GenerateOptions {
  pods: number;
  /** Default: one node per 100 pods (at least 4). */
  nodes?: number;
  /** Default: one per 10 pods. */
  configmaps?: number;
  /** Default: one per 25 pods. */
  secrets?: number;
  /** Default: 300. Never fewer than the 53 the generated objects need (Flux, cluster-API, Proxmox, …). */
  crds?: number;
  seed: string;
  out: string;
}

/** Objects written per file (kubectl's `items`), for checks and tests. */
export type GenerateSummary = Record<string, number>;

export const GENERATED_VERSION = 'v0.36.2';
const CHART_VERSION = '0.36.2';
const NOW = '2026-01-15T12:00:00Z';
/** A file part is closed past this many bytes (a JavaScript string holds at most ~512 MB). */
const MAX_PART_BYTES = 128 * 1024 * 1024;
/** Compact JSON bytes of one CRD's openAPIV3Schema (24 MB over ~300 CRDs on the reference cluster). */
const SCHEMA_BYTES = 72 * 1024;
/** Share of tenant pods that fail, and how they fail. */
const FAILING_SHARE = 0.03;

const SYSTEM_NAMESPACES = [
  'cozy-system',
  'cozy-public',
  'cozy-fluxcd',
  'cozy-cilium',
  'cozy-kubeovn',
  'cozy-cert-manager',
  'cozy-monitoring',
  'cozy-linstor',
  'cozy-dashboard',
  'cozy-kamaji',
  'cozy-cluster-api',
  'cozy-kubevirt',
];

const PLATFORM_RELEASES: Array<[string, string]> = [
  ['cozy-cilium', 'cilium'],
  ['cozy-kubeovn', 'kubeovn'],
  ['cozy-fluxcd', 'fluxcd-operator'],
  ['cozy-fluxcd', 'fluxcd'],
  ['cozy-cert-manager', 'cert-manager'],
  ['cozy-cert-manager', 'cert-manager-issuers'],
  ['cozy-monitoring', 'monitoring-agents'],
  ['cozy-linstor', 'linstor'],
  ['cozy-dashboard', 'dashboard'],
  ['cozy-kamaji', 'kamaji'],
  ['cozy-cluster-api', 'capi-operator'],
  ['cozy-cluster-api', 'capi-providers-core'],
  ['cozy-kubevirt', 'kubevirt-operator'],
  ['cozy-kubevirt', 'kubevirt'],
  ['cozy-system', 'cozystack-api'],
  ['cozy-system', 'cozystack-controller'],
];

/** Tenant app kinds: chart, image, whether it keeps data (StatefulSet + PVCs). */
const APP_KINDS = [
  { chart: 'postgres', image: 'ghcr.io/cloudnative-pg/postgresql:17.2', stateful: true, port: 5432 },
  { chart: 'redis', image: 'docker.io/library/redis:7.4.2', stateful: true, port: 6379 },
  { chart: 'nginx', image: 'docker.io/library/nginx:1.27.3', stateful: false, port: 80 },
  { chart: 'http-cache', image: 'docker.io/library/haproxy:3.1.2', stateful: false, port: 8080 },
  { chart: 'nats', image: 'docker.io/library/nats:2.10.24', stateful: false, port: 4222 },
  { chart: 'kafka', image: 'quay.io/strimzi/kafka:0.45.0-kafka-3.9.0', stateful: true, port: 9092 },
  { chart: 'clickhouse', image: 'docker.io/clickhouse/clickhouse-server:24.9', stateful: false, port: 9000 },
  { chart: 'vm-instance', image: 'quay.io/kubevirt/virt-launcher:v1.4.0', stateful: false, port: 22 },
] as const;

const WORDS = (
  'the of a to in is for and on that by with as be this are or from it an which at not can field object ' +
  'value name when set if spec status reference resource cluster namespace secret key pod node container ' +
  'image policy selector label annotation template volume storage replicas version condition reason message ' +
  'time last observed generation endpoint service port protocol address network interface tolerations ' +
  'affinity priority class default optional required specifies defines configuration controller operator'
).split(' ');

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------------------

/** mulberry32: small, fast and good enough to choose states; seeded from a SHA-256 of the seed text. */
export function prng(seed: string): () => number {
  let state = createHash('sha256').update(`cozy-bench:${seed}`).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function between(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

// ---------------------------------------------------------------------------------------------------------
// Streaming output: one kubectl List per type, split into parts
// ---------------------------------------------------------------------------------------------------------

const LIST_TAIL_EMPTY =
  '],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n';
const LIST_TAIL = `\n    ${LIST_TAIL_EMPTY}`;
const ITEM_INDENT = '        ';

/** One type's List file(s), written item by item with back-pressure; byte-identical to kubectlJsonList. */
class ListWriter {
  private stream: WriteStream | undefined;
  private part = 0;
  private partBytes = 0;
  private partItems = 0;
  count = 0;

  constructor(
    private readonly dir: string,
    private readonly base: string,
  ) {}

  async add(object: K8sObject): Promise<void> {
    if (!this.stream || this.partBytes > MAX_PART_BYTES) await this.nextPart();
    const json = kubectlJsonObject(object).slice(0, -1);
    const text = `${this.partItems === 0 ? '\n' : ',\n'}${ITEM_INDENT}${json.replaceAll('\n', `\n${ITEM_INDENT}`)}`;
    this.partItems++;
    this.count++;
    await this.write(text);
  }

  async close(): Promise<void> {
    if (!this.stream) await this.nextPart();
    await this.finishPart();
  }

  private async nextPart(): Promise<void> {
    if (this.stream) await this.finishPart();
    this.part++;
    const name = this.part === 1 ? `${this.base}.json` : `${this.base}.${this.part}.json`;
    this.stream = createWriteStream(join(this.dir, name));
    this.partBytes = 0;
    this.partItems = 0;
    await this.write('{\n    "apiVersion": "v1",\n    "items": [');
  }

  private async finishPart(): Promise<void> {
    const stream = this.stream!;
    await this.write(this.partItems === 0 ? LIST_TAIL_EMPTY : LIST_TAIL);
    this.stream = undefined;
    await new Promise<void>((done, fail) => {
      stream.once('error', fail);
      stream.end(done);
    });
  }

  private async write(text: string): Promise<void> {
    this.partBytes += text.length;
    const stream = this.stream!;
    if (!stream.write(text)) await once(stream, 'drain');
  }
}

/** Every type file of the snapshot, opened on first use. */
class SnapshotOutput {
  private readonly writers = new Map<string, ListWriter>();
  constructor(private readonly dir: string) {}

  async add(file: string, objects: readonly K8sObject[]): Promise<void> {
    const base = file.replace(/\.json$/, '');
    let writer = this.writers.get(base);
    if (!writer) {
      writer = new ListWriter(this.dir, base);
      this.writers.set(base, writer);
    }
    for (const object of objects) await writer.add(object);
  }

  /** Writes everything the builder holds (computing Endpoints first), then empties it. */
  async drain(builder: ClusterBuilder): Promise<void> {
    for (const [file, objects] of builder.build()) {
      await this.add(file, objects);
      objects.length = 0;
    }
  }

  async close(): Promise<GenerateSummary> {
    const summary: GenerateSummary = {};
    for (const [base, writer] of [...this.writers].sort(([a], [b]) => a.localeCompare(b))) {
      await writer.close();
      summary[`${base}.json`] = writer.count;
    }
    return summary;
  }
}

// ---------------------------------------------------------------------------------------------------------
// CRDs with large schemas
// ---------------------------------------------------------------------------------------------------------

/** A nested openAPIV3Schema of about `bytes` compact JSON bytes, like a generated operator CRD. */
export function largeSchema(random: () => number, bytes: number): Obj {
  let budget = bytes;
  const sentence = (words: number) => {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(pick(random, WORDS));
    const text = `${out.join(' ')}.`;
    return text[0]!.toUpperCase() + text.slice(1);
  };
  const properties = (depth: number, count: number): Obj => {
    const props: Obj = {};
    for (let i = 0; i < count && budget > 0; i++) {
      const name = `${pick(random, WORDS)}${pick(random, WORDS).replace(/^./, (c) => c.toUpperCase())}${i}`;
      const description = sentence(between(random, 8, 40));
      const roll = random();
      let prop: Obj;
      if (depth < 4 && roll < 0.25) {
        prop = { description, properties: properties(depth + 1, between(random, 2, 8)), type: 'object' };
      } else if (depth < 4 && roll < 0.35) {
        prop = {
          description,
          items: { properties: properties(depth + 1, between(random, 2, 5)), type: 'object' },
          type: 'array',
        };
      } else if (roll < 0.45) {
        prop = { description, enum: ['Always', 'IfNotPresent', 'Never'], type: 'string' };
      } else if (roll < 0.6) {
        prop = { description, format: 'int32', type: 'integer' };
      } else if (roll < 0.7) {
        prop = { description, type: 'boolean' };
      } else {
        prop = { description, type: 'string' };
      }
      budget -= name.length + description.length + 40;
      props[name] = prop;
    }
    return props;
  };
  const spec = properties(1, 1_000_000);
  return {
    description: sentence(20),
    properties: {
      apiVersion: { description: sentence(30), type: 'string' },
      kind: { description: sentence(30), type: 'string' },
      metadata: { type: 'object' },
      spec: { description: sentence(12), properties: spec, type: 'object' },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    type: 'object',
  };
}

const EXTRA_CRDS: CrdSpec[] = [
  {
    group: 'infrastructure.cluster.x-k8s.io',
    kind: 'ProxmoxCluster',
    plural: 'proxmoxclusters',
    versions: ['v1alpha1'],
  },
  {
    group: 'infrastructure.cluster.x-k8s.io',
    kind: 'ProxmoxMachine',
    plural: 'proxmoxmachines',
    versions: ['v1alpha1'],
  },
  {
    group: 'kubevirt.io',
    kind: 'VirtualMachine',
    plural: 'virtualmachines',
    versions: ['v1'],
    shortNames: ['vm'],
  },
];

/** Filler CRDs: operator groups the tool ignores, and some in groups it backs up (kubevirt, cozystack, …). */
function fillerCrds(random: () => number, count: number): CrdSpec[] {
  const ignored = ['monitoring.coreos.com', 'networking.istio.io', 'acme.cert-manager.io', 'example.io'];
  const stateful = ['kubevirt.io', 'cozystack.io', 'kubeovn.io', 'velero.io'];
  const specs: CrdSpec[] = [];
  for (let i = 0; i < count; i++) {
    const keeps = random() < 0.25;
    const base = pick(random, keeps ? stateful : ignored);
    const group = `${pick(random, WORDS)}${i % 7}.${base}`;
    const word = pick(random, WORDS).replace(/^./, (c) => c.toUpperCase());
    const kind = `${word}Thing${i}`;
    specs.push({ group, kind, plural: `${kind.toLowerCase()}s`, versions: ['v1alpha1', 'v1'] });
  }
  return specs;
}

function crdObjects(random: () => number, count: number, created: string): K8sObject[] {
  const specs = [...COMMON_CRDS, ...EXTRA_CRDS];
  specs.push(...fillerCrds(random, Math.max(0, count - specs.length)));
  return specs.map((s) => {
    const object = crd({
      group: s.group,
      kind: s.kind,
      plural: s.plural,
      scope: s.scope ?? 'Namespaced',
      versions: s.versions ?? ['v1'],
      created,
      shortNames: s.shortNames,
    });
    // The storage version carries the large schema (older served versions keep the small one).
    const versions = (object.spec as { versions: Array<{ storage: boolean; schema: Obj }> }).versions;
    versions.find((v) => v.storage)!.schema = { openAPIV3Schema: largeSchema(random, SCHEMA_BYTES) };
    return object;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------------------------

interface Plan {
  pods: number;
  nodes: number;
  configmaps: number;
  secrets: number;
  crds: number;
  tenants: number;
}

function planOf(o: GenerateOptions): Plan {
  const pods = Math.max(100, Math.floor(o.pods));
  return {
    pods,
    nodes: Math.max(4, Math.floor(o.nodes ?? Math.ceil(pods / 100))),
    configmaps: Math.max(0, Math.floor(o.configmaps ?? pods / 10)),
    secrets: Math.max(0, Math.floor(o.secrets ?? pods / 25)),
    crds: Math.max(0, Math.floor(o.crds ?? 300)),
    tenants: Math.max(2, Math.round(pods / 100)),
  };
}

export async function generateCluster(options: GenerateOptions): Promise<GenerateSummary> {
  const plan = planOf(options);
  const random = prng(options.seed);
  const clock = new FixtureClock(NOW);
  const installed = clock.daysAgo(200);
  const upgraded = clock.daysAgo(30, 4);
  await mkdir(options.out, { recursive: true });
  const out = new SnapshotOutput(options.out);
  const b = new ClusterBuilder(clock);

  const nodeNames = Array.from({ length: plan.nodes }, (_, i) => (i < 3 ? `cp${i + 1}` : `worker${i - 2}`));
  addNodes(
    b,
    clock,
    nodeNames.map((name, i) => ({
      name,
      ip: `10.${Math.floor(i / 250)}.${i % 250}.10`,
      podSubnet: i,
      role: i < 3 ? ('control-plane' as const) : ('worker' as const),
      cpus: 32,
      memoryGi: 256,
      created: clock.after(installed, { minutes: i }),
    })),
    ['registry.k8s.io/pause:3.10', cozyImage('kubeovn', 'v1.14.5'), cozyImage('cilium', '1.17.6')],
  );
  const workers = nodeNames.slice(3);
  const ok = (node: string, created = upgraded): PodPlan => ({
    node,
    created,
    state: { kind: 'running', since: clock.after(created, { seconds: 30 }) },
  });

  // Platform: the installer (version detection), the controller, networking on every node.
  const tenantNames = Array.from(
    { length: plan.tenants },
    (_, i) => `tenant-${String(i + 1).padStart(4, '0')}`,
  );
  for (const name of ['default', 'kube-system', ...SYSTEM_NAMESPACES])
    b.add('namespaces.json', namespace({ name, created: installed }));
  for (const name of tenantNames)
    b.add(
      'namespaces.json',
      namespace({
        name,
        created: clock.after(installed, { days: 1 }),
        labels: { [`tenant.cozystack.io/${name}`]: '' },
      }),
    );
  b.addDeployment(installerPlan(cozyImage('installer', GENERATED_VERSION), installed, [ok('cp1')]));
  b.addDeployment({
    namespace: 'cozy-system',
    name: 'cozystack-controller',
    created: installed,
    selector: { app: 'cozystack-controller' },
    containers: controllerContainers(GENERATED_VERSION, GENERATED_VERSION),
    serviceAccountName: 'cozystack-controller',
    pods: [ok('cp2')],
  });
  const ds = (ns: string, name: string, container: string, image: string) =>
    b.addDaemonSet({
      namespace: ns,
      name,
      created: installed,
      selector: { app: name },
      containers: [{ name: container, image, requests: { cpu: '100m', memory: '128Mi' } }],
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      pods: nodeNames.map((n) => ok(n)),
    });
  ds('cozy-kubeovn', 'kube-ovn-cni', 'cni-server', cozyImage('kubeovn', 'v1.14.5'));
  ds('cozy-kubeovn', 'ovs-ovn', 'openvswitch', cozyImage('kubeovn', 'v1.14.5'));
  ds('cozy-cilium', 'cilium', 'cilium-agent', cozyImage('cilium', '1.17.6'));
  const platformPods = 2 + 3 * nodeNames.length;

  const configmaps: K8sObject[] = [
    cozystackConfigMap(installed, {
      'bundle-name': 'paas-full',
      'ipv4-pod-cidr': '10.244.0.0/16',
      'ipv4-svc-cidr': '10.96.0.0/16',
      'root-host': 'bench.example.org',
    }),
    cozystackVersionConfigMap(installed, '20'),
  ];
  for (const ns of ['default', 'kube-system', ...SYSTEM_NAMESPACES, ...tenantNames]) {
    if (configmaps.length >= plan.configmaps) break;
    configmaps.push(
      configMap({
        name: 'kube-root-ca.crt',
        namespace: ns,
        created: installed,
        data: {
          'ca.crt': `-----BEGIN CERTIFICATE-----\n${hexOf(`ca:${options.seed}`, 1200)}\n-----END CERTIFICATE-----\n`,
        },
      }),
    );
  }
  await out.add('configmaps.json', configmaps.slice(0, plan.configmaps));
  let configmapsLeft = plan.configmaps - Math.min(plan.configmaps, configmaps.length);

  helmRepositories(b, clock, installed);
  let secretsLeft = plan.secrets;
  for (const [ns, name] of PLATFORM_RELEASES) {
    systemHelmRelease(
      b,
      { namespace: ns, name, revision: 4 },
      CHART_VERSION,
      installed,
      clock.after(upgraded, { minutes: 9 }),
    );
    secretsLeft--; // systemHelmRelease adds the release's Secret
  }
  const crdGroups = [...new Set(COMMON_CRDS.map((s) => s.group))].map((group) => ({ group, version: 'v1' }));
  addLocalApiServices(b, installed, crdGroups);
  await out.add('customresourcedefinitions.json', crdObjects(random, plan.crds, installed));
  await out.drain(b);

  // Tenants: apps (workload + Service + HelmRelease), their config and secrets, failing pods with events,
  // one tenant Kubernetes cluster (cluster-API objects) every tenth tenant.
  let podsLeft = Math.max(0, plan.pods - platformPods);
  let configmapSeq = 0;
  let secretSeq = 0;
  for (let t = 0; t < tenantNames.length; t++) {
    const ns = tenantNames[t]!;
    const tenantPods = Math.floor(podsLeft / (tenantNames.length - t));
    podsLeft -= tenantPods;
    const appsHere = Math.max(1, Math.round(tenantPods / 10));
    let podsHere = tenantPods;
    const events: K8sObject[] = [];
    for (let a = 0; a < appsHere; a++) {
      const replicas = Math.floor(podsHere / (appsHere - a));
      podsHere -= replicas;
      const kind = pick(random, APP_KINDS);
      const app = `${kind.chart}-${a + 1}`;
      addApp(b, clock, random, {
        ns,
        app,
        kind,
        replicas,
        workers,
        events,
        created: clock.daysAgo(between(random, 3, 150)),
      });
      if (configmapsLeft > 0) {
        configmapsLeft--;
        await out.add('configmaps.json', [appConfigMap(random, ns, app, ++configmapSeq, installed)]);
      }
      if (secretsLeft > 0) {
        secretsLeft--;
        secretSeq++;
        await out.add('secrets.json', [
          secretSeq % 2 === 0
            ? helmReleaseSecret(ns, app, 1, installed, 'deployed')
            : secret({
                name: `${app}-credentials`,
                namespace: ns,
                created: installed,
                stringData: { password: hexOf(`pw:${ns}/${app}`, 32), username: app },
              }),
        ]);
      }
    }
    if (t % 10 === 0) tenantCluster(b, clock, ns, `kubernetes-${ns}`);
    b.add('events.json', ...events);
    await out.drain(b);
  }
  // Whatever the apps did not use, spread over the tenants.
  for (let i = 0; configmapsLeft > 0; i++, configmapsLeft--) {
    const ns = tenantNames[i % tenantNames.length]!;
    await out.add('configmaps.json', [appConfigMap(random, ns, `extra-${i}`, ++configmapSeq, installed)]);
  }
  for (let i = 0; secretsLeft > 0; i++, secretsLeft--) {
    const ns = tenantNames[i % tenantNames.length]!;
    await out.add('secrets.json', [
      secret({
        name: `extra-${i}-tls`,
        namespace: ns,
        created: installed,
        type: 'kubernetes.io/tls',
        stringData: tlsData(ns, i),
      }),
    ]);
  }
  const summary = await out.close();
  await writeFile(join(options.out, 'version.json'), kubectlVersionJson({ ...KUBERNETES_SERVER }));
  return summary;
}

function tlsData(ns: string, i: number): Record<string, string> {
  return {
    'tls.crt': `-----BEGIN CERTIFICATE-----\n${hexOf(`crt:${ns}/${i}`, 1400)}\n-----END CERTIFICATE-----\n`,
    'tls.key': `-----BEGIN PRIVATE KEY-----\n${hexOf(`key:${ns}/${i}`, 1600)}\n-----END PRIVATE KEY-----\n`,
  };
}

function appConfigMap(
  random: () => number,
  ns: string,
  app: string,
  seq: number,
  created: string,
): K8sObject {
  const lines: string[] = [];
  const count = between(random, 10, 60);
  for (let i = 0; i < count; i++) lines.push(`${pick(random, WORDS)}_${i} = ${pick(random, WORDS)}-${seq}`);
  return configMap({
    name: `${app}-config`,
    namespace: ns,
    created,
    data: { 'app.conf': `${lines.join('\n')}\n`, 'log-level': 'info' },
    labels: { 'app.kubernetes.io/instance': app, 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': app, 'meta.helm.sh/release-namespace': ns },
  });
}

interface AppInput {
  ns: string;
  app: string;
  kind: (typeof APP_KINDS)[number];
  replicas: number;
  workers: string[];
  events: K8sObject[];
  created: string;
}

/** A tenant app: its workload (a few per cent of pods failing), Service, PVCs and HelmRelease, plus events. */
function addApp(b: ClusterBuilder, clock: FixtureClock, random: () => number, a: AppInput): void {
  const container: ContainerSpec = {
    name: a.kind.chart,
    image: a.kind.image,
    env: [{ name: 'APP_NAME', value: a.app }],
    ports: [{ containerPort: a.kind.port, name: 'main' }],
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { memory: '512Mi' },
    readinessProbe: { periodSeconds: 10, tcpSocket: { port: a.kind.port } },
  };
  const plans: PodPlan[] = [];
  for (let i = 0; i < a.replicas; i++) {
    const node = pick(random, a.workers);
    plans.push({ node, created: a.created, state: podState(clock, random, a), key: String(i) });
  }
  const selector = { 'app.kubernetes.io/instance': a.app, 'app.kubernetes.io/name': a.kind.chart };
  const first = b.snapshot('pods.json').length;
  const workload = {
    namespace: a.ns,
    name: a.app,
    created: a.created,
    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    selector,
    containers: [container],
    pods: plans,
  };
  if (a.kind.stateful) b.addStatefulSet({ ...workload, serviceName: a.app });
  else b.addDeployment(workload);
  b.addService({
    namespace: a.ns,
    name: a.app,
    created: a.created,
    clusterIP: `10.96.${between(random, 0, 255)}.${between(random, 1, 254)}`,
    selector,
    ports: [{ name: 'main', port: a.kind.port, targetPort: a.kind.port }],
  });
  const pods = b.snapshot('pods.json').slice(first);
  for (const [i, pod] of pods.entries()) a.events.push(...podEvents(clock, random, pod, plans[i]!));
  if (a.kind.stateful) {
    // Data volumes for the first replicas (the others replicate over the network).
    for (let i = 0; i < Math.min(a.replicas, 3); i++) {
      const claim = { name: `data-${a.app}-${i}`, namespace: a.ns };
      b.add(
        'persistentvolumeclaims.json',
        pvc({ ...claim, created: a.created, storageClass: 'replicated', size: '10Gi' }),
      );
      b.add(
        'persistentvolumes.json',
        pv({ claim, created: a.created, storageClass: 'replicated', size: '10Gi' }),
      );
    }
  }
  const failing = plans.some((p) => p.state.kind !== 'running');
  b.add(
    'helmreleases.json',
    helmRelease({
      name: a.app,
      namespace: a.ns,
      created: a.created,
      chart: a.kind.chart,
      versionSpec: '0.10.1',
      sourceRef: APPS_REPO,
      chartVersion: '0.10.1',
      labels: { 'cozystack.io/ui': 'true' },
      values: { replicas: a.replicas, resources: { cpu: '250m', memory: '256Mi' }, size: '10Gi' },
      deployedAt: clock.after(a.created, { minutes: 3 }),
      failure: failing
        ? {
            reason: 'UpgradeFailed',
            message: `Helm upgrade failed for release ${a.ns}/${a.app} with chart ${a.kind.chart}@0.10.1: context deadline exceeded`,
            since: clock.after(a.created, { minutes: 20 }),
            failures: 3,
          }
        : undefined,
    }),
  );
}

function podState(clock: FixtureClock, random: () => number, a: AppInput): PodState {
  const since = clock.after(a.created, { seconds: 40 });
  if (random() >= FAILING_SHARE) return { kind: 'running', since };
  const roll = random();
  const failingSince = clock.daysAgo(between(random, 0, 2), between(random, 1, 23));
  if (roll < 0.45) {
    const restarts = between(random, 5, 900);
    return {
      kind: 'crashloop',
      failingSince,
      restarts,
      lastStart: clock.minutesAgo(7),
      lastFinish: clock.minutesAgo(6, 30),
    };
  }
  if (roll < 0.75) {
    const image = `${a.kind.image}-missing`;
    return {
      kind: 'imagePullBackOff',
      since: failingSince,
      image,
      message: imagePullBackOffMessage(image, pullNotFoundError(image)),
    };
  }
  if (roll < 0.9) {
    return {
      kind: 'unschedulable',
      since: failingSince,
      message: `0/${a.workers.length + 3} nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ${a.workers.length} Insufficient cpu. preemption: 0/${a.workers.length + 3} nodes are available: 3 Preemption is not helpful for scheduling, ${a.workers.length} No preemption victims found for incoming pod.`,
    };
  }
  return { kind: 'rejected', reason: 'OutOfcpu', message: outOfCpuMessage(250, 31_900, 32_000) };
}

/** Warning events for a failing pod; Normal scheduling/start events for one healthy pod in five. */
function podEvents(clock: FixtureClock, random: () => number, pod: K8sObject, plan: PodPlan): K8sObject[] {
  const ns = pod.metadata.namespace!;
  const involved = { kind: 'Pod', name: pod.metadata.name };
  const container = (pod.spec as { containers: Array<{ name: string; image: string }> }).containers[0]!;
  const s = plan.state;
  switch (s.kind) {
    case 'crashloop':
      return [
        event({
          namespace: ns,
          involved: { ...involved, fieldPath: `spec.containers{${container.name}}` },
          reason: 'BackOff',
          message: `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${ns}(${pod.metadata.uid})`,
          host: plan.node,
          count: s.restarts * 4,
          firstTimestamp: s.failingSince,
          lastTimestamp: clock.minutesAgo(1),
        }),
      ];
    case 'imagePullBackOff':
      return [
        event({
          namespace: ns,
          involved: { ...involved, fieldPath: `spec.containers{${container.name}}` },
          reason: 'Failed',
          message: `Failed to pull image "${s.image}": ${pullNotFoundError(s.image!)}`,
          host: plan.node,
          count: between(random, 20, 400),
          firstTimestamp: s.since,
          lastTimestamp: clock.minutesAgo(3),
        }),
        event({
          namespace: ns,
          involved: { ...involved, fieldPath: `spec.containers{${container.name}}` },
          reason: 'BackOff',
          message: `Back-off pulling image "${s.image}"`,
          host: plan.node,
          count: between(random, 100, 4000),
          firstTimestamp: s.since,
          lastTimestamp: clock.minutesAgo(1),
        }),
      ];
    case 'unschedulable':
      return [
        event({
          namespace: ns,
          involved,
          reason: 'FailedScheduling',
          message: s.message,
          component: 'default-scheduler',
          count: between(random, 5, 300),
          firstTimestamp: s.since,
          lastTimestamp: clock.minutesAgo(2),
        }),
      ];
    case 'rejected':
      return [
        event({
          namespace: ns,
          involved,
          reason: 'OutOfcpu',
          message: `Node didn't have enough resource: cpu, requested: 250, used: 31900, capacity: 32000`,
          host: plan.node,
          count: 1,
          firstTimestamp: plan.created,
          lastTimestamp: plan.created,
        }),
      ];
    default:
      if (random() >= 0.2) return [];
      return [
        event({
          namespace: ns,
          involved,
          reason: 'Scheduled',
          message: `Successfully assigned ${ns}/${pod.metadata.name} to ${plan.node}`,
          type: 'Normal',
          component: 'default-scheduler',
          count: 1,
          firstTimestamp: plan.created,
          lastTimestamp: plan.created,
        }),
        event({
          namespace: ns,
          involved: { ...involved, fieldPath: `spec.containers{${container.name}}` },
          reason: 'Started',
          message: `Started container ${container.name}`,
          type: 'Normal',
          host: plan.node,
          count: 1,
          firstTimestamp: clock.after(plan.created, { seconds: 12 }),
          lastTimestamp: clock.after(plan.created, { seconds: 12 }),
        }),
      ];
  }
}

/** A tenant Kubernetes cluster as cluster-API sees it: Cluster, KamajiControlPlane, MachineDeployment, Machines. */
function tenantCluster(b: ClusterBuilder, clock: FixtureClock, ns: string, name: string): void {
  const created = clock.daysAgo(60);
  const ready = [capiCondition('Ready', 'True', clock.after(created, { minutes: 8 }))];
  const capi = (apiVersion: string, kind: string, objectName: string, spec: Obj, status: Obj) =>
    customObject({
      apiVersion,
      kind,
      name: objectName,
      namespace: ns,
      created,
      labels: { 'cluster.x-k8s.io/cluster-name': name },
      finalizers: [`${kind.toLowerCase()}.cluster.x-k8s.io`],
      spec,
      status,
    });
  b.add(
    'clusters.cluster.x-k8s.io.json',
    capi(
      'cluster.x-k8s.io/v1beta1',
      'Cluster',
      name,
      {
        clusterNetwork: {
          pods: { cidrBlocks: ['10.243.0.0/16'] },
          services: { cidrBlocks: ['10.95.0.0/16'] },
        },
        controlPlaneRef: {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
          kind: 'KamajiControlPlane',
          name,
        },
        infrastructureRef: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'ProxmoxCluster',
          name,
        },
      },
      { conditions: ready, controlPlaneReady: true, infrastructureReady: true, phase: 'Provisioned' },
    ),
  );
  b.add(
    'kamajicontrolplanes.controlplane.cluster.x-k8s.io.json',
    capi(
      'controlplane.cluster.x-k8s.io/v1alpha1',
      'KamajiControlPlane',
      name,
      { dataStoreName: ns, replicas: 2, version: 'v1.32.2' },
      { conditions: ready, initialized: true, ready: true, replicas: 2, version: 'v1.32.2' },
    ),
  );
  b.add(
    'proxmoxclusters.infrastructure.cluster.x-k8s.io.json',
    capi(
      'infrastructure.cluster.x-k8s.io/v1alpha1',
      'ProxmoxCluster',
      name,
      { allowedNodes: ['pve1', 'pve2', 'pve3'], controlPlaneEndpoint: { host: '10.200.0.10', port: 6443 } },
      { conditions: ready, ready: true },
    ),
  );
  b.add(
    'machinedeployments.cluster.x-k8s.io.json',
    capi(
      'cluster.x-k8s.io/v1beta1',
      'MachineDeployment',
      `${name}-md0`,
      { clusterName: name, replicas: 3, template: { spec: { clusterName: name, version: 'v1.32.2' } } },
      { conditions: ready, phase: 'Running', readyReplicas: 3, replicas: 3 },
    ),
  );
  for (let i = 0; i < 3; i++) {
    const machine = `${name}-md0-${hexOf(`${ns}/${name}/${i}`, 5)}`;
    b.add(
      'machines.cluster.x-k8s.io.json',
      capi(
        'cluster.x-k8s.io/v1beta1',
        'Machine',
        machine,
        {
          bootstrap: { dataSecretName: `${machine}-bootstrap` },
          clusterName: name,
          infrastructureRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
            kind: 'ProxmoxMachine',
            name: machine,
          },
          version: 'v1.32.2',
        },
        {
          bootstrapReady: true,
          conditions: ready,
          infrastructureReady: true,
          nodeRef: { kind: 'Node', name: machine },
          phase: 'Running',
        },
      ),
    );
    b.add(
      'proxmoxmachines.infrastructure.cluster.x-k8s.io.json',
      capi(
        'infrastructure.cluster.x-k8s.io/v1alpha1',
        'ProxmoxMachine',
        machine,
        {
          disks: { bootVolume: { disk: 'scsi0', sizeGb: 50 } },
          memoryMiB: 8192,
          numCores: 4,
          sourceNode: 'pve1',
        },
        { conditions: ready, ready: true, vmStatus: 'ready' },
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: expected a whole number, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pods: { type: 'string' },
      nodes: { type: 'string' },
      configmaps: { type: 'string' },
      secrets: { type: 'string' },
      crds: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out DIR is required');
  const started = Date.now();
  const summary = await generateCluster({
    pods: positive(values.pods, '--pods') ?? 5000,
    nodes: positive(values.nodes, '--nodes'),
    configmaps: positive(values.configmaps, '--configmaps'),
    secrets: positive(values.secrets, '--secrets'),
    crds: positive(values.crds, '--crds'),
    seed: values.seed!,
    out: resolve(values.out),
  });
  const total = Object.values(summary).reduce((sum, n) => sum + n, 0);
  process.stdout.write(
    `wrote ${total} objects in ${((Date.now() - started) / 1000).toFixed(1)} s to ${resolve(values.out)}\n` +
      `${Object.entries(summary)
        .map(([file, n]) => `  ${file}: ${n}`)
        .join('\n')}\n`,
  );
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    process.stderr.write(`generate-cluster: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
