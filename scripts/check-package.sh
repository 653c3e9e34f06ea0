#!/usr/bin/env bash
# The package as a new user gets it: clone the committed tree, `npm ci && npm pack` (prepack builds dist/),
# install the tarball globally into a temporary prefix, and run it from a folder that is not the repository:
# the demo assessment, the kubectl plugin, and `npx` from the tarball. CI runs it after the test suite; it
# needs the npm registry (or its cache) for the production dependencies.
#
#   scripts/check-package.sh            # uses HEAD of this repository
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm_quiet=(--no-audit --no-fund --prefer-offline --loglevel=error)

step() { printf '== %s\n' "$*"; }
fail() {
  printf 'check-package: %s\n' "$*" >&2
  exit 1
}

step "clean clone of HEAD, npm ci, npm pack"
git clone --quiet --no-hardlinks "$repo" "$work/clone"
(cd "$work/clone" && npm ci "${npm_quiet[@]}" >/dev/null && npm pack --pack-destination "$work" >/dev/null)
version=$(node -p "require('$work/clone/package.json').version")
tarball="$work/cozy-assess-$version.tgz"
[ -f "$tarball" ] || fail "npm pack wrote no $tarball"
listing=$(tar -tzf "$tarball")
for file in package/LICENSE package/README.md package/dist/cli/bin.js package/dist/catalog/releases.yaml \
  package/schema/assessment.schema.json; do
  grep -qx "$file" <<<"$listing" || fail "the tarball has no $file"
done
if grep -E '\.map$|^package/(src|test|fixtures|scripts)/' <<<"$listing"; then
  fail "the tarball ships source maps or files that are not part of the package (listed above)"
fi

step "npm install -g the tarball into a temporary prefix"
prefix="$work/prefix"
npm install -g --prefix "$prefix" "${npm_quiet[@]}" "$tarball" >/dev/null
bin="$prefix/bin"
[ -x "$bin/cozy-assess" ] || fail "no cozy-assess on the prefix's PATH"
[ -x "$bin/kubectl-cozy_assess" ] || fail "no kubectl-cozy_assess on the prefix's PATH"
[ -x "$bin/kubectl_complete-cozy_assess" ] || fail "no kubectl_complete-cozy_assess on the prefix's PATH"

elsewhere="$work/elsewhere"
mkdir -p "$elsewhere"
cd "$elsewhere"
export PATH="$bin:$PATH" NO_COLOR=1

step "cozy-assess --version from another folder"
[ "$(cozy-assess --version)" = "$version" ] || fail "cozy-assess --version is not $version"

step "the demo assessment from another folder (catalog and schema from the package)"
set +e
cozy-assess assess --snapshot "$repo/fixtures/seed-incident" --target v0.37.2 --backup-dir demo-backup \
  --report demo-report.md --json demo-assessment.json --junit demo-junit.xml -q >demo.out
code=$?
set -e
[ "$code" = 3 ] || fail "the demo assessment exited $code, expected 3 (NO-GO)"
grep -q 'NO-GO' demo-report.md || fail "demo-report.md has no verdict"
node -e "const a=require('./demo-assessment.json'); if (a.verdict !== 'NO-GO') process.exit(1)" ||
  fail "demo-assessment.json is not a NO-GO assessment"
ls demo-backup/*/SHA256SUMS >/dev/null || fail "no verified backup in demo-backup/"
cozy-assess assess --snapshot "$repo/fixtures/healthy" --target v0.37.2 --no-backup --report healthy.md -q >healthy.out ||
  fail "the healthy fixture did not end GO through the installed package"

step "kubectl cozy-assess (plugin discovery and completion on PATH)"
if command -v kubectl >/dev/null; then
  kubectl plugin list 2>/dev/null | grep -q "$bin/kubectl-cozy_assess" || fail "kubectl plugin list does not show kubectl-cozy_assess"
  [ "$(kubectl cozy-assess --version)" = "$version" ] || fail "kubectl cozy-assess --version is not $version"
  kubectl cozy-assess check --snapshot "$repo/fixtures/healthy" -q >/dev/null ||
    fail "kubectl cozy-assess check on the healthy fixture did not exit 0"
  kubectl __complete cozy-assess as 2>/dev/null | grep -q '^assess' ||
    fail "kubectl does not complete kubectl cozy-assess as… through kubectl_complete-cozy_assess"
else
  echo "kubectl is not installed: plugin discovery not checked"
fi

step "npx from the tarball"
[ "$(npx --yes --cache "$work/npx-cache" "${npm_quiet[@]}" --package "$tarball" cozy-assess --version)" = "$version" ] ||
  fail "npx --package $tarball cozy-assess --version is not $version"

echo "check-package: $tarball installs and runs (cozy-assess, kubectl cozy-assess, npx)"
