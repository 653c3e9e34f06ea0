#!/usr/bin/env bash
# The last step of the GitHub composite action (action.yml): fails the job unless the verdict is GO, with an
# error annotation that tells NO-GO (the cluster is not ready) from INCOMPLETE (something could not be read)
# and from a failure of the run itself. Inputs (env): VERDICT, CODE (the assessment step's outputs).
set -u
case "${VERDICT:-}" in
  GO) echo "cozy-assess: GO (exit 0): the in-place upgrade may proceed" ;;
  NO-GO) echo "::error title=cozy-assess NO-GO::blocking findings: the upgrade must not proceed; read the report (exit 3)" ;;
  INCOMPLETE) echo "::error title=cozy-assess INCOMPLETE::the verdict needs data that could not be read (RBAC, timeouts, an unknown version); never GO on missing data (exit 4)" ;;
  BAD-INPUT) echo "::error title=cozy-assess bad input::fix the action's inputs or the files they name (exit 2)" ;;
  *) echo "::error title=cozy-assess ${VERDICT:-ERROR}::the assessment did not finish (exit ${CODE:-unknown})" ;;
esac
exit "${CODE:-1}"
