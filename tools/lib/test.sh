# tools/onair test: everything a change must pass, ending with one line "N passed, N failed".
# Counts every jest test plus the workspace checks (setup+build, lint) as one test each.
source "$ONAIR_ROOT/tools/lib/helm-tools.sh"
source "$ONAIR_ROOT/tools/lib/kube-tools.sh"

run_all_tests() {
  local passed=0 failed=0
  ensure_node # here, not in the subshell below: jest must run on Node 24 too
  # On an empty cache the control plane's binaries compile for ~10 min and the chart tools for
  # ~9: start both now, beside the downloads and the other builds, rather than after them.
  # ensure_helm_tools and ensure_kube_tools then find them built.
  local kube_log="$ONAIR_STATE/logs/kube-tools.log" helm_log="$ONAIR_STATE/logs/helm-tools.log" kube_build helm_build
  mkdir -p "$ONAIR_STATE/logs"
  ( build_kube_tools ) >"$kube_log" 2>&1 &
  kube_build=$!
  ( build_helm_tools ) >"$helm_log" 2>&1 &
  helm_build=$!
  if ( workspace_install && infra_cmd up && workspace_build ) &&
    _built_in_background "$helm_build" "the chart tools" "$helm_log" && ( ensure_helm_tools ) &&
    _built_in_background "$kube_build" "the Kubernetes control plane" "$kube_log" && ( ensure_kube_tools ); then
    passed=$((passed + 1))
  else
    kill "$kube_build" "$helm_build" 2>/dev/null
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

  step "go test: tools/loadclient"
  local go_log="$ONAIR_STATE/logs/go-test.log" go_counts
  go_counts=$(cd "$ONAIR_ROOT/tools/loadclient" && CGO_ENABLED=0 go test -count=1 -json ./... 2>"$go_log.stderr" | tee "$go_log" | node -e '
    // One count per test; a package that failed with no failing test (it did not build: Go 1.24+
    // reports that in JSON too) counts once.
    const [pass, failed, pkgFailed] = [{ n: 0 }, new Map(), new Set()];
    for (const line of require("fs").readFileSync(0, "utf8").split("\n")) {
      let e;
      try { e = JSON.parse(line); } catch { continue; }
      if (e.Test && e.Action === "pass") pass.n++;
      if (e.Test && e.Action === "fail") failed.set(e.Package, (failed.get(e.Package) ?? 0) + 1);
      if (!e.Test && e.Action === "fail" && !failed.has(e.Package)) pkgFailed.add(e.Package);
    }
    console.log(pass.n, [...failed.values()].reduce((a, b) => a + b, 0) + pkgFailed.size);')
  go_counts=${go_counts:-0 1}
  passed=$((passed + ${go_counts% *})); failed=$((failed + ${go_counts#* }))
  if [ "${go_counts#* }" -eq 0 ]; then ok "go test: ${go_counts% *} passed"; else echo "go test FAILED (log: $go_log)" >&2; tail -n 30 "$go_log.stderr" >&2; fi

  step "jest: every project's unit and integration tests"
  local results="$ONAIR_STATE/jest-results.json" e2e_results="$ONAIR_STATE/jest-results-e2e.json"
  rm -f "$results" "$e2e_results"
  # The end-to-end suites (*.e2e.int-spec.ts: a whole platform of processes and Chromium pages
  # each) run after the others, one at a time: beside the other suites on 2 cores their pages'
  # steps and the SFU nodes' load reports slowed 10-20x and timed out.
  # The caller's arguments go first: jest's array options would swallow the paths after them.
  _run_jest "$@" --maxWorkers=2 --passWithNoTests --outputFile="$results" --testPathIgnorePatterns=/node_modules/ --testPathIgnorePatterns='\.e2e\.int-spec\.ts$'
  step "jest: the end-to-end suites, one at a time"
  _run_jest "$@" --runInBand --passWithNoTests --outputFile="$e2e_results" --testPathIgnorePatterns=/node_modules/ --testPathIgnorePatterns='^(?!.*\.e2e\.int-spec\.ts$)'
  local file counts
  for file in "$results" "$e2e_results"; do
    if [ -f "$file" ]; then
      counts=$(node -e '
        const r = require(process.argv[1]);
        // A suite can fail outside its tests (it did not load, a hook threw): count it once.
        const suiteFailures = r.testResults.filter((s) => s.status === "failed" && !s.assertionResults.some((a) => a.status === "failed")).length;
        console.log(r.numPassedTests, r.numFailedTests + suiteFailures);' "$file")
      passed=$((passed + ${counts% *})); failed=$((failed + ${counts#* }))
    else
      echo "jest wrote no results ($file)" >&2; failed=$((failed + 1))
    fi
  done
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# _built_in_background <pid> <what> <log>: waits for a background build; says where its log is if it failed.
_built_in_background() {
  wait "$1" && return 0
  echo "building $2 failed (log: $3)" >&2
  tail -n 20 "$3" >&2
  return 1
}

# One jest run over every project (jest.config.js); its own summary is printed, its counts are
# read from --outputFile.
_run_jest() {
  # --experimental-vm-modules lets jest require() ESM-only packages (NestJS 12) on Node 24.
  (cd "$ONAIR_ROOT" && NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning" \
    npx jest --ci --json "$@") || true
}
