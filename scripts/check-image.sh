#!/usr/bin/env bash
# Builds the container image from the Dockerfile and runs its entry point as the image's own user:
# --version, then `check` and `assess` on fixtures/healthy mounted read-only, writing only to /data.
# Uses podman or docker when they can run containers, else buildah (chroot isolation: no container runtime
# needed, but the root filesystem is not mounted read-only there; the image's files are owned by root and
# the user is not, so writing them fails all the same).
#
#   scripts/check-image.sh                                   # the pinned base (the Dockerfile's NODE_IMAGE)
#   NODE_IMAGE=registry.local/node:20.20.2-bookworm-slim scripts/check-image.sh   # a mirror or stand-in
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$repo/package.json').version")
image="localhost/cozy-assess:$version"
build_args=()
[ -n "${NODE_IMAGE:-}" ] && build_args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
fail() {
  printf 'check-image: %s\n' "$*" >&2
  exit 1
}

can_run() { timeout 60 "$1" run --rm "$image" --version >/dev/null 2>&1; }

echo "== build $image"
if command -v buildah >/dev/null; then
  buildah bud --isolation chroot --layers "${build_args[@]}" -t "$image" "$repo"
elif command -v podman >/dev/null; then
  podman build "${build_args[@]}" -t "$image" "$repo"
else
  docker build "${build_args[@]}" -t "$image" "$repo"
fi

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
chmod 0777 "$data"
fixture="$repo/fixtures/healthy"
runtime=""
for candidate in podman docker; do
  if command -v "$candidate" >/dev/null && can_run "$candidate"; then runtime=$candidate && break; fi
done

run_image() {
  if [ -n "$runtime" ]; then
    "$runtime" run --rm --read-only --cap-drop ALL --security-opt no-new-privileges \
      -v "$fixture:/fixture:ro" -v "$data:/data" "$image" "$@"
  else
    # buildah: a working container from the image, its entry point run as the image's user in /data.
    local ctr
    ctr=$(buildah from --pull-never "$image")
    local code=0
    buildah run --isolation chroot --user "$(buildah inspect --format '{{.OCIv1.Config.User}}' "$ctr")" \
      --workingdir /data -v "$fixture:/fixture:ro" -v "$data:/data" "$ctr" cozy-assess "$@" || code=$?
    buildah rm "$ctr" >/dev/null
    return "$code"
  fi
}

echo "== run (${runtime:-buildah run, chroot isolation})"
[ "$(run_image --version)" = "$version" ] || fail "the image's cozy-assess --version is not $version"
run_image check --snapshot /fixture -q >/dev/null || fail "check on fixtures/healthy did not exit 0 in the image"
run_image assess --snapshot /fixture --target v0.37.2 --no-backup --json assessment.json -q >/dev/null ||
  fail "assess on fixtures/healthy did not exit 0 in the image"
[ -f "$data/assessment.json" ] || fail "assess wrote no /data/assessment.json"
ls "$data"/cozy-assess-report-*.md >/dev/null || fail "assess wrote no report into /data"
user=$(podman image inspect --format '{{.Config.User}}' "$image" 2>/dev/null || buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
[ "${user%%:*}" != "0" ] && [ "${user%%:*}" != "root" ] && [ -n "$user" ] || fail "the image runs as root ($user)"
echo "check-image: $image builds and runs as user $user (entry point cozy-assess, outputs in /data)"
