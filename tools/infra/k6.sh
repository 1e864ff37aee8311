# Infra part "k6": Grafana k6 v1.8.1, the HTTP load generator of `tools/onair bench hls` (2,000
# virtual viewers polling the live HLS). Built once from the Go module proxy into the cache, by
# version (RECIPES.md: ~1.5 min, 70 MB). Nothing runs in the background: the bench runs it.
# Sourced by tools/lib/infra.sh: defines functions only.

K6_VERSION=v1.8.1
K6_DIR="$ONAIR_CACHE/k6-$K6_VERSION"
K6_BIN="$K6_DIR/k6"
K6_LOG="$ONAIR_STATE/logs/k6-build.log"

k6_up() {
  if [ ! -x "$K6_BIN" ]; then
    command -v go >/dev/null || fail k6 "go is not installed (needed to build k6 $K6_VERSION)"
    find "$ONAIR_CACHE" -maxdepth 1 -name ".k6-$K6_VERSION.*" -mmin +180 -exec rm -rf {} + 2>/dev/null || true
    # Built in a temporary folder and renamed into place, so a killed build leaves nothing half done.
    local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.k6-$K6_VERSION.XXXX")
    mkdir -p "$(dirname "$K6_LOG")" && : >"$K6_LOG"
    run_logged "$K6_LOG" "go install k6 $K6_VERSION (about 1.5 min on idle cores)" \
      env CGO_ENABLED=0 GOBIN="$tmp" go install "go.k6.io/k6@$K6_VERSION" \
      || { rm -rf "$tmp"; fail k6 "go install of k6 $K6_VERSION failed" "$K6_LOG"; }
    chmod 755 "$tmp"
    "$tmp/k6" version >>"$K6_LOG" 2>&1 || { rm -rf "$tmp"; fail k6 "the built k6 does not run" "$K6_LOG"; }
    mv -T "$tmp" "$K6_DIR" 2>/dev/null || rm -rf "$tmp"   # a concurrent run that won the race is kept
  fi
  env_set ONAIR_K6_BIN "$K6_BIN"
}

k6_down() { :; }

k6_status() {
  local v; v=$("$K6_BIN" version 2>/dev/null | awk '{print $2; exit}')
  echo "k6 ${v:-missing} (run by benches, not here)"
  [ -n "$v" ]
}

k6_logs() { echo "$K6_LOG"; }
