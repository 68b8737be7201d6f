#!/usr/bin/env bash
# Every check CI runs, in order; prints how long each took and stops at the end
# with a summary, so one run shows every failure.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
run_step() {
  local name=$1; shift
  local started=$SECONDS
  echo "==> $name"
  if "$@"; then
    echo "    ok: $name ($((SECONDS - started)) s)"
  else
    echo "    FAILED: $name ($((SECONDS - started)) s)"
    failed+=("$name")
  fi
}

run_step "ruff"                      make -s lint
run_step "mypy"                      make -s typecheck
run_step "import-linter"             make -s importlint
run_step "makemigrations --check"    make -s migrations-check
run_step "check --deploy"            make -s deploy-check
run_step "OpenAPI schema unchanged"  make -s openapi-check
run_step "pytest (SQLite)"           make -s pytest
run_step "pytest (PostgreSQL)"       make -s pytest-postgres
run_step "browser (Chromium + axe)"  make -s test-browser

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "失敗 / failed: ${failed[*]}"
  exit 1
fi
echo "すべて成功 / all checks passed"
