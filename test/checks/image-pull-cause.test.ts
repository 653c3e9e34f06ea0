import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyPullMessage, imagePullCauseCheck, registryOf } from '../../src/checks/image-pull-cause.js';
import {
  event,
  imagePullBackOffMessage,
  pullNotFoundError,
  pullTimeoutError,
  waiting,
} from '../support/objects.js';
import { clock, ctx, inventoryFrom, miniIncident, readyNode, runCheck, simplePod } from './support.js';

describe('classifyPullMessage', () => {
  it('tells network, auth, missing image and rate limit apart from kubelet/containerd messages', () => {
    const image = 'ghcr.io/cozystack/cozystack/x:v1';
    assert.equal(classifyPullMessage(pullTimeoutError(image, '34.96.108.209')), 'pod-network');
    assert.equal(classifyPullMessage('dial tcp 10.0.0.1:443: connect: no route to host'), 'pod-network');
    assert.equal(classifyPullMessage(pullNotFoundError(image)), 'missing-image');
    assert.equal(
      classifyPullMessage(
        'failed to resolve reference: unexpected status from HEAD request: 401 Unauthorized',
      ),
      'registry-auth',
    );
    assert.equal(classifyPullMessage('unexpected status from HEAD request: 403 Forbidden'), 'registry-auth');
    assert.equal(
      classifyPullMessage(
        '429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit',
      ),
      'rate-limit',
    );
    assert.equal(classifyPullMessage('Back-off pulling image "x"'), undefined);
  });

  it('finds the registry host of an image reference', () => {
    assert.equal(registryOf('ghcr.io/cozystack/cozystack/x:v1'), 'ghcr.io');
    assert.equal(registryOf('registry.k8s.io/pause:3.10'), 'registry.k8s.io');
    assert.equal(registryOf('nginx:1.27'), 'docker.io');
    assert.equal(registryOf('library/nginx'), 'docker.io');
    assert.equal(registryOf('localhost:5000/x'), 'localhost:5000');
  });
});

describe('image-pull-cause check', () => {
  it('concludes pod network, not registry, when pulls time out on a node with sandbox failures and the registry serves other nodes', () => {
    const findings = runCheck(imagePullCauseCheck, inventoryFrom(miniIncident()), ctx());
    assert.equal(findings.length, 1);
    const f = findings[0]!;
    assert.equal(f.id, 'image-pull-cause:pod-network');
    assert.equal(f.status, 'fail');
    assert.equal(f.blocking, true);
    assert.deepEqual(f.nodes, ['bad']);
    assert.match(f.summary, /i\/o timeout/);
    assert.match(f.summary, /none is a registry answer/);
    assert.match(f.summary, /sit on nodes where pod sandboxes also fail \(bad\)/);
    assert.match(f.summary, /images from ghcr\.io run on other nodes/);
    assert.match(f.summary, /registries are reachable/);
    const registry = f.evidence.find((e) => e.kind === 'registry')!;
    assert.equal(registry.name, 'ghcr.io');
    assert.ok((registry.count ?? 0) >= 1);
  });

  it('takes the cause from events when the container message names none, and keeps tenant problems non-blocking', () => {
    const image = 'docker.io/acme/app:gone';
    const inv = inventoryFrom([
      readyNode('n1'),
      simplePod({
        name: 'app',
        namespace: 'tenant-acme',
        node: 'n1',
        image,
        state: waiting('ImagePullBackOff', `Back-off pulling image "${image}"`),
        readyTransition: clock.hoursAgo(1),
      }),
      event({
        namespace: 'tenant-acme',
        involved: { kind: 'Pod', name: 'app' },
        reason: 'Failed',
        message: `Failed to pull image "${image}": ${pullNotFoundError(image)}`,
        host: 'n1',
        count: 3,
        firstTimestamp: clock.hoursAgo(1),
        lastTimestamp: clock.minutesAgo(1),
      }),
    ]);
    const [f] = runCheck(imagePullCauseCheck, inv, ctx());
    assert.equal(f!.id, 'image-pull-cause:missing-image');
    assert.equal(f!.scope, 'tenant');
    assert.equal(f!.blocking, false);
    assert.equal(f!.status, 'warn', 'a tenant pull failure warns, like other tenant findings');
    assert.match(f!.evidence[0]!.message!, /not found/);
  });

  it('says unknown when nothing names a cause, and passes without pull failures', () => {
    const image = 'ghcr.io/x/y:1';
    const unknown = runCheck(
      imagePullCauseCheck,
      inventoryFrom([
        readyNode('n1'),
        simplePod({
          name: 'a',
          namespace: 'cozy-x',
          node: 'n1',
          image,
          state: waiting('ImagePullBackOff', imagePullBackOffMessage(image, 'something odd')),
        }),
      ]),
      ctx(),
    );
    assert.deepEqual(
      unknown.map((f) => [f.id, f.status]),
      [['image-pull-cause:unknown', 'warn']],
    );
    assert.deepEqual(
      runCheck(imagePullCauseCheck, inventoryFrom([readyNode('n1')]), ctx()).map((f) => f.status),
      ['pass'],
    );
  });
});

describe('image-pull-cause without events', () => {
  it('still classifies from container messages, and says when events were missing for an unknown cause', () => {
    const image = 'ghcr.io/x/y:1';
    const timeout = simplePod({
      name: 'a',
      namespace: 'cozy-x',
      node: 'n1',
      image,
      state: waiting('ImagePullBackOff', imagePullBackOffMessage(image, pullTimeoutError(image, '10.1.1.1'))),
    });
    const vague = simplePod({
      name: 'b',
      namespace: 'cozy-x',
      node: 'n1',
      image,
      state: waiting('ImagePullBackOff', `Back-off pulling image "${image}"`),
    });
    const inv = inventoryFrom([readyNode('n1'), timeout, vague], {
      missing: ['events', 'events.events.k8s.io'],
    });
    assert.deepEqual(imagePullCauseCheck.needs, ['pods']);
    const findings = runCheck(imagePullCauseCheck, inv, ctx());
    assert.deepEqual(
      findings.map((f) => f.id),
      ['image-pull-cause:pod-network', 'image-pull-cause:unknown'],
    );
    assert.match(findings[0]!.summary, /dial tcp 10\.1\.1\.1:443: i\/o timeout/);
    assert.match(findings[1]!.summary, /Events could not be read/);
  });
});
