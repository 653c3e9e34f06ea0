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
import { type CliResult, fixture, REPO_ROOT, runCli } from '../support/cli.js';
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
    server = await startFakeApiServer({ objects: [], extraTypes: kinds, token: 'apply-token' });
  });
  after(async () => {
    await server?.close();
  });

  for (const dir of ['deploy', 'deploy/variants/no-secrets', 'deploy/variants/exec-probes']) {
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
      for (const kind of [
        'namespace',
        'serviceaccount',
        'clusterrole',
        'clusterrolebinding',
        'persistentvolumeclaim',
        'job',
        'cronjob',
      ]) {
        assert.match(stdout, new RegExp(`^${kind}[^ ]*/\\S+ created \\(dry run\\)$`, 'm'), stdout);
      }
    });
  }
});
