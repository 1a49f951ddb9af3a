#!/usr/bin/env bash
# Runs every test, in order, and stops at the first stage that fails:
#   types, unit, integration-pg, integration-pglite, python, build, e2e
# `bash scripts/test.sh unit e2e` runs only the stages named. Ends with the line
# `N passed, N failed, N skipped` (vitest + Python + Playwright tests), which CI reads.
# Expects what scripts/setup.sh installs (`npm test` runs both).
set -uo pipefail
cd "$(dirname "$0")/.."

all_stages=(types unit integration-pg integration-pglite python build e2e)
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

# Skipped tests are reported as skipped, never counted as passed.
summary() { echo "$passed passed, $failed failed, $skipped skipped"; }

stage() { printf '\n=== test: %s ===\n' "$*"; }

# Stops the run: the summary still counts what ran, so CI sees the failure in numbers too.
fail() {
  printf '\ntest: FAILED at stage %s: %s\n' "$1" "$2" >&2
  # A stage that failed before reporting any test (a compile error, a build) counts as one.
  [ "$failed" -gt 0 ] || failed=1
  summary
  exit 1
}

# Adds the counts from a vitest JSON report (fields numPassedTests / numFailedTests).
count_vitest() {
  [ -s "$1" ] || return 1
  read -r p f k < <(node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests, r.numFailedTests, (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0));' "$1") || return 1
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + k))
}

# Adds the counts from a Playwright JSON report: expected = passed, unexpected = failed.
count_playwright() {
  [ -s "$1" ] || return 1
  read -r p f k < <(node -e '
    const { stats } = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    console.log(stats.expected + stats.flaky, stats.unexpected, stats.skipped ?? 0);' "$1") || return 1
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + k))
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
  count_vitest "$report" || fail "$name" "vitest wrote no report (exit code $code)"
  [ "$code" -eq 0 ] || fail "$name" "vitest exited with code $code"
}

# Debian's interpreter, with numpy and matplotlib, is the one snippets run under.
run_python() {
  local dir=lib/exec/python
  stage python
  if [ -z "$(find "$dir" -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
    echo "test: no Python tests in $dir, skipped"
    return 0
  fi
  local log="$results/python.log"
  /usr/bin/python3 -m unittest discover -s "$dir" -p 'test_*.py' -v 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  # unittest ends with "Ran N tests" and "OK" or "FAILED (failures=F, errors=E)", either with
  # "skipped=S" when tests were skipped.
  local ran bad=0 skip=0 n
  ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$log" | tail -n1)
  for n in $(tail -n1 "$log" | grep -oE '(failures|errors)=[0-9]+' | cut -d= -f2); do
    bad=$((bad + n))
  done
  n=$(tail -n1 "$log" | grep -oE 'skipped=[0-9]+' | cut -d= -f2)
  skip=${n:-0}
  ran=${ran:-0}
  passed=$((passed + ran - bad - skip))
  failed=$((failed + bad))
  skipped=$((skipped + skip))
  [ "$code" -eq 0 ] || fail python "unittest exited with code $code"
}

for s in "${stages[@]}"; do
  case "$s" in
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
      count_playwright "$report" || fail e2e "Playwright wrote no report (exit code $code)"
      [ "$code" -eq 0 ] || fail e2e "Playwright exited with code $code"
      ;;
  esac
done

printf '\ntest: all stages passed in %ss (%s)\n' "$((SECONDS - started))" "${stages[*]}"
summary
