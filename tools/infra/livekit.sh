# Infra part "livekit": LiveKit server v1.13.5, the peer SFU the load client compares us with
# (tools/loadclient, issue 18). Built once from the Go module proxy into the cache, by version
# (see RECIPES.md: newer versions need dependencies the proxy refuses). Nothing runs in the
# background: each test or bench starts its own server on loopback with a generated config.
# Sourced by tools/lib/infra.sh: defines functions only.

LIVEKIT_VERSION=v1.13.5
LIVEKIT_DIR="$ONAIR_CACHE/livekit-server-$LIVEKIT_VERSION"
LIVEKIT_BIN="$LIVEKIT_DIR/livekit-server"
LIVEKIT_LOG="$ONAIR_STATE/logs/livekit-build.log"

livekit_up() {
  if [ ! -x "$LIVEKIT_BIN" ]; then
    command -v go >/dev/null || fail livekit "go is not installed (needed to build livekit-server $LIVEKIT_VERSION)"
    find "$ONAIR_CACHE" -maxdepth 1 -name ".livekit-server-$LIVEKIT_VERSION.*" -mmin +180 -exec rm -rf {} + 2>/dev/null || true
    # Built in a temporary folder and renamed into place, so a killed build leaves nothing half done.
    local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.livekit-server-$LIVEKIT_VERSION.XXXX")
    mkdir -p "$(dirname "$LIVEKIT_LOG")" && : >"$LIVEKIT_LOG"
    run_logged "$LIVEKIT_LOG" "go install livekit-server $LIVEKIT_VERSION (about 2 min on idle cores)" \
      env CGO_ENABLED=0 GOBIN="$tmp" go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION" \
      || { rm -rf "$tmp"; fail livekit "go install of livekit-server $LIVEKIT_VERSION failed" "$LIVEKIT_LOG"; }
    mv "$tmp/server" "$tmp/livekit-server" && chmod 755 "$tmp"
    "$tmp/livekit-server" --version >>"$LIVEKIT_LOG" 2>&1 || { rm -rf "$tmp"; fail livekit "the built livekit-server does not run" "$LIVEKIT_LOG"; }
    mv -T "$tmp" "$LIVEKIT_DIR" 2>/dev/null || rm -rf "$tmp"   # a concurrent run that won the race is kept
  fi
  env_set ONAIR_LIVEKIT_BIN "$LIVEKIT_BIN"
}

livekit_down() { :; }

livekit_status() {
  local v; v=$("$LIVEKIT_BIN" --version 2>/dev/null | awk '{print $NF}')
  echo "livekit-server ${v:-missing} (started per test, not here)"
  [ -n "$v" ]
}

livekit_logs() { echo "$LIVEKIT_LOG"; }
