// Parsing CozyStack version strings as they appear in clusters and in the git history:
// image tags (`installer:v0.37.2@sha256:…`), git-describe builds (`v0.28.0-54-g22cf18ff`), chart versions
// (`0.31.0`, `0.37.2-5-g1a2b3c4d`), env values (`COZYSTACK_VERSION=v1.6.2`) and repository tags.
// semver alone would read `0.28.0-54-g22cf18ff` as a PRE-release of 0.28.0 (older than 0.28.0), so the
// git-describe suffix is split off here first (cozystack-facts §2a).
import semver from 'semver';

export type PrereleaseKind = 'alpha' | 'beta' | 'rc';

export interface ParsedVersion {
  /** The string as found (digest included). */
  raw: string;
  /** Normalised semver without a `v`: `0.28.0`, `1.4.0-rc.2`. */
  version: string;
  /** `major.minor.patch` only. */
  base: string;
  prerelease?: { kind: PrereleaseKind; number: number };
  /** `-N-gHASH` git-describe suffix: commits after the tag (0 for a tag build). */
  commitsAfter: number;
  commit?: string;
  /** `sha256:…` when the image reference was pinned by digest. */
  digest?: string;
}

export type ParseResult = { ok: true; value: ParsedVersion } | { ok: false; raw: string; reason: string };

// `^v?(\d+)\.(\d+)\.(\d+)(-(alpha|beta|rc)\.?\d+)?(-(\d+)-g[0-9a-f]+)?$` from §2a, with captures.
const VERSION_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)(?:-(alpha|beta|rc)\.?(\d+))?(?:-(\d+)-g([0-9a-f]+))?$/;

/** Splits `registry/repo:tag@sha256:…` into its tag and digest; a bare tag passes through. */
export function splitImageReference(reference: string): { tag: string | undefined; digest?: string } {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const withoutDigest = at >= 0 ? reference.slice(0, at) : reference;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) {
    // `ghcr.io/x/installer@sha256:…` has no tag at all; a bare `v0.37.2` is a tag without a repository.
    return { tag: lastSlash >= 0 || at >= 0 ? undefined : withoutDigest, digest };
  }
  return { tag: withoutDigest.slice(colon + 1), digest };
}

/**
 * Parses a version as it appears in a cluster: with or without `v`, optionally with a digest, a
 * pre-release (`-rc.1`, `-rc1`) and a git-describe suffix. Anything else (`latest`, `0.0.0+a11612f35f31`,
 * sub-module tags) is refused with the reason, never guessed.
 */
export function parseVersion(input: string): ParseResult {
  const raw = input.trim();
  const at = raw.indexOf('@');
  const digest = at >= 0 ? raw.slice(at + 1) : undefined;
  const text = at >= 0 ? raw.slice(0, at) : raw;
  if (text === '') return { ok: false, raw, reason: 'no tag (pinned by digest only)' };
  if (text === 'latest') return { ok: false, raw, reason: '`latest` is the tag of non-release builds' };
  if (text.includes('/')) return { ok: false, raw, reason: 'a Go sub-module tag, not a platform release' };
  if (/^v?0\.0\.0\+/.test(text)) {
    return { ok: false, raw, reason: 'a 0.0.0+<hash> chart version (v1 system charts carry no release)' };
  }
  const match = VERSION_PATTERN.exec(text);
  if (!match) return { ok: false, raw, reason: 'not a CozyStack version (vX.Y.Z[-rc.N][-N-gHASH])' };
  const [, major, minor, patch, kind, number, commits, commit] = match;
  const base = `${Number(major)}.${Number(minor)}.${Number(patch)}`;
  const prerelease = kind ? { kind: kind as PrereleaseKind, number: Number(number) } : undefined;
  const version = prerelease ? `${base}-${prerelease.kind}.${prerelease.number}` : base;
  const value: ParsedVersion = { raw, version, base, commitsAfter: commits ? Number(commits) : 0 };
  if (prerelease) value.prerelease = prerelease;
  if (commit) value.commit = commit;
  if (digest) value.digest = digest;
  return { ok: true, value };
}

/**
 * The version of an image reference (`ghcr.io/cozystack/cozystack/installer:v0.37.2@sha256:…`). `raw` is the
 * tag as found (`v0.28.0-54-g22cf18ff`); the digest is kept apart.
 */
export function parseImageVersion(image: string): ParseResult {
  const { tag, digest } = splitImageReference(image.trim());
  if (tag === undefined)
    return { ok: false, raw: image, reason: 'the image has no tag (pinned by digest only)' };
  const result = parseVersion(tag);
  if (!result.ok) return result;
  return { ok: true, value: digest ? { ...result.value, digest } : result.value };
}

/**
 * Whether a git tag of cozystack/cozystack names a platform release (stable or pre-release). The repo
 * also has tags to ignore: `api/apps/v1alpha1/vX.Y.Z` sub-module tags, `0.30.1` without the `v`,
 * `untagged-*`, `recovery-…` (cozystack-facts §1).
 */
export function parseReleaseTag(tag: string): ParseResult {
  if (!tag.startsWith('v')) return { ok: false, raw: tag, reason: 'release tags start with `v`' };
  const result = parseVersion(tag);
  if (result.ok && result.value.commitsAfter > 0) {
    return { ok: false, raw: tag, reason: 'a git-describe build, not a tag' };
  }
  return result;
}

/** A stable release (no pre-release, no commits after the tag). */
export function isStable(parsed: ParsedVersion): boolean {
  return !parsed.prerelease && parsed.commitsAfter === 0;
}

/** `0.37` for `0.37.2`. */
export function minorLine(version: string): string {
  const parsed = semver.parse(version);
  if (!parsed) throw new Error(`not a semver version: ${version}`);
  return `${parsed.major}.${parsed.minor}`;
}

/** `v0.37.2` from `0.37.2` (how releases are written for people). */
export function withV(version: string): string {
  return version.startsWith('v') ? version : `v${version}`;
}
