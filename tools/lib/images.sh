# tools/onair images [build|push <registry>] [service...]: one OCI image per service, built
# without Docker (RECIPES.md, "Container images without Docker"): a Debian 12 base layer
# (mmdebstrap, runtime libraries only, no shell), a Node 24 layer (the binary tools/lib/node.sh
# downloads) and an app layer (tools/images/stage-app.mjs), assembled with umoci into one OCI
# layout at .onair/images/oci, tagged by service. Reproducible: every layer is a sorted tar with
# fixed owners and mtimes and the config has a fixed creation time (the app layer's and the
# config's: SOURCE_DATE_EPOCH, the last commit's time unless set; the base and Node layers' a
# constant, so they stay the same blobs from commit to commit), so the same inputs give the same
# digest.
# sfu-worker's base adds the mediasoup worker's libraries and Debian's ffmpeg; web is the edge's
# server with the client's build at /srv/web (deploy/helm/web).

IMAGES_DIR="$ONAIR_STATE/images"
IMAGES_LAYOUT="$IMAGES_DIR/oci"
IMAGES_CACHE="$ONAIR_CACHE/images"
IMAGES_LOG="$ONAIR_STATE/logs/images.log"
IMAGES_REGISTRY_VERSION=v3.1.2
IMAGES_REGISTRY_BIN="$ONAIR_CACHE/registry-$IMAGES_REGISTRY_VERSION/registry"
IMAGES_MIRROR=${IMAGES_MIRROR:-http://deb.debian.org/debian}
IMAGES_LAYERS_EPOCH=1767225600   # 2026-01-01: mtimes in the base and Node layers

# name:port. The ports are the charts' containerPort (deploy/helm/<name>/values.yaml).
IMAGES_SERVICES=(identity:7101 social-graph:7102 stream-sessions:7103 sfu-worker:7104 chat:7105
  discovery:7106 notifications:7107 ops:7108 edge:8080 web:8080)

# What every service's process needs from Debian: libc, libstdc++ (Node), CA certificates, zones.
IMAGES_BASE_PKGS=(base-files base-passwd netbase tzdata libc6 libgcc-s1 libstdc++6 ca-certificates)
# The mediasoup worker's libraries (ldd of the cached worker) and ffmpeg for recordings.
IMAGES_MEDIA_PKGS=(libuv1 libssl3 libusrsctp2 libabsl20220623 ffmpeg)

images_provision() {
  apt_ensure mmdebstrap umoci skopeo runc
  ensure_node
}

# The CNCF registry, for pushing to a local registry in tests (go install, cached by version).
images_registry_bin() {
  if [ ! -x "$IMAGES_REGISTRY_BIN" ]; then
    command -v go >/dev/null || fail images "go is not installed (needed to build the registry)"
    local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.registry.XXXX")
    run_logged "$IMAGES_LOG" "go install distribution registry $IMAGES_REGISTRY_VERSION (about 1 min)" \
      env CGO_ENABLED=0 GOBIN="$tmp" go install "github.com/distribution/distribution/v3/cmd/registry@$IMAGES_REGISTRY_VERSION" \
      || { rm -rf "$tmp"; fail images "go install of the registry failed" "$IMAGES_LOG"; }
    rm -rf "$(dirname "$IMAGES_REGISTRY_BIN")" && mv "$tmp" "$(dirname "$IMAGES_REGISTRY_BIN")"
  fi
  echo "$IMAGES_REGISTRY_BIN"
}

_img_epoch() {
  [ -n "${SOURCE_DATE_EPOCH:-}" ] && { echo "$SOURCE_DATE_EPOCH"; return; }
  git -C "$ONAIR_ROOT" log -1 --format=%ct 2>/dev/null || echo 0
}

# _img_tar <dir> <out.tar>: a reproducible tar of dir's content (paths relative to /).
_img_tar() {
  tar -C "$1" --sort=name --mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner --format=gnu -cf "$2" .
}

# _img_rootfs <name> <pkg...>: the Debian layer's tar, cached by package list, hook and epoch.
_img_rootfs() {
  local name=$1; shift
  local key; key=$( { echo "$*" "$IMAGES_LAYERS_EPOCH" "$IMAGES_MIRROR"; cat "$ONAIR_ROOT/tools/images/base-hook.sh"; } | sha256sum | cut -c1-16)
  local out="$IMAGES_CACHE/$name-$key.tar"
  if [ ! -f "$out" ]; then
    mkdir -p "$IMAGES_CACHE"
    local tmp="$IMAGES_CACHE/.$name.$$.tar"   # mmdebstrap picks the format by the extension
    run_logged "$IMAGES_LOG" "mmdebstrap $name layer ($*)" \
      env SOURCE_DATE_EPOCH="$IMAGES_LAYERS_EPOCH" mmdebstrap --variant=extract --include="$(IFS=,; echo "$*")" \
      --skip=output/dev --extract-hook="sh $ONAIR_ROOT/tools/images/base-hook.sh \"\$1\"" \
      bookworm "$tmp" "$IMAGES_MIRROR" || { rm -f "$tmp"; fail images "mmdebstrap of the $name layer failed" "$IMAGES_LOG"; }
    # One cached tar per layer: an older package list's is of no further use.
    find "$IMAGES_CACHE" -maxdepth 1 -name "$name-????????????????.tar" -delete
    mv "$tmp" "$out"
  fi
  echo "$out"
}

# The Node 24 binary alone at /usr/local/bin/node (npm and headers are of no use at run time).
_img_node_layer() {
  local node; node=$(command -v node)
  local out="$IMAGES_CACHE/node-$("$node" -v).tar"
  if [ ! -f "$out" ]; then
    local d; d=$(mktemp -d "$IMAGES_DIR/.node.XXXX")
    install -D -m 755 "$node" "$d/usr/local/bin/node"
    find "$IMAGES_CACHE" -maxdepth 1 -name 'node-*.tar' -delete
    EPOCH=$IMAGES_LAYERS_EPOCH _img_tar "$d" "$out.tmp.$$" && mv "$out.tmp.$$" "$out"
    rm -rf "$d"
  fi
  echo "$out"
}

# _img_app_layer <name> <out.tar>: /app (the service as stage-app.mjs lays it out); for web,
# the edge's server plus services/web/dist at /srv/web.
_img_app_layer() {
  local name=$1 out=$2 svc=$1 d
  [ "$name" = web ] && svc=edge
  d=$(mktemp -d "$IMAGES_DIR/.app.XXXX")
  node "$ONAIR_ROOT/tools/images/stage-app.mjs" "$svc" "$d/app" >>"$IMAGES_LOG" 2>&1 \
    || { rm -rf "$d"; fail images "$name: staging the app layer failed" "$IMAGES_LOG"; }
  if [ "$name" = web ]; then
    [ -f "$ONAIR_ROOT/services/web/dist/index.html" ] || { rm -rf "$d"; fail images "web: services/web is not built (run tools/onair build)"; }
    mkdir -p "$d/srv" && cp -r "$ONAIR_ROOT/services/web/dist" "$d/srv/web"
  fi
  if [ "$name" = sfu-worker ]; then
    # The worker tools/onair builds against Debian's libraries (tools/infra/mediasoup.sh), which
    # the media base layer carries; `npm install` put the same file into node_modules.
    [ -x "$MEDIASOUP_WORKER_PATH" ] || { rm -rf "$d"; fail images "sfu-worker: no mediasoup worker (run tools/onair infra up mediasoup)"; }
    install -D -m 755 "$MEDIASOUP_WORKER_PATH" "$d/app/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
  fi
  chmod -R u=rwX,go=rX "$d"
  _img_tar "$d" "$out"
  rm -rf "$d"
}

# _img_build <name> <port>: (re)tags <name> in the layout and prints its digest and size.
_img_build() {
  local name=$1 port=$2 svc=$1 base
  [ "$name" = web ] && svc=edge
  if [ "$name" = sfu-worker ]; then
    base=$(_img_rootfs base-media "${IMAGES_BASE_PKGS[@]}" "${IMAGES_MEDIA_PKGS[@]}")
  else
    base=$(_img_rootfs base "${IMAGES_BASE_PKGS[@]}")
  fi
  local nodel app="$IMAGES_DIR/app-$name.tar"
  nodel=$(_img_node_layer)
  _img_app_layer "$name" "$app"
  local ref="$IMAGES_LAYOUT:$name" created
  created=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)
  local env=(--config.env=PATH=/usr/local/bin:/usr/bin:/bin --config.env=NODE_ENV=production
    --config.env=HTTP_HOST=0.0.0.0 --config.env="HTTP_PORT=$port")
  [ "$name" = web ] && env+=(--config.env=EDGE_WEB_ROOT=/srv/web)
  # The edge's own image serves no client (the web image does): an empty root means none.
  [ "$name" = edge ] && env+=(--config.env=EDGE_WEB_ROOT=)
  # The base and Node layers are compressed once into a tag of their own (named by their
  # tars), which each image starts from: the blobs, and so the digests, are the same either way.
  local below; below="layers-$(basename "$base" .tar)-$(basename "$nodel" .tar)"
  if ! _img_describe "$below" >/dev/null 2>&1; then
    umoci new --image "$IMAGES_LAYOUT:$below" >>"$IMAGES_LOG" 2>&1 || fail images "$name: umoci new failed" "$IMAGES_LOG"
    local l
    for l in "$base" "$nodel"; do
      umoci raw add-layer --no-history --image "$IMAGES_LAYOUT:$below" "$l" >>"$IMAGES_LOG" 2>&1 \
        || fail images "$name: umoci raw add-layer $(basename "$l") failed" "$IMAGES_LOG"
    done
  fi
  umoci rm --image "$ref" >/dev/null 2>&1 || true
  umoci tag --image "$IMAGES_LAYOUT:$below" "$name" >>"$IMAGES_LOG" 2>&1 || fail images "$name: umoci tag failed" "$IMAGES_LOG"
  umoci raw add-layer --no-history --image "$ref" "$app" >>"$IMAGES_LOG" 2>&1 \
    || fail images "$name: umoci raw add-layer (app) failed" "$IMAGES_LOG"
  umoci config --no-history --image "$ref" --created="$created" --author=OnAir \
    --architecture=amd64 --os=linux --config.user=10001:10001 --config.workingdir=/app \
    --config.entrypoint=/usr/local/bin/node --config.entrypoint=--disable-warning=TimeoutNegativeWarning \
    --config.entrypoint="services/$svc/dist/src/main.js" --config.exposedports="$port/tcp" "${env[@]}" \
    --config.label=org.opencontainers.image.title="onair-$name" >>"$IMAGES_LOG" 2>&1 \
    || fail images "$name: umoci config failed" "$IMAGES_LOG"
  rm -f "$app"
  local digest size
  read -r _ digest size < <(_img_describe "$name")
  ok "onair/$name  $digest  $(numfmt --to=iec "$size") compressed"
}

# "<name> <manifest digest> <compressed size>" of a tag in the layout.
_img_describe() {
  python3 - "$IMAGES_LAYOUT" "$1" <<'PY'
import json, sys, os
layout, tag = sys.argv[1], sys.argv[2]
index = json.load(open(os.path.join(layout, 'index.json')))
m = next(m for m in index['manifests'] if m.get('annotations', {}).get('org.opencontainers.image.ref.name') == tag)
blob = lambda d: os.path.join(layout, 'blobs', *d.split(':'))
manifest = json.load(open(blob(m['digest'])))
size = m['size'] + manifest['config']['size'] + sum(l['size'] for l in manifest['layers'])
print(tag, m['digest'], size)
PY
}

# _img_names [service...]: name:port of the named services, all when none is named.
_img_names() {
  local s n want
  for s in "${IMAGES_SERVICES[@]}"; do
    n=${s%%:*}
    if [ $# -eq 0 ]; then echo "$s"; continue; fi
    for want in "$@"; do [ "$want" = "$n" ] && echo "$s"; done
  done
  return 0
}

images_build() {
  images_provision
  mkdir -p "$IMAGES_DIR" "$(dirname "$IMAGES_LOG")"
  EPOCH=$(_img_epoch)
  local s names; names=$(_img_names "$@")
  [ -n "$names" ] || { echo "unknown service: $* (services: ${IMAGES_SERVICES[*]%%:*})" >&2; exit 2; }
  [ -d "$IMAGES_LAYOUT" ] || umoci init --layout "$IMAGES_LAYOUT" >>"$IMAGES_LOG" 2>&1 || fail images "umoci init failed" "$IMAGES_LOG"
  local name port
  for s in $names; do
    IFS=: read -r name port <<<"$s"
    _img_build "$name" "$port"
  done
  # Tags of base and Node layers no cached tar matches any more (an older Node or package list).
  local t
  for t in $(umoci ls --layout "$IMAGES_LAYOUT" | grep '^layers-'); do
    [ -f "$IMAGES_CACHE/$(sed -E 's/^layers-(.*)-(node-v[^-]+)$/\1/' <<<"$t").tar" ] && [ -f "$IMAGES_CACHE/node-${t##*-node-}.tar" ] \
      || umoci rm --image "$IMAGES_LAYOUT:$t" >>"$IMAGES_LOG" 2>&1
  done
  umoci gc --layout "$IMAGES_LAYOUT" >>"$IMAGES_LOG" 2>&1 || fail images "umoci gc failed" "$IMAGES_LOG"
}

# images_push <registry> [service...]: copies the built tags to <registry>/onair/<name>:<tag>
# (tag: ONAIR_IMAGE_TAG, else 0.0.0-<commit>). IMAGES_TLS_VERIFY=false for a plain-HTTP registry.
images_push() {
  local registry=${1:?usage: tools/onair images push <registry> [service...]}; shift
  images_provision
  local tag=${ONAIR_IMAGE_TAG:-0.0.0-$(git -C "$ONAIR_ROOT" rev-parse --short HEAD)} s name
  for s in $(_img_names "$@"); do
    name=${s%%:*}
    _img_describe "$name" >/dev/null 2>&1 || fail images "$name: no image built (run tools/onair images build $name)"
    skopeo copy --quiet --dest-tls-verify="${IMAGES_TLS_VERIFY:-true}" "oci:$IMAGES_LAYOUT:$name" \
      "docker://$registry/onair/$name:$tag" >>"$IMAGES_LOG" 2>&1 || fail images "push of $name failed" "$IMAGES_LOG"
    ok "pushed $registry/onair/$name:$tag"
  done
}

images_cmd() {
  local sub=${1:-build}; shift || true
  case "$sub" in
    build) images_build "$@" ;;
    push)  images_push "$@" ;;
    *) echo "usage: tools/onair images [build|push <registry>] [service...]" >&2; exit 2 ;;
  esac
}
