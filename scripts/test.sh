#!/usr/bin/env bash
# Runs every test, in order, and stops at the first stage that fails:
#   lint, types, unit, integration-pg, integration-pglite, python, build, e2e
# `bash scripts/test.sh unit e2e` runs only the stages named. Ends with the list of skipped tests
# and the line `N passed, N failed, N skipped` (ESLint and Prettier as one check each, vitest,
# Python and Playwright tests), which CI reads. Skipped tests are counted as skipped, never as passed.
# Where this machine can run the sandbox (root, bwrap, cgroup v1 memory and pids), a sandbox test
# that skips fails instead: the script exports CELLAR_REQUIRE_SANDBOX=1 for the skip helpers
# (test/support/sandbox-required.ts, test/python/testing_zygote.py); set it to 0 or 1 to
# override the probe. Sage tests still skip where SageMath is not installed (CELLAR_SAGE=0).
# Expects what scripts/setup.sh installs (`npm test` runs both).
set -uo pipefail
cd "$(dirname "$0")/.."

all_stages=(lint types unit integration-pg integration-pglite python build e2e)
if [ "$#" -gt 0 ]; then stages=("$@"); else stages=("${all_stages[@]}"); fi
for s in "${stages[@]}"; do
  [[ " ${all_stages[*]} " == *" $s "* ]] || { echo "test: unknown stage '$s' (${all_stages[*]})" >&2; exit 2; }
done

results=$(mktemp -d "${TMPDIR:-/tmp}/cellar-test.XXXXXX")
trap 'rm -rf "$results"' EXIT
passed=0
failed=0
skipped=0
started=$SECONDS
skipped_list="$results/skipped.txt"
: >"$skipped_list"

# Skipped tests are listed and counted as skipped, never as passed.
summary() {
  if [ -s "$skipped_list" ]; then
    printf '\ntest: skipped tests (%s):\n' "$(wc -l <"$skipped_list")"
    sed 's/^/  /' "$skipped_list"
  fi
  echo "$passed passed, $failed failed, $skipped skipped"
}

stage() { printf '\n=== test: %s ===\n' "$*"; }

# Stops the run: the summary still counts what ran, so CI sees the failure in numbers too.
fail() {
  printf '\ntest: FAILED at stage %s: %s\n' "$1" "$2" >&2
  # A stage that failed before reporting any test (a compile error, a build) counts as one.
  [ "$failed" -gt 0 ] || failed=1
  summary
  exit 1
}

# Adds the counts of one stage's report (scripts/test-report.mjs: vitest, playwright, unittest)
# and lists its skipped tests.
count() { # kind report stage
  [ -s "$2" ] || return 1
  local p f k
  read -r p f k < <(node scripts/test-report.mjs "$1" "$2" "$3" "$skipped_list") || return 1
  [ -n "$k" ] || return 1
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + k))
}

# Whether this machine can run the sandbox (what lib/exec/service/testing.ts and
# test/support/exec-service.ts need): then no sandbox test may skip.
probe_sandbox() {
  if [ -n "${CELLAR_REQUIRE_SANDBOX:-}" ]; then
    echo "test: CELLAR_REQUIRE_SANDBOX=$CELLAR_REQUIRE_SANDBOX given"
  else
    local why=""
    if [ "$(id -u)" -ne 0 ]; then why="not root"
    elif [ ! -x /usr/bin/bwrap ]; then why="/usr/bin/bwrap is missing"
    elif [ ! -e /sys/fs/cgroup/memory/cgroup.procs ] || [ ! -e /sys/fs/cgroup/pids/cgroup.procs ]; then why="no cgroup v1 memory and pids controllers"
    fi
    if [ -z "$why" ]; then
      CELLAR_REQUIRE_SANDBOX=1
      echo "test: this machine can run the sandbox (root, bwrap, cgroups): a sandbox test that skips fails"
    else
      CELLAR_REQUIRE_SANDBOX=0
      echo "test: sandbox tests may skip here ($why)"
    fi
  fi
  export CELLAR_REQUIRE_SANDBOX
}

# Whether this machine has NATS (scripts/setup.sh installs nats-server and starts it on
# 127.0.0.1:4222 for the tests): then no test of several execution hosts may skip.
probe_nats() {
  if [ -z "${CELLAR_REQUIRE_NATS:-}" ]; then
    if [ -x /usr/sbin/nats-server ] && (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
      CELLAR_REQUIRE_NATS=1
      echo "test: NATS answers on 127.0.0.1:4222: a NATS test that skips fails"
    else
      CELLAR_REQUIRE_NATS=0
      echo "test: NATS tests may skip here (no nats-server answering on 127.0.0.1:4222)"
    fi
  fi
  export CELLAR_REQUIRE_NATS
}

# ESLint and Prettier, one check each in the counts; both run, so one report shows all problems.
run_lint() {
  stage "lint (eslint, prettier --check)"
  local bad=0
  # The caches live in node_modules/.cache: a second run only looks at files that changed.
  if npx --no-install eslint --max-warnings 0 --cache --cache-location node_modules/.cache/eslint/ .; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    bad=1
  fi
  if npx --no-install prettier --check --cache --log-level warn .; then
    passed=$((passed + 1))
  else
    echo "test: \`npx prettier --write .\` formats them (.prettierrc, .prettierignore)" >&2
    failed=$((failed + 1))
    bad=1
  fi
  [ "$bad" -eq 0 ] || fail lint "ESLint or Prettier found problems (above)"
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  echo "test: Postgres is not answering on 127.0.0.1:5432; trying to start it"
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ -z "$version" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    fail integration-pg "no PostgreSQL installed (run \`bash scripts/setup.sh --with-postgres\`)"
  fi
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  if ! "${sudo[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
    fail integration-pg "could not start PostgreSQL $version/main; see /var/log/postgresql/postgresql-$version-main.log"
  fi
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pg_isready -q -h 127.0.0.1 -p 5432 && return 0
    sleep 1
  done
  fail integration-pg "PostgreSQL $version/main started but does not answer on 127.0.0.1:5432"
}

run_vitest() { # name project engine
  local name=$1 project=$2 engine=${3:-} report="$results/$1.json"
  stage "$name"
  env ${engine:+CELLAR_TEST_DB=$engine} npx --no-install vitest run --project "$project" \
    --reporter=default --reporter=json --outputFile.json="$report"
  local code=$?
  count vitest "$report" "$name" || fail "$name" "vitest wrote no report (exit code $code)"
  [ "$code" -eq 0 ] || fail "$name" "vitest exited with code $code"
}

# Debian's interpreter, with numpy and matplotlib, is the one snippets run under. The tests of
# the kernel's code (lib/exec/python, bound into every sandbox) live in test/python, out of sight
# of the code users run.
run_python() {
  local dir=test/python report="$results/python.json"
  stage python
  if [ -z "$(find "$dir" -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
    echo "test: no Python tests in $dir, skipped"
    return 0
  fi
  /usr/bin/python3 scripts/unittest-report.py "$dir" "$report"
  local code=$?
  count unittest "$report" python || fail python "the Python tests wrote no report (exit code $code)"
  [ "$code" -eq 0 ] || fail python "unittest exited with code $code"
}

probe_sandbox
probe_nats

for s in "${stages[@]}"; do
  case "$s" in
    lint) run_lint ;;
    types)
      stage "types (tsc --noEmit)"
      npx --no-install tsc --noEmit || fail types "TypeScript errors above"
      ;;
    unit) run_vitest unit unit ;;
    integration-pg)
      ensure_postgres
      run_vitest integration-pg integration pg
      ;;
    integration-pglite) run_vitest integration-pglite integration pglite ;;
    python) run_python ;;
    build)
      stage "build (next build)"
      # Always the default .next here: it is what `npm start` and the e2e stage below serve.
      unset NEXT_DIST_DIR
      npx --no-install next build || fail build "next build failed"
      ;;
    e2e)
      ensure_postgres
      stage "e2e (Playwright on /usr/bin/chromium)"
      [ -x /usr/bin/chromium ] || fail e2e "/usr/bin/chromium is missing (run \`bash scripts/setup.sh\`)"
      report="$results/e2e.json"
      CELLAR_E2E_JSON=$report npx --no-install playwright test
      code=$?
      count playwright "$report" e2e || fail e2e "Playwright wrote no report (exit code $code)"
      [ "$code" -eq 0 ] || fail e2e "Playwright exited with code $code"
      ;;
  esac
done

printf '\ntest: all stages passed in %ss (%s)\n' "$((SECONDS - started))" "${stages[*]}"
summary
