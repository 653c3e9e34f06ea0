// deploy/ as a cluster runs it: the generated ClusterRoles match what the code reads (no more, no less), the Job's
// own arguments run in-cluster (no kubeconfig: KUBERNETES_SERVICE_HOST/PORT, a service-account token and CA)
// against the fake API server enforcing exactly the RBAC rules of deploy/, and the result is complete. kubectl
// builds the variants and applies deploy/ with --dry-run=client (skipped where kubectl is absent).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { parseAllDocuments } from 'yaml';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import type { KubeObject, ResourceType } from '../../src/cluster/types.js';
import { SERVICE_ACCOUNT_DIR_ENV } from '../../src/cluster/kubeconfig.js';
import { clusterRoleYaml, readRules, ROLE_FILES, typesRead } from '../../scripts/generate-rbac.js';
import { parseDuration } from '../../src/cli/globals.js';
import { READINESS_METRICS } from '../../src/report/metrics.js';
import { type CliResult, fixture, REPO_ROOT, runCli, startCli } from '../support/cli.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { kubectlAvailable } from '../support/kubectl.js';
import { policyForServiceAccount, type RbacPolicy, rbacAllows, readKustomization } from '../support/rbac.js';
import { tempDirs } from '../support/temp.js';
import { junitSchemaErrors } from '../report/junit-schema.js';

const run = promisify(execFile);
const DEPLOY = join(REPO_ROOT, 'deploy');
const NOW = '2025-10-24T12:00:00Z';
const FIXTURES = ['healthy', 'seed-incident', 'tenant-only', 'kubectl-mixed', 'tenants'];
const tempDir = tempDirs('cozy-deploy-');
const withKubectl = { skip: kubectlAvailable() ? false : 'kubectl is not on PATH' };

/** deploy/ (or a variant) through `kubectl kustomize`: generators, patches and components applied. */
async function kustomize(dir: string): Promise<KubeObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], {
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(stdout).map((d) => d.toJS() as KubeObject);
}

const basePolicy = () => policyForServiceAccount(readKustomization(DEPLOY), 'cozy-assess', 'cozy-assess');

async function discovered(name: string): Promise<ResourceType[]> {
  const source = await openSnapshotSource(fixture(name));
  try {
    return await source.discoverTypes();
  } finally {
    await source.close();
  }
}

describe('the generated ClusterRoles', () => {
  it('are what scripts/generate-rbac.ts gives from the code (npm run rbac)', () => {
    for (const role of ROLE_FILES) {
      assert.equal(
        readFileSync(join(REPO_ROOT, role.file), 'utf8'),
        clusterRoleYaml(role),
        `${role.file} is stale`,
      );
    }
  });

  it('grant every type the code reads from each fixture, and only `list`', async () => {
    const policy = basePolicy();
    for (const name of FIXTURES) {
      for (const type of typesRead(await discovered(name), 'include')) {
        const request = { verb: 'list', group: type.group, resource: type.plural };
        assert.ok(
          rbacAllows(policy, request),
          `${name}: ${type.plural}.${type.group} is read but not granted`,
        );
        assert.ok(!rbacAllows(policy, { ...request, verb: 'get' }), 'get is granted, and never used');
      }
    }
  });

  it('get only the watched Secrets, by name, and only in the role that may list Secrets', () => {
    const policy = basePolicy();
    const get = (name?: string) => ({
      verb: 'get',
      group: '',
      resource: 'secrets',
      namespace: 'cozy-velero',
      ...(name ? { name } : {}),
    });
    assert.ok(rbacAllows(policy, get('cozy-backups-creds')));
    assert.ok(!rbacAllows(policy, get('another')));
    assert.ok(!rbacAllows(policy, get()));
    assert.ok(!rbacAllows({ clusterRules: readRules(false), namespaceRules: {} }, get('cozy-backups-creds')));
  });

  it('grant nothing the code does not read: each built-in resource is read, each custom group is one the tool lists', () => {
    const read = typesRead([], 'include');
    for (const rule of readRules(true)) {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          if (resource === '*') continue;
          assert.ok(
            read.some((t) => t.group === group && t.plural === resource),
            `${resource}.${group} is granted and never read`,
          );
        }
      }
    }
    const custom = readRules(true).find((r) => r.resources.includes('*'))!;
    for (const group of custom.apiGroups) {
      const probe = { group, version: 'v1', kind: 'Any', plural: 'anys', namespaced: true };
      assert.ok(
        typesRead([probe], 'include').some((t) => t.group === group),
        `${group} is granted and never read`,
      );
    }
  });

  it('the no-secrets role is the full one without Secrets, and no other rule', () => {
    const strip = (rules: ReturnType<typeof readRules>) =>
      rules
        .map((r) => ({ ...r, resources: r.resources.filter((x) => x !== 'secrets') }))
        .filter((r) => r.resources.length > 0);
    assert.deepEqual(readRules(false), strip(readRules(true)));
    assert.ok(
      !rbacAllows(
        { clusterRules: readRules(false), namespaceRules: {} },
        {
          verb: 'list',
          group: '',
          resource: 'secrets',
        },
      ),
    );
  });

  it('the Job and the CronJob run the same pod', () => {
    const [job] = parseAllDocuments(readFileSync(join(DEPLOY, 'base/job.yaml'), 'utf8')).map((d) => d.toJS());
    const [cron] = parseAllDocuments(readFileSync(join(DEPLOY, 'base/cronjob.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    assert.deepEqual(cron.spec.jobTemplate.spec.template, job.spec.template);
    const { template: _a, ...jobSpec } = job.spec;
    const { template: _b, ...cronJobSpec } = cron.spec.jobTemplate.spec;
    assert.deepEqual(cronJobSpec, jobSpec);
  });
});

/** A pod's view: the service-account folder, and an environment with no kubeconfig anywhere. */
async function podEnvironment(server: FakeApiServer, token: string) {
  const root = await tempDir();
  const account = join(root, 'serviceaccount');
  await mkdir(account, { recursive: true });
  await writeFile(join(account, 'token'), token);
  await writeFile(join(account, 'ca.crt'), server.caPem!);
  await writeFile(join(account, 'namespace'), 'cozy-assess');
  await mkdir(join(root, 'home'));
  await mkdir(join(root, 'data'));
  const port = new URL(server.url).port;
  const env = {
    KUBECONFIG: undefined,
    HOME: join(root, 'home'),
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: port,
    [SERVICE_ACCOUNT_DIR_ENV]: account,
  };
  return { root, data: join(root, 'data'), env };
}

/** The Job's container arguments, with its environment filled in and /data moved to `data`. */
function jobArgs(objects: KubeObject[], vars: Record<string, string>, data: string): string[] {
  const job = objects.find((o) => o.kind === 'Job') as unknown as {
    spec: { template: { spec: { containers: Array<{ args: string[] }> } } };
  };
  return job.spec.template.spec.containers[0]!.args.map((arg) =>
    arg
      .replace(/\$\((\w+)\)/g, (_, name: string) => vars[name] ?? `$(${name})`)
      .replace(/^(--[\w-]+=)\/data/, `$1${data}`),
  );
}

interface Assessment {
  verdict: string;
  coverage: { unknown: unknown[]; unreadable: unknown[] };
  backup: { complete?: boolean; verified?: boolean } | null;
}

describe('in the cluster, under exactly the rules of deploy/', () => {
  let recipient: string;
  before(async () => {
    recipient = await identityToRecipient(await generateIdentity());
  });

  async function runJob(
    snapshot: string,
    policy: RbacPolicy,
    objects: KubeObject[],
  ): Promise<{ result: CliResult; server: FakeApiServer; data: string }> {
    const token = 'pod-token';
    const server = await startFakeApiServer({ snapshotDir: fixture(snapshot), token, rbac: policy });
    try {
      const pod = await podEnvironment(server, token);
      const args = jobArgs(
        objects,
        { TARGET: 'v0.37.2', AGE_RECIPIENT: recipient, JOB_NAME: 'cozy-assess' },
        pod.data,
      );
      const result = await runCli(['--now', NOW, ...args], { env: pod.env, cwd: pod.root });
      return { result, server, data: pod.data };
    } finally {
      await server.close();
    }
  }

  it("the Job's own arguments read the fake API server in-cluster: healthy is GO, complete, nothing unknown, only GETs", async () => {
    const objects = readKustomization(DEPLOY);
    const { result, server, data } = await runJob('healthy', basePolicy(), objects);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /GO/); // the report, on stdout (-o markdown): the Job's log
    assert.deepEqual(
      server.requestLog.filter((r) => r.status === 403).map((r) => r.path),
      [],
    );
    assert.ok(server.requestLog.every((r) => r.method === 'GET'));
    const files = (await readdir(data)).sort();
    assert.deepEqual(files, ['backups', 'cozy-assess.json', 'cozy-assess.junit.xml', 'cozy-assess.md']);
    const assessment = JSON.parse(await readFile(join(data, 'cozy-assess.json'), 'utf8')) as Assessment;
    assert.equal(assessment.verdict, 'GO');
    assert.deepEqual(assessment.coverage.unknown, []);
    assert.deepEqual(assessment.coverage.unreadable, []);
    const junit = await readFile(join(data, 'cozy-assess.junit.xml'), 'utf8');
    assert.deepEqual(junitSchemaErrors(junit), []);
    assert.match(
      junit,
      /<testsuite name="cozy-assess" timestamp="2025-10-24T12:00:00" hostname="in-cluster"/,
    );
    const [backup] = await readdir(join(data, 'backups'));
    const secrets = await readdir(join(data, 'backups', backup!, 'secrets'));
    assert.deepEqual(secrets, ['secrets.json.age']);
  });

  it('no fixture meets a denial under the rules (seed-incident stays NO-GO for what it holds, not for RBAC)', async () => {
    const { result, server } = await runJob('seed-incident', basePolicy(), readKustomization(DEPLOY));
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(
      server.requestLog.filter((r) => r.status === 403).map((r) => r.path),
      [],
    );
  });

  it('a type the rules do not grant is named and ends INCOMPLETE (the fake enforces RBAC)', async () => {
    const policy = basePolicy();
    const withoutPods: RbacPolicy = {
      ...policy,
      clusterRules: policy.clusterRules.map((r) => ({
        ...r,
        resources: r.resources?.filter((x) => x !== 'pods'),
      })),
    };
    const { result, server } = await runJob('healthy', withoutPods, readKustomization(DEPLOY));
    assert.equal(result.code, 4, result.stderr);
    assert.deepEqual(
      server.requestLog.filter((r) => r.status === 403).map((r) => r.path),
      ['/api/v1/pods'],
    );
    assert.match(result.stderr, /pods/);
  });

  it('the no-secrets variant: the same Job reads no Secret and is GO', withKubectl, async () => {
    const objects = await kustomize(join(DEPLOY, 'variants/no-secrets'));
    const policy = policyForServiceAccount(objects, 'cozy-assess', 'cozy-assess');
    assert.ok(!rbacAllows(policy, { verb: 'list', group: '', resource: 'secrets' }));
    const { result, server } = await runJob('healthy', policy, objects);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!server.requestLog.some((r) => r.path.endsWith('/secrets')));
  });

  it(
    'the exec-probes variant: execs in cozy-kubeovn only, where its Role allows them',
    withKubectl,
    async () => {
      const objects = await kustomize(join(DEPLOY, 'variants/exec-probes'));
      const policy = policyForServiceAccount(objects, 'cozy-assess', 'cozy-assess');
      assert.deepEqual(Object.keys(policy.namespaceRules), ['cozy-kubeovn']);
      const { result, server } = await runJob('healthy', policy, objects);
      assert.equal(result.code, 0, result.stderr);
      const execs = server.requestLog.filter((r) => r.method === 'EXEC');
      assert.equal(execs.length, 4);
      assert.ok(execs.every((r) => r.status === 101 && r.exec?.namespace === 'cozy-kubeovn'));
      // Without the component, the same probes are denied: the base grants no exec.
      assert.ok(
        !rbacAllows(basePolicy(), {
          verb: 'create',
          group: '',
          resource: 'pods',
          subresource: 'exec',
          namespace: 'cozy-kubeovn',
        }),
      );
    },
  );
});

/** The first document of a YAML file of deploy/. */
function deployObject<T = Record<string, unknown>>(file: string): T {
  return parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'))[0]!.toJS() as T;
}

interface Container {
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  image: string;
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { serviceAccountName: string; securityContext: Record<string, unknown>; containers: Container[] };
}

const serveDeployment = () =>
  deployObject<{ spec: { template: PodTemplate } }>('components/serve/deployment.yaml').spec.template;

/** The value of `--flag=value` in a container's arguments. */
const argValue = (args: string[], flag: string) =>
  args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

describe('serve in deploy/', () => {
  it('the Deployment runs like the Job (non-root, read-only root, no capabilities) and probes /healthz and /readyz where it listens', () => {
    const template = serveDeployment();
    const job = deployObject<{ spec: { template: PodTemplate } }>('base/job.yaml').spec.template;
    const [serve] = template.spec.containers;
    const [batch] = job.spec.containers;
    assert.equal(template.spec.serviceAccountName, job.spec.serviceAccountName);
    assert.deepEqual(serve!.securityContext, batch!.securityContext);
    assert.equal(serve!.securityContext.readOnlyRootFilesystem, true);
    for (const key of ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'seccompProfile'])
      assert.deepEqual(template.spec.securityContext[key], job.spec.securityContext[key], key);
    assert.equal(serve!.args[0], 'serve');
    const port = Number(argValue(serve!.args, '--listen')!.split(':').at(-1));
    assert.deepEqual(serve!.ports, [{ name: 'http', containerPort: port }]);
    assert.deepEqual(serve!.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
    assert.deepEqual(serve!.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
    assert.ok(!serve!.args.some((a) => a.startsWith('--backup')), 'serve takes no backup in the cluster');
  });

  it("the Service selects the serve pods only (never the Job's), publishes them before ready, on the container port", () => {
    const service = deployObject<{
      spec: {
        selector: Record<string, string>;
        publishNotReadyAddresses: boolean;
        ports: Array<{ targetPort: string }>;
      };
    }>('components/serve/service.yaml');
    const labels = serveDeployment().metadata.labels;
    const jobLabels = deployObject<{ spec: { template: PodTemplate } }>('base/job.yaml').spec.template
      .metadata.labels;
    const selects = (l: Record<string, string>) =>
      Object.entries(service.spec.selector).every(([k, v]) => l[k] === v);
    assert.ok(selects(labels));
    assert.ok(!selects(jobLabels));
    assert.equal(service.spec.publishNotReadyAddresses, true);
    assert.deepEqual(
      service.spec.ports.map((p) => p.targetPort),
      ['http'],
    );
    for (const file of [
      'components/victoriametrics/vmservicescrape.yaml',
      'components/prometheus-operator/servicemonitor.yaml',
    ]) {
      const scrape = deployObject<{
        spec: {
          selector: { matchLabels: Record<string, string> };
          endpoints: Array<{ port: string; path: string }>;
        };
      }>(file);
      assert.deepEqual(scrape.spec.selector.matchLabels, service.spec.selector, file);
      assert.deepEqual(
        scrape.spec.endpoints.map((e) => [e.port, e.path]),
        [['http', '/metrics']],
        file,
      );
    }
  });

  it('the alerts: the VMRule and the PrometheusRule are one rule set, timed on the interval, on metrics serve exposes', () => {
    type Rules = { spec: { groups: Array<{ rules: Array<{ alert: string; expr: string; for: string }> }> } };
    const vm = deployObject<Rules>('components/victoriametrics/vmrule.yaml');
    const prom = deployObject<Rules>('components/prometheus-operator/prometheusrule.yaml');
    assert.deepEqual(vm.spec, prom.spec);
    const rules = vm.spec.groups.flatMap((g) => g.rules);
    assert.deepEqual(
      rules.map((r) => r.alert),
      ['CozyAssessNoGo', 'CozyAssessIncomplete', 'CozyAssessStale'],
    );
    const interval = parseDuration(
      argValue(serveDeployment().spec.containers[0]!.args, '--interval')!,
      'interval',
    );
    const forOf = (alert: string) => parseDuration(rules.find((r) => r.alert === alert)!.for, 'for');
    assert.equal(forOf('CozyAssessNoGo'), 24 * 3_600_000, 'NO-GO for more than a day');
    assert.ok(forOf('CozyAssessIncomplete') >= 2 * interval, 'INCOMPLETE for more than two runs');
    assert.match(
      rules.find((r) => r.alert === 'CozyAssessStale')!.expr,
      new RegExp(`> 3 \\* ${interval / 1000}`),
    );

    const exposed = new Set<string>(Object.values(READINESS_METRICS).map((m) => m.name));
    const dashboard = JSON.parse(
      readFileSync(join(DEPLOY, 'grafana/cozy-assess-readiness.json'), 'utf8'),
    ) as {
      panels: Array<{ id: number; targets: Array<{ expr: string }> }>;
    };
    const exprs = [
      ...rules.map((r) => r.expr),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ];
    const named = new Set(exprs.flatMap((e) => e.match(/\bcozy_assess_\w+/g) ?? []));
    assert.deepEqual(
      [...named].filter((n) => !exposed.has(n)),
      [],
      'a metric no serve exposes',
    );
    assert.deepEqual(
      [...exposed].filter((n) => !named.has(n)),
      [],
      'every readiness metric is on the dashboard or in an alert',
    );
    assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length);
  });

  it("the Deployment's own arguments serve in-cluster under exactly deploy/'s rules: ready, GO, no denial, only GETs; SIGTERM ends it 0", async () => {
    const token = 'serve-token';
    const server = await startFakeApiServer({ snapshotDir: fixture('healthy'), token, rbac: basePolicy() });
    try {
      const pod = await podEnvironment(server, token);
      const args = serveDeployment()
        .spec.containers[0]!.args.map((arg) => arg.replace('$(TARGET)', 'v0.37.2'))
        .map((arg) => (arg.startsWith('--listen=') ? '--listen=127.0.0.1:0' : arg));
      const cli = startCli(args, { env: pod.env, cwd: pod.root });
      const [, url] = await cli.waitFor(/^serving on (http:\/\/\S+):/);
      await cli.waitFor(/ run 1: GO/);
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      assert.match(await (await fetch(`${url}/metrics`)).text(), /^cozy_assess_verdict\{verdict="GO"\} 1$/m);
      cli.signal('SIGTERM');
      const result = await cli.done;
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        server.requestLog.filter((r) => r.status === 403).map((r) => r.path),
        [],
      );
      assert.deepEqual(new Set(server.requestLog.map((r) => r.method)), new Set(['GET']));
      assert.deepEqual(await readdir(pod.data), [], 'serve writes nothing');
    } finally {
      await server.close();
    }
  });

  it(
    'the variants build: serve only (no Job, CronJob or volume), scraped by VictoriaMetrics or Prometheus, the base image',
    withKubectl,
    async () => {
      const baseImage = (await kustomize(DEPLOY)).find((o) => o.kind === 'Job') as unknown as {
        spec: { template: PodTemplate };
      };
      const kinds = async (dir: string) => {
        const objects = await kustomize(join(DEPLOY, dir));
        const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
          spec: { template: PodTemplate };
        };
        assert.equal(
          deployment.spec.template.spec.containers[0]!.image,
          baseImage.spec.template.spec.containers[0]!.image,
          dir,
        );
        return objects.map((o) => o.kind).sort();
      };
      const serveOnly = [
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'Namespace',
        'Service',
        'ServiceAccount',
      ];
      assert.deepEqual(await kinds('variants/serve'), serveOnly);
      assert.deepEqual(
        await kinds('variants/serve-victoriametrics'),
        [...serveOnly, 'VMRule', 'VMServiceScrape'].sort(),
      );
      assert.deepEqual(
        await kinds('variants/serve-prometheus'),
        [...serveOnly, 'PrometheusRule', 'ServiceMonitor'].sort(),
      );
    },
  );
});

/** The CRDs of the monitoring operators the scrape and rule objects of deploy/ belong to, as a cluster has them. */
const monitoringCrds: KubeObject[] = [
  ['operator.victoriametrics.com', 'v1beta1', 'VMServiceScrape', 'vmservicescrapes'],
  ['operator.victoriametrics.com', 'v1beta1', 'VMRule', 'vmrules'],
  ['monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors'],
  ['monitoring.coreos.com', 'v1', 'PrometheusRule', 'prometheusrules'],
].map(([group, version, kind, plural]) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { kind, plural },
    versions: [{ name: version, served: true, storage: true }],
  },
}));

describe('kubectl apply --dry-run=client -k', withKubectl, () => {
  // kubectl maps kinds through discovery even in a client dry run, so it needs a server: the fake one, serving
  // the kinds of deploy/. It serves no OpenAPI schema, hence --validate=false.
  let server: FakeApiServer;
  const kinds: ResourceType[] = [
    { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
    { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true },
    {
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind: 'ClusterRole',
      plural: 'clusterroles',
      namespaced: false,
    },
    {
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind: 'ClusterRoleBinding',
      plural: 'clusterrolebindings',
      namespaced: false,
    },
    { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true },
    {
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      kind: 'RoleBinding',
      plural: 'rolebindings',
      namespaced: true,
    },
  ];
  before(async () => {
    server = await startFakeApiServer({ objects: monitoringCrds, extraTypes: kinds, token: 'apply-token' });
  });
  after(async () => {
    await server?.close();
  });

  const everyJob = [
    'namespace',
    'serviceaccount',
    'clusterrole',
    'clusterrolebinding',
    'persistentvolumeclaim',
    'job',
    'cronjob',
  ];
  const serveOnly = [
    'namespace',
    'serviceaccount',
    'clusterrole',
    'clusterrolebinding',
    'configmap',
    'deployment',
    'service',
  ];
  const created: Record<string, string[]> = {
    deploy: everyJob,
    'deploy/variants/no-secrets': everyJob,
    'deploy/variants/exec-probes': everyJob,
    'deploy/variants/serve': serveOnly,
    'deploy/variants/serve-victoriametrics': [...serveOnly, 'vmservicescrape', 'vmrule'],
    'deploy/variants/serve-prometheus': [...serveOnly, 'servicemonitor', 'prometheusrule'],
  };
  for (const [dir, kinds] of Object.entries(created)) {
    it(dir, async () => {
      const root = await tempDir();
      const { stdout } = await run(
        'kubectl',
        [
          '--kubeconfig',
          server.kubeconfigPath,
          '--cache-dir',
          join(root, 'cache'),
          'apply',
          '--dry-run=client',
          '--validate=false',
          '-k',
          join(REPO_ROOT, dir),
        ],
        { timeout: 60_000 },
      );
      for (const kind of kinds) {
        assert.match(stdout, new RegExp(`^${kind}[^ ]*/\\S+ created \\(dry run\\)$`, 'm'), stdout);
      }
    });
  }
});
