# tools/onair test: everything a change must pass, ending with one line "N passed, N failed".
# Counts every jest test plus the workspace checks (setup+build, lint) as one test each.
source "$ONAIR_ROOT/tools/lib/helm-tools.sh"

run_all_tests() {
  local passed=0 failed=0
  ensure_node # here, not in the subshell below: jest must run on Node 24 too
  if ( workspace_install && infra_cmd up && workspace_build && ensure_helm_tools ); then
    passed=$((passed + 1))
  else
    echo "setup failed (see above): no test ran" >&2
    echo "0 passed, 1 failed"
    return 1
  fi

  step "lint (eslint, module boundaries)"
  if (cd "$ONAIR_ROOT" && npx nx run-many -t lint --output-style=static >"$ONAIR_STATE/logs/lint.log" 2>&1); then
    passed=$((passed + 1)); ok "lint"
  else
    failed=$((failed + 1)); echo "lint FAILED (log: $ONAIR_STATE/logs/lint.log)" >&2; tail -n 30 "$ONAIR_STATE/logs/lint.log" >&2
  fi

  step "jest: every project's unit and integration tests"
  local results="$ONAIR_STATE/jest-results.json"
  rm -f "$results"
  # --experimental-vm-modules lets jest require() ESM-only packages (NestJS 12) on Node 24.
  (cd "$ONAIR_ROOT" && NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning" \
    npx jest --ci --maxWorkers=2 --json --outputFile="$results" "$@") || true
  if [ -f "$results" ]; then
    local counts
    counts=$(node -e '
      const r = require(process.argv[1]);
      // A suite can fail outside its tests (it did not load, a hook threw): count it once.
      const suiteFailures = r.testResults.filter((s) => s.status === "failed" && !s.assertionResults.some((a) => a.status === "failed")).length;
      console.log(r.numPassedTests, r.numFailedTests + suiteFailures);' "$results")
    passed=$((passed + ${counts% *})); failed=$((failed + ${counts#* }))
  else
    echo "jest wrote no results" >&2; failed=$((failed + 1))
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
