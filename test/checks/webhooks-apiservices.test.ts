import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webhooksApiServicesCheck } from '../../src/checks/webhooks-apiservices.js';
import {
  apiService,
  endpoints,
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
} from '../support/objects.js';
import { clock, ctx, inventoryFrom, runCheck } from './support.js';

const rules = [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'] }];
const lineage = validatingWebhookConfiguration({
  name: 'lineage',
  created: clock.daysAgo(30),
  webhooks: [
    {
      name: 'lineage.cozystack.io',
      service: { namespace: 'cozy-system', name: 'lineage-controller-webhook', path: '/validate' },
      failurePolicy: 'Fail',
      rules,
    },
  ],
});
const optional = mutatingWebhookConfiguration({
  name: 'optional',
  created: clock.daysAgo(30),
  webhooks: [
    {
      name: 'optional.example.com',
      service: { namespace: 'cozy-x', name: 'opt', path: '/mutate' },
      failurePolicy: 'Ignore',
      rules,
    },
  ],
});
const appsApi = apiService({
  group: 'apps.cozystack.io',
  version: 'v1alpha1',
  created: clock.daysAgo(219),
  service: { namespace: 'cozy-system', name: 'cozystack-api' },
  available: {
    status: 'False',
    reason: 'MissingEndpoints',
    message: 'endpoints for service/cozystack-api in "cozy-system" have no addresses with port name "https"',
    since: clock.daysAgo(6),
  },
});
const localApi = apiService({
  group: 'apps',
  version: 'v1',
  created: clock.daysAgo(219),
  available: {
    status: 'True',
    reason: 'Local',
    message: 'Local APIServices are always available',
    since: clock.daysAgo(219),
  },
});
const noAddresses = (name: string, namespace: string) =>
  endpoints({
    name,
    namespace,
    created: clock.daysAgo(30),
    ready: [],
    notReady: [{ ip: '10.244.1.5' }],
    ports: [{ port: 443 }],
  });
const withAddress = (name: string, namespace: string) =>
  endpoints({
    name,
    namespace,
    created: clock.daysAgo(30),
    ready: [{ ip: '10.244.1.5' }],
    notReady: [],
    ports: [{ port: 443 }],
  });

describe('webhooks-apiservices check', () => {
  it('fails on a Fail-policy webhook and an aggregated API without ready endpoints; warns on an Ignore-policy one', () => {
    const inv = inventoryFrom([
      lineage,
      optional,
      appsApi,
      localApi,
      noAddresses('lineage-controller-webhook', 'cozy-system'),
      noAddresses('cozystack-api', 'cozy-system'),
    ]);
    const findings = runCheck(webhooksApiServicesCheck, inv, ctx());
    assert.deepEqual(
      findings.map((f) => [f.id, f.status, f.blocking]),
      [
        ['webhooks-apiservices:webhooks', 'fail', true],
        ['webhooks-apiservices:webhooks-ignore', 'warn', false],
        ['webhooks-apiservices:apiservices', 'fail', true],
      ],
    );
    assert.match(findings[0]!.summary, /lineage\/lineage\.cozystack\.io/);
    assert.deepEqual(findings[2]!.objects, ['apiservice/v1alpha1.apps.cozystack.io']);
    assert.match(
      findings[2]!.summary,
      /MissingEndpoints, service cozy-system\/cozystack-api has no ready endpoints/,
    );
  });

  it('passes when the backends have ready endpoints', () => {
    const ok = apiService({
      ...{ group: 'apps.cozystack.io', version: 'v1alpha1', created: clock.daysAgo(2) },
      service: { namespace: 'cozy-system', name: 'cozystack-api' },
      available: { status: 'True', reason: 'Passed', message: 'all checks passed', since: clock.daysAgo(2) },
    });
    const inv = inventoryFrom([
      lineage,
      ok,
      withAddress('lineage-controller-webhook', 'cozy-system'),
      withAddress('cozystack-api', 'cozy-system'),
    ]);
    assert.deepEqual(
      runCheck(webhooksApiServicesCheck, inv, ctx()).map((f) => f.status),
      ['pass'],
    );
  });

  it('is unknown about webhooks when no endpoints type could be read', () => {
    const inv = inventoryFrom([lineage], { missing: ['endpoints', 'endpointslices.discovery.k8s.io'] });
    const findings = runCheck(webhooksApiServicesCheck, inv, ctx());
    assert.deepEqual(
      findings.map((f) => f.status),
      ['unknown'],
    );
  });
});
