#!/usr/bin/env bash
# The assessment step of the GitHub composite action (action.yml): every input arrives as an environment
# variable, so the same script runs (and is tested) outside GitHub. It writes the kubeconfig (0600, in the
# runner's temporary folder, removed on exit), runs `cozy-assess assess`, appends the summary to the step
# summary (the tool does, from GITHUB_STEP_SUMMARY), and sets the step's outputs. It never fails the step
# itself: the action's last step does, after the artifacts are uploaded.
#
# Inputs (env): COZY_KUBECONFIG (the kubeconfig's content; empty = in-cluster or the runner's own), COZY_CONTEXT,
# COZY_TARGET, COZY_FAIL_ON, COZY_BACKUP (none | no-secrets | encrypted), COZY_AGE_RECIPIENT (for encrypted),
# COZY_ARGS (more arguments, split on spaces), COZY_OUTPUT_DIR, COZY_BIN (the command to run).
set -uo pipefail

out=${COZY_OUTPUT_DIR:-cozy-assess}
bin=${COZY_BIN:-cozy-assess}
mkdir -p "$out"
temp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cozy-assess.XXXXXX")
trap 'rm -rf "$temp"' EXIT

args=(assess --target "${COZY_TARGET:-latest}" --fail-on "${COZY_FAIL_ON:-fail}"
  --report "$out/report.md" --json "$out/assessment.json" --junit "$out/junit.xml")
if [ -n "${COZY_KUBECONFIG:-}" ]; then
  (umask 077 && printf '%s\n' "$COZY_KUBECONFIG" >"$temp/kubeconfig")
  args+=(--kubeconfig "$temp/kubeconfig")
fi
[ -n "${COZY_CONTEXT:-}" ] && args+=(--context "$COZY_CONTEXT")

# A CI workspace is shared and uploaded: a backup is either not taken, taken without Secrets, or taken with
# Secrets encrypted to a recipient whose private key is not in CI. Never in plaintext.
case "${COZY_BACKUP:-none}" in
  none) args+=(--no-backup) ;;
  no-secrets) args+=(--backup-dir "$out/backup" --no-secrets) ;;
  encrypted)
    if [ -z "${COZY_AGE_RECIPIENT:-}" ]; then
      echo "::error title=cozy-assess::backup: encrypted needs age-recipient (an age1... public key, from a secret or variable)"
      echo "exit-code=2" >>"${GITHUB_OUTPUT:-/dev/null}"
      echo "verdict=BAD-INPUT" >>"${GITHUB_OUTPUT:-/dev/null}"
      exit 0
    fi
    args+=(--backup-dir "$out/backup" --encrypt-secrets --recipient "$COZY_AGE_RECIPIENT")
    ;;
  *)
    echo "::error title=cozy-assess::backup must be none, no-secrets or encrypted, not '${COZY_BACKUP}'"
    echo "exit-code=2" >>"${GITHUB_OUTPUT:-/dev/null}"
    echo "verdict=BAD-INPUT" >>"${GITHUB_OUTPUT:-/dev/null}"
    exit 0
    ;;
esac
# shellcheck disable=SC2206 # extra arguments are split on spaces on purpose
[ -n "${COZY_ARGS:-}" ] && args+=(${COZY_ARGS})

$bin "${args[@]}"
code=$?
case $code in
  0) verdict=GO ;;
  3) verdict=NO-GO ;;
  4) verdict=INCOMPLETE ;;
  2) verdict=BAD-INPUT ;;
  130 | 143) verdict=INTERRUPTED ;;
  *) verdict=ERROR ;;
esac
{
  echo "exit-code=$code"
  echo "verdict=$verdict"
  echo "report=$out/report.md"
  echo "json=$out/assessment.json"
  echo "junit=$out/junit.xml"
} >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0
