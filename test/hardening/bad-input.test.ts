// Bad input, fuzzed with fast-check over thousands of generated files: snapshot files, kubeconfig files, the
// config file and the catalog file. Each case is read by the same functions the CLI calls (in-process, so
// thousands run in seconds) and must either be accepted or end in a BadInputError (exit 2) whose message
// names the file (and the field, where the fault is in one). Never another exception. A handful of cases then
// go through the binary: exit 2, the file named, no stack trace without -v.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { mergeCatalogs, parseCatalogText, toCatalog } from '../../src/catalog/parse.js';
import { loadCatalog, SHIPPED_CATALOG_URL } from '../../src/cli/catalog-file.js';
import { planUpgrade } from '../../src/catalog/path.js';
import type { Catalog } from '../../src/catalog/types.js';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import { readConfigFile } from '../../src/cli/config-file.js';
import { gatherInventory, runAllChecks } from '../../src/cli/pipeline.js';
import { loadKubeConfig } from '../../src/cluster/kubeconfig.js';
import { DecisionConfigSchema } from '../../src/decide/decision-model.js';
import { BadInputError } from '../../src/errors.js';
import { kubeconfigYaml } from '../support/fake-apiserver.js';
import {
  brokenText,
  type Doc,
  deeplyNested,
  mutated,
  oddEncoding,
  serialize,
} from '../support/fuzz-inputs.js';
import { runBinary, runCli } from '../support/cli.js';
import { testContext } from '../support/command-context.js';
import { fixture, tempFolder } from './guard.js';

const dir = await tempFolder('cozy-fuzz-');
let counter = 0;
let shipped: Catalog;
before(() => {
  shipped = loadCatalog();
});

/** Writes one case to a fresh file (the name tells the case apart in a failure message). */
function caseFile(bytes: Buffer | string, ext: string): string {
  const file = join(dir, `case-${++counter}${ext}`);
  writeFileSync(file, bytes);
  return file;
}

/** The property every case must hold: accepted, or a BadInputError naming the file. */
function assertBadInputOrAccepted(error: unknown, file: string): void {
  if (error === undefined) return;
  if (!(error instanceof BadInputError)) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
    assert.fail(`${file}: not a BadInputError: ${detail}`);
  }
  assert.ok(error.message.includes(file), `the message names the file: ${error.message}`);
}

/** fc.assert (FUZZ_RUNS=N overrides the number of cases for a longer soak), but a failure shows the error first and a short counterexample (file bytes can be huge). */
async function check<T>(property: fc.IAsyncProperty<[T]>, numRuns: number): Promise<void> {
  const details = await fc.check(property, { numRuns: Number(process.env.FUZZ_RUNS ?? numRuns) });
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample)?.slice(0, 600);
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  assert.fail(
    `${error}\n(seed ${details.seed}, path ${details.counterexamplePath}; counterexample: ${example})`,
  );
}

async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

// ---------------------------------------------------------------- snapshot files

const at = '2025-10-20T08:00:00Z';
const snapshotBase = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'node-a',
        creationTimestamp: at,
        labels: { 'node-role.kubernetes.io/control-plane': '' },
      },
      status: {
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at, reason: 'KubeletReady' }],
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        nodeInfo: { kubeletVersion: 'v1.32.2' },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'kube-ovn-cni-abcde',
        namespace: 'cozy-kubeovn',
        creationTimestamp: at,
        labels: { app: 'kube-ovn-cni' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-ovn-cni', uid: 'u1', controller: true },
        ],
      },
      spec: {
        nodeName: 'node-a',
        containers: [
          { name: 'cni', image: 'kube-ovn:v1.13', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
        ],
      },
      status: {
        phase: 'Running',
        startTime: at,
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at }],
        containerStatuses: [
          {
            name: 'cni',
            ready: false,
            restartCount: 12,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: at } },
          },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'cozystack', namespace: 'cozy-system', creationTimestamp: at },
      spec: {
        replicas: 1,
        template: {
          spec: {
            containers: [
              { name: 'cozystack', image: 'ghcr.io/cozystack/cozystack/installer:v0.28.0@sha256:ab' },
            ],
          },
        },
      },
      status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cozystack-version', namespace: 'cozy-system' },
      data: { version: '10' },
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'cilium', namespace: 'cozy-cilium', creationTimestamp: at },
      spec: { chart: { spec: { chart: 'cozy-cilium', version: '0.28.0' } }, values: { a: 1 } },
      status: {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'InstallFailed', lastTransitionTime: at, message: 'm' },
        ],
        history: [{ chartVersion: '0.28.0' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'cozy-kubeovn' },
      involvedObject: { kind: 'Pod', name: 'kube-ovn-cni-abcde', namespace: 'cozy-kubeovn' },
      reason: 'Failed',
      type: 'Warning',
      message: 'failed to pull image: dial tcp 1.2.3.4:443: i/o timeout',
      count: 3,
      lastTimestamp: at,
    },
  ],
};

/** Reads one snapshot file the way `check`/`assess` do: source, one pass into the inventory, checks, path. */
async function readSnapshot(file: string): Promise<unknown> {
  return caught(async () => {
    const { inventory } = await gatherInventory(testContext({ snapshot: file, requestTimeoutMs: 1000 }));
    const plan = planUpgrade(inventory, shipped, 'latest');
    await runAllChecks(inventory, { plan });
  });
}

const snapshotCase = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(mutated(snapshotBase), fc.constantFrom('json', 'yaml'))
      .map(([doc, format]) => ({ bytes: serialize(doc, format as 'json' | 'yaml'), ext: `.${format}` })),
  },
  {
    weight: 2,
    arbitrary: brokenText(JSON.stringify(snapshotBase, null, 2)).map((text) => ({
      bytes: text,
      ext: '.json',
    })),
  },
  {
    weight: 2,
    arbitrary: brokenText(serialize(snapshotBase, 'yaml')).map((text) => ({ bytes: text, ext: '.yaml' })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(oddEncoding(JSON.stringify(snapshotBase)), fc.constantFrom('.json', '.yaml'))
      .map(([bytes, ext]) => ({ bytes, ext })),
  },
);

describe('snapshot files (fuzzed)', () => {
  it('every generated snapshot file is read, or is a BadInputError naming the file', async () => {
    await check(
      fc.asyncProperty(snapshotCase, async ({ bytes, ext }) => {
        const file = caseFile(bytes, ext);
        assertBadInputOrAccepted(await readSnapshot(file), file);
      }),
      400,
    );
  });
});

/** A BadInputError for a document that parsed but has the wrong shape also names the field. */
function assertNamesField(error: unknown): void {
  if (!(error instanceof BadInputError) || /not valid YAML|cannot be read|does not exist/.test(error.message))
    return;
  assert.ok(error.field, `the error names the field: ${error.message}`);
}

// ---------------------------------------------------------------- config file (--config)

const configBase = {
  checks: {
    restarts: {
      enabled: true,
      severity: 'warning',
      blocking: false,
      params: { longTermDays: 30, minRestarts: 50 },
    },
    'pod-failures': { params: { pendingGraceMinutes: 10 } },
  },
  suppressions: [
    {
      check: 'pod-failures',
      id: 'pod-failures:tenant-*',
      namespace: 'tenant-*',
      reason: 'owner informed',
      until: '2027-01-31',
    },
  ],
  decision: {
    optionA: { perStep: { hoursMin: 3, hoursMax: 4 }, repairNetworking: { successDelta: -30 } },
    thresholds: { longTermDays: 14 },
    recommendation: { repairFirstMinSuccess: 70 },
  },
};

const configCase = fc.oneof(
  { weight: 5, arbitrary: mutated(configBase).map((doc) => serialize(doc, 'yaml') as string | Buffer) },
  { weight: 2, arbitrary: brokenText(serialize(configBase, 'yaml')) },
  { weight: 2, arbitrary: oddEncoding(serialize(configBase, 'yaml')) },
);

describe('config files (fuzzed)', () => {
  it('every generated --config file is accepted, or is a BadInputError naming the file and the field', async () => {
    await check(
      fc.asyncProperty(configCase, async (bytes) => {
        const file = caseFile(bytes, '.yaml');
        const error = await caught(() => readConfigFile(file, BUILTIN_CHECKS, DecisionConfigSchema));
        assertBadInputOrAccepted(error, file);
        assertNamesField(error);
      }),
      500,
    );
  });
});

// ---------------------------------------------------------------- catalog file (--catalog)

const shippedFile = () =>
  parseCatalogText(readFileSync(fileURLToPath(SHIPPED_CATALOG_URL), 'utf8'), 'releases.yaml');
const catalogBase = (() => {
  const shippedDoc = shippedFile();
  return {
    schemaVersion: 1,
    releases: shippedDoc.releases.slice(-3),
    breakingChanges: shippedDoc.breakingChanges.slice(0, 2),
    requiredStops: shippedDoc.requiredStops.slice(0, 1),
    bundles: shippedDoc.bundles.slice(0, 1),
  };
})();

const catalogCase = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(mutated(catalogBase), fc.constantFrom('json', 'yaml')).map(([doc, format]) => ({
      bytes: serialize(doc, format as 'json' | 'yaml') as string | Buffer,
      ext: `.${format}`,
    })),
  },
  {
    weight: 2,
    arbitrary: brokenText(serialize(catalogBase, 'yaml')).map((bytes) => ({ bytes, ext: '.yaml' })),
  },
  {
    weight: 2,
    arbitrary: oddEncoding(serialize(catalogBase, 'yaml')).map((bytes) => ({ bytes, ext: '.yaml' })),
  },
);

describe('catalog files (fuzzed)', () => {
  it('every generated --catalog file is merged and planned with, or is a BadInputError naming the file and the field', async () => {
    const shippedDoc = shippedFile();
    const { inventory } = await gatherInventory(
      testContext({ snapshot: fixture('healthy'), requestTimeoutMs: 1000 }),
    );
    await check(
      fc.asyncProperty(catalogCase, async ({ bytes, ext }) => {
        const file = caseFile(bytes, ext);
        const error = await caught(() => {
          const override = parseCatalogText(readFileSync(file, 'utf8'), file);
          const catalog = toCatalog(mergeCatalogs(shippedDoc, override), ['releases.yaml', file]);
          planUpgrade(inventory, catalog, 'latest');
        });
        assertBadInputOrAccepted(error, file);
        assertNamesField(error);
      }),
      400,
    );
  });
});

// ---------------------------------------------------------------- kubeconfig files (--kubeconfig)

const kubeconfigBase = parseYaml(
  kubeconfigYaml(
    'https://127.0.0.1:6443',
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    'token',
  ),
) as Doc;

const kubeconfigCase = fc.oneof(
  { weight: 5, arbitrary: mutated(kubeconfigBase).map((doc) => serialize(doc, 'yaml') as string | Buffer) },
  { weight: 2, arbitrary: brokenText(serialize(kubeconfigBase, 'yaml')) },
  { weight: 2, arbitrary: oddEncoding(serialize(kubeconfigBase, 'yaml')) },
);

describe('kubeconfig files (fuzzed)', () => {
  it('every generated kubeconfig loads with a usable server URL, or is a BadInputError naming the file', async () => {
    const k8s = await import('@kubernetes/client-node');
    await check(
      fc.asyncProperty(kubeconfigCase, async (bytes) => {
        const file = caseFile(bytes, '');
        const error = await caught(() => {
          const loaded = loadKubeConfig(k8s, { kubeconfig: file, env: {} });
          const url = new URL(loaded.server);
          assert.match(
            url.protocol,
            /^https?:$/,
            `a loaded kubeconfig has an http(s) server: ${loaded.server}`,
          );
        });
        assertBadInputOrAccepted(error, file);
      }),
      500,
    );
  });
});

// ---------------------------------------------------------------- deep nesting, every parser

describe('deeply nested documents (fuzzed, thousands of levels)', () => {
  it('each reader ends in a BadInputError naming the file or accepts it; no stack overflow escapes', async () => {
    const k8s = await import('@kubernetes/client-node');
    await check(
      fc.asyncProperty(deeplyNested, async ({ text, format }) => {
        const snapshot = caseFile(text, `.${format}`);
        assertBadInputOrAccepted(await readSnapshot(snapshot), snapshot);
        const config = caseFile(text, '.yaml');
        assertBadInputOrAccepted(
          await caught(() => readConfigFile(config, BUILTIN_CHECKS, DecisionConfigSchema)),
          config,
        );
        const catalog = caseFile(text, `.${format}`);
        assertBadInputOrAccepted(await caught(() => parseCatalogText(text, catalog)), catalog);
        const kubeconfig = caseFile(text, '');
        assertBadInputOrAccepted(
          await caught(() => loadKubeConfig(k8s, { kubeconfig, env: {} })),
          kubeconfig,
        );
      }),
      24,
    );
  });
});

// ---------------------------------------------------------------- a handful through the CLI

describe('bad input through the CLI: exit 2, the file (and field) named, no stack trace without -v', () => {
  const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?\n|internal error/);
  const cases: Array<{
    name: string;
    args: (file: string) => string[];
    bytes: string | Buffer;
    ext: string;
    names: RegExp;
  }> = [
    {
      name: 'a snapshot file cut in the middle',
      args: (file) => ['check', '--snapshot', file],
      bytes: JSON.stringify(snapshotBase).slice(0, 200),
      ext: '.json',
      names: /not valid JSON/,
    },
    {
      name: 'a snapshot whose ownerReferences is not a list',
      args: (file) => ['assess', '--snapshot', file, '--no-backup', '--report', `${file}.md`],
      bytes: JSON.stringify({
        ...snapshotBase,
        items: [{ ...snapshotBase.items[1], metadata: { name: 'p', ownerReferences: 'DaemonSet' } }],
      }),
      ext: '.json',
      names: /metadata\.ownerReferences is not a list/,
    },
    {
      name: 'a UTF-16 snapshot without BOM (NUL bytes everywhere)',
      args: (file) => ['check', '--snapshot', file],
      bytes: Buffer.from(JSON.stringify(snapshotBase), 'utf16le'),
      ext: '.json',
      names: /not valid JSON/,
    },
    {
      name: 'a config file with an alias to no anchor',
      args: (file) => ['check', '--snapshot', fixture('healthy'), '--config', file],
      bytes: 'checks:\n  restarts: *nowhere\n',
      ext: '.yaml',
      names: /not valid YAML/,
    },
    {
      name: 'a config file with a wrong type deep inside',
      args: (file) => ['assess', '--snapshot', fixture('healthy'), '--no-backup', '--config', file],
      bytes: 'decision:\n  optionA:\n    perStep: { hoursMin: "three" }\n',
      ext: '.yaml',
      names: /decision\.optionA\.perStep\.hoursMin/,
    },
    {
      name: 'a catalog file with a release that is no version',
      args: (file) => ['path', '--snapshot', fixture('healthy'), '--catalog', file],
      bytes:
        'schemaVersion: 1\nreleases:\n  - { version: 1.x, date: "2026-01-01", migrationTarget: 1, source: s }\n',
      ext: '.yaml',
      names: /releases\[0\]\.version/,
    },
    {
      name: 'a kubeconfig whose server is not a URL',
      args: (file) => ['check', '--kubeconfig', file],
      bytes: serialize(
        { ...kubeconfigBase, clusters: [{ name: 'fake-cluster', cluster: { server: 'not a url' } }] },
        'yaml',
      ),
      ext: '',
      names: /no usable server address/,
    },
  ];
  cases.forEach((c, index) => {
    it(c.name, async () => {
      const file = caseFile(c.bytes, c.ext);
      // In-process; the first two cases also through the built binary (the same lines from a real process).
      for (const run of index < 2 ? [runCli, runBinary] : [runCli]) {
        const result = await run(c.args(file), { env: { GITHUB_STEP_SUMMARY: undefined } });
        assert.equal(result.code, 2, `exit 2: ${result.stderr}`);
        assert.ok(result.stderr.includes(file), `names the file: ${result.stderr}`);
        assert.match(result.stderr, c.names);
        noStack(result.stderr);
      }
    });
  });
});
