# Node packages and the TypeScript build. Sourced by tools/onair.
export NX_DAEMON=false NX_NO_CLOUD=true KAFKAJS_NO_PARTITIONER_WARNING=1

# Installs from package-lock.json when it (or the Node version) changed since the last install.
# `npm install`, not `npm ci`: npm 11.19 leaves other platforms' optional binaries (buf, swc)
# out of the lock file it writes and then `npm ci` refuses that same lock file.
workspace_install() {
  ensure_node
  # mediasoup's postinstall would download a worker from GitHub (unreachable); with
  # MEDIASOUP_WORKER_BIN set it uses the one built from source and cached.
  mediasoup_up
  export MEDIASOUP_WORKER_BIN="$MEDIASOUP_WORKER_PATH"
  local stamp="$ONAIR_ROOT/node_modules/.onair-install" want
  want="$(node -v) $(cat "$ONAIR_ROOT/package-lock.json" "$ONAIR_ROOT"/package.json "$ONAIR_ROOT"/{libs,services}/*/package.json | sha256sum | cut -c1-64)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    (cd "$ONAIR_ROOT" && run_logged "$ONAIR_STATE/logs/npm-install.log" "npm install" npm install --no-audit --no-fund) \
      || fail npm "npm install failed" "$ONAIR_STATE/logs/npm-install.log"
    echo "$want" >"$stamp"
  fi
  # Where mediasoup's Node side looks for its worker when MEDIASOUP_WORKER_BIN is unset.
  local target="$ONAIR_ROOT/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
  if ! cmp -s "$MEDIASOUP_WORKER_PATH" "$target"; then
    mkdir -p "$(dirname "$target")" && cp "$MEDIASOUP_WORKER_PATH" "$target.tmp" && mv "$target.tmp" "$target"
  fi
}

# Contracts codegen (buf), then every project's build and typecheck through Nx, the web client's
# Vite build (services/web/dist, which the edge serves) among them. `nx sync` first keeps
# TypeScript project references in step with the imports (a no-op when they already are).
workspace_build() {
  (cd "$ONAIR_ROOT" && npx nx sync >>"$ONAIR_STATE/logs/build.log" 2>&1 && run_logged "$ONAIR_STATE/logs/build.log" "nx run-many -t build typecheck" \
    npx nx run-many -t build typecheck --output-style=static) \
    || fail build "TypeScript build failed" "$ONAIR_STATE/logs/build.log"
}
