import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isStable,
  minorLine,
  parseImageVersion,
  parseReleaseTag,
  parseVersion,
  splitImageReference,
} from '../../src/catalog/version.js';

function ok(input: string) {
  const result = parseVersion(input);
  assert.ok(result.ok, `expected ${input} to parse: ${result.ok ? '' : result.reason}`);
  return result.value;
}

describe('parseVersion', () => {
  it('reads v-prefixed and bare stable versions alike', () => {
    assert.equal(ok('v0.37.2').version, '0.37.2');
    assert.equal(ok('0.30.1').version, '0.30.1');
    assert.equal(ok('v1.6.2').base, '1.6.2');
    assert.equal(ok('v0.37.2').commitsAfter, 0);
    assert.ok(isStable(ok('v0.37.2')));
  });

  it('splits a git-describe build into its tag and the commits after it', () => {
    const build = ok('v0.28.0-54-g22cf18ff');
    assert.equal(build.version, '0.28.0');
    assert.equal(build.commitsAfter, 54);
    assert.equal(build.commit, '22cf18ff');
    assert.equal(build.prerelease, undefined);
    assert.equal(isStable(build), false);
    // v0.31+ chart versions are git describe without the v
    assert.equal(ok('0.37.2-5-g1a2b3c4d').commitsAfter, 5);
  });

  it('reads -rc.N, -alpha.N, -beta.N and the odd -rc1', () => {
    assert.deepEqual(ok('v1.4.0-rc.2').prerelease, { kind: 'rc', number: 2 });
    assert.equal(ok('v1.4.0-rc.2').version, '1.4.0-rc.2');
    assert.deepEqual(ok('v1.0.0-alpha.3').prerelease, { kind: 'alpha', number: 3 });
    assert.deepEqual(ok('v1.0.0-beta.4').prerelease, { kind: 'beta', number: 4 });
    assert.equal(ok('v0.31.0-rc1').version, '0.31.0-rc.1');
    assert.equal(isStable(ok('v0.31.0-rc1')), false);
    assert.equal(ok('v1.0.0-rc.1-3-gabcdef0').commitsAfter, 3);
  });

  it('keeps the digest apart from the version', () => {
    const pinned = ok('v0.37.2@sha256:c7c2aa0b');
    assert.equal(pinned.version, '0.37.2');
    assert.equal(pinned.digest, 'sha256:c7c2aa0b');
  });

  it('refuses latest, sub-module tags, v1 placeholder chart versions and garbage, with a reason', () => {
    for (const input of [
      'latest',
      'api/apps/v1alpha1/v1.1.6',
      '0.0.0+a11612f35f31',
      'untagged-1a2b',
      'recovery-pr3342-69-commits',
      'v0.37',
      '',
    ]) {
      const result = parseVersion(input);
      assert.equal(result.ok, false, input);
      if (!result.ok) assert.ok(result.reason.length > 0);
    }
    const latest = parseVersion('latest');
    assert.ok(!latest.ok && /non-release/.test(latest.reason));
  });
});

describe('parseImageVersion', () => {
  it('reads the tag of a digest-pinned installer image', () => {
    const result = parseImageVersion(
      'ghcr.io/cozystack/cozystack/installer:v0.28.0-54-g22cf18ff@sha256:0123456789abcdef',
    );
    assert.ok(result.ok);
    assert.equal(result.value.version, '0.28.0');
    assert.equal(result.value.commitsAfter, 54);
    assert.equal(result.value.digest, 'sha256:0123456789abcdef');
    assert.equal(result.value.raw, 'v0.28.0-54-g22cf18ff');
  });

  it('copes with registry ports and refuses digest-only and latest images', () => {
    const port = parseImageVersion('registry.local:5000/cozystack/installer:v0.41.11');
    assert.ok(port.ok && port.value.version === '0.41.11');
    assert.equal(parseImageVersion('ghcr.io/cozystack/cozystack/installer@sha256:abc').ok, false);
    assert.equal(parseImageVersion('ghcr.io/cozystack/cozystack/installer:latest').ok, false);
    assert.equal(parseImageVersion('ghcr.io/aenix-io/cozystack/cozystack:v0.27.0').ok, true);
  });

  it('splitImageReference separates tag and digest', () => {
    assert.deepEqual(splitImageReference('a/b:v1@sha256:x'), { tag: 'v1', digest: 'sha256:x' });
    assert.deepEqual(splitImageReference('v0.37.2'), { tag: 'v0.37.2', digest: undefined });
    assert.equal(splitImageReference('a/b').tag, undefined);
  });
});

describe('parseReleaseTag (git tags of cozystack/cozystack)', () => {
  it('accepts v-prefixed release and pre-release tags', () => {
    assert.ok(parseReleaseTag('v0.25.0').ok);
    assert.ok(parseReleaseTag('v1.6.2').ok);
    assert.ok(parseReleaseTag('v1.4.0-rc.2').ok);
    assert.ok(parseReleaseTag('v0.31.0-rc1').ok);
  });

  it('ignores the tags the reference lists as not releases', () => {
    for (const tag of [
      '0.30.1',
      'api/apps/v1alpha1/v1.1.6',
      'untagged-abc',
      'recovery-pr3342-69-commits',
      'latest',
    ]) {
      assert.equal(parseReleaseTag(tag).ok, false, tag);
    }
    assert.equal(parseReleaseTag('v0.28.0-54-g22cf18ff').ok, false);
  });
});

describe('minorLine', () => {
  it('names the release line', () => {
    assert.equal(minorLine('0.37.2'), '0.37');
    assert.equal(minorLine('1.0.0'), '1.0');
  });
});
