# Infra part "mediasoup": the mediasoup 3.12.16 C++ worker, built once from the npm tarball against
# Debian's own libraries, with OnAir's patches applied, and cached by version and patches (see
# RECIPES.md, "mediasoup worker").
# Why build it ourselves: the npm postinstall fetches a prebuilt binary from GitHub, then meson
# subprojects from GitHub and wrapdb; none of those hosts is reachable here.
# Why 3.12.16 exactly: the last release before flatbuffers and the libsrtp3 fork; the Node side of
# any other version cannot talk to this worker, so package.json pins the same version.
# Sourced by tools/lib/infra.sh: defines functions only.

MEDIASOUP_VERSION=3.12.16
# OnAir's changes to the worker's sources (tools/infra/mediasoup-patches/*.patch, applied in name
# order); the cached worker is named after their hash, so changing one builds a new worker.
MEDIASOUP_PATCHES=("$ONAIR_ROOT"/tools/infra/mediasoup-patches/*.patch)
MEDIASOUP_PATCH_ID=$(cat "${MEDIASOUP_PATCHES[@]}" | sha256sum | cut -c1-12)
MEDIASOUP_WORKER_DIR="$ONAIR_CACHE/mediasoup-worker-$MEDIASOUP_VERSION-$MEDIASOUP_PATCH_ID"
MEDIASOUP_WORKER_PATH="$MEDIASOUP_WORKER_DIR/mediasoup-worker"
MEDIASOUP_BUILD_DIR="$ONAIR_CACHE/build/mediasoup-$MEDIASOUP_VERSION"   # scratch, wiped per build
MEDIASOUP_DOWNLOADS="$ONAIR_CACHE/downloads"
MEDIASOUP_LOG="$ONAIR_STATE/logs/mediasoup-build.log"

# libsrtp is built for real from Debian's orig tarball (byte-identical to upstream v2.5.0, the
# hash below is the one in mediasoup's libsrtp2.wrap). Debian's libsrtp2.so is built without
# OpenSSL, so it lacks AES-GCM, which Chromium negotiates (SRTP_AEAD_AES_256_GCM).
MEDIASOUP_LIBSRTP_VERSION=2.5.0
MEDIASOUP_LIBSRTP_SHA256=8a43ef8e9ae2b665292591af62aa1a4ae41e468b6d98d8258f91478735da4e09

# Build-time packages. meson comes separately (backports). The -dev packages also pull in the
# runtime libraries the worker links to (libuv1, libssl3, libusrsctp2, libabsl20220623).
MEDIASOUP_BUILD_DEPS=(build-essential patch pkg-config python3 libuv1-dev libssl-dev libusrsctp-dev
  libabsl-dev nlohmann-json3-dev ninja-build)

# True when the file is an executable whose shared libraries all resolve.
_ms_runnable() {
  [ -x "$1" ] || return 1
  local out; out=$(ldd "$1" 2>&1) || return 1
  ! grep -q 'not found' <<<"$out"
}

# mediasoup's meson.build says meson_version >= 1.1.0; bookworm ships 1.0.1, backports 1.7.
_ms_ensure_meson() {
  ensure_apt_extra_sources
  local v; v=$(dpkg-query -W -f='${Version}' meson 2>/dev/null || true)
  if [ -z "$v" ]; then
    apt_ensure -t bookworm-backports meson
  elif dpkg --compare-versions "$v" lt 1.1; then
    # apt_ensure skips installed packages, so an old meson has to be upgraded explicitly.
    apt_update_once
    run_logged "$ONAIR_STATE/logs/apt.log" "apt-get install -t bookworm-backports meson (have $v)" \
      env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y \
      --no-install-recommends -t bookworm-backports meson \
      || fail mediasoup "could not upgrade meson to bookworm-backports" "$ONAIR_STATE/logs/apt.log"
  fi
}

# Downloads are cached by version outside the scratch folder, each written under a temporary
# name and renamed, so a killed download is never mistaken for a complete one.
_ms_fetch_sources() {
  mkdir -p "$MEDIASOUP_DOWNLOADS"
  local tgz="$MEDIASOUP_DOWNLOADS/mediasoup-$MEDIASOUP_VERSION.tgz"
  local srtp="$MEDIASOUP_DOWNLOADS/libsrtp-$MEDIASOUP_LIBSRTP_VERSION.tar.gz"
  local tmp
  if [ ! -f "$tgz" ]; then
    tmp=$(mktemp -d "$MEDIASOUP_DOWNLOADS/.mediasoup.XXXX")
    step "npm pack mediasoup@$MEDIASOUP_VERSION"
    (cd "$tmp" && npm pack "mediasoup@$MEDIASOUP_VERSION") >>"$MEDIASOUP_LOG" 2>&1 \
      || fail mediasoup "npm pack mediasoup@$MEDIASOUP_VERSION failed" "$MEDIASOUP_LOG"
    mv "$tmp/mediasoup-$MEDIASOUP_VERSION.tgz" "$tgz" || fail mediasoup "npm pack wrote no tarball" "$MEDIASOUP_LOG"
    rm -rf "$tmp"
  fi
  if ! echo "$MEDIASOUP_LIBSRTP_SHA256  $srtp" | sha256sum -c --status 2>/dev/null; then
    # Needs the deb-src entry from ensure_apt_extra_sources and a fresh index.
    apt_update_once
    # Under /root apt warns "Download is performed unsandboxed as root": harmless, the hash
    # check below is what vouches for the file.
    tmp=$(mktemp -d "$MEDIASOUP_DOWNLOADS/.libsrtp.XXXX")
    step "apt-get source --download-only libsrtp2"
    (cd "$tmp" && apt-get source --download-only libsrtp2) >>"$MEDIASOUP_LOG" 2>&1 \
      || fail mediasoup "apt-get source libsrtp2 failed" "$MEDIASOUP_LOG"
    local orig="$tmp/libsrtp2_${MEDIASOUP_LIBSRTP_VERSION}.orig.tar.gz"
    [ -f "$orig" ] || fail mediasoup "Debian no longer ships libsrtp2 $MEDIASOUP_LIBSRTP_VERSION: got $(ls "$tmp" | tr '\n' ' ')" "$MEDIASOUP_LOG"
    echo "$MEDIASOUP_LIBSRTP_SHA256  $orig" | sha256sum -c --status \
      || fail mediasoup "libsrtp2 orig tarball sha256 mismatch (want $MEDIASOUP_LIBSRTP_SHA256)" "$MEDIASOUP_LOG"
    mv "$orig" "$srtp" || fail mediasoup "cannot store $srtp" "$MEDIASOUP_LOG"
    rm -rf "$tmp"
  fi
}

# _ms_wrap_dir <subprojects> <wrap>: the folder meson looks in for that subproject. When the
# folder exists, meson uses it and downloads nothing.
_ms_wrap_dir() {
  local d; d=$(sed -n 's/^directory *= *//p' "$1/$2.wrap")
  [ -n "$d" ] || fail mediasoup "no directory= line in $1/$2.wrap" "$MEDIASOUP_LOG"
  echo "$1/$d"
}

# Each stub project exposes the variables mediasoup's meson.build reads, backed by Debian's
# libraries through pkg-config. The *_lib variables only feed link_whole of the unbuilt
# libmediasoup-worker target, so a one-function static library is enough.
_ms_write_stubs() {
  local sp=$1 d
  d=$(_ms_wrap_dir "$sp" openssl) || exit 1
  mkdir -p "$d" && echo 'void ms_stub(void) {}' >"$d/stub.c"
  cat >"$d/meson.build" <<'EOF'
project('openssl', 'c')
openssl_dep = dependency('openssl')
libcrypto_dep = dependency('libcrypto')
libssl_dep = dependency('libssl')
libcrypto_lib = static_library('crypto_stub', 'stub.c')
libssl_lib = static_library('ssl_stub', 'stub.c')
EOF

  d=$(_ms_wrap_dir "$sp" libuv) || exit 1
  mkdir -p "$d" && echo 'void ms_stub(void) {}' >"$d/stub.c"
  cat >"$d/meson.build" <<'EOF'
project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = static_library('uv_stub', 'stub.c')
EOF
  # mediasoup passes these options to the subproject; meson rejects unknown ones.
  cat >"$d/meson_options.txt" <<'EOF'
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
EOF

  d=$(_ms_wrap_dir "$sp" usrsctp) || exit 1
  mkdir -p "$d" && echo 'void ms_stub(void) {}' >"$d/stub.c"
  cat >"$d/meson.build" <<'EOF'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('usrsctp_stub', 'stub.c')
EOF
  cat >"$d/meson_options.txt" <<'EOF'
option('sctp_build_programs', type: 'boolean', value: false)
EOF

  # absl_strings_dep and absl_types_dep are read by deps/libwebrtc/meson.build.
  d=$(_ms_wrap_dir "$sp" abseil-cpp) || exit 1
  mkdir -p "$d" && echo 'void ms_stub(void) {}' >"$d/stub.c"
  cat >"$d/meson.build" <<'EOF'
project('abseil-cpp', ['c', 'cpp'])
_container = []
foreach n : ['absl_flat_hash_map', 'absl_flat_hash_set', 'absl_node_hash_map',
             'absl_node_hash_set', 'absl_btree', 'absl_inlined_vector', 'absl_fixed_array',
             'absl_memory']
  _container += dependency(n)
endforeach
absl_container_dep = declare_dependency(dependencies: _container)
absl_strings_dep = declare_dependency(
  dependencies: [dependency('absl_strings'), dependency('absl_str_format')])
absl_types_dep = declare_dependency(
  dependencies: [dependency('absl_optional'), dependency('absl_variant'),
                 dependency('absl_span'), dependency('absl_any')])
absl_container_lib = static_library('absl_container_stub', 'stub.c')
EOF

  # Debian's 3.11.2 headers compile where mediasoup asks for 3.10.5.
  d=$(_ms_wrap_dir "$sp" nlohmann_json) || exit 1
  mkdir -p "$d"
  cat >"$d/meson.build" <<'EOF'
project('nlohmann_json', 'cpp')
nlohmann_json_dep = dependency('nlohmann_json')
EOF

  # Only the unbuilt test targets use Catch2; wingetopt is Windows-only and needs nothing.
  d=$(_ms_wrap_dir "$sp" catch2) || exit 1
  mkdir -p "$d"
  cat >"$d/meson.build" <<'EOF'
project('catch2', 'cpp')
catch2_dep = declare_dependency()
EOF
}

_ms_build() {
  # A scratch folder left by a killed run is of unknown state: always start from nothing.
  rm -rf "$MEDIASOUP_BUILD_DIR"
  mkdir -p "$MEDIASOUP_BUILD_DIR" "$(dirname "$MEDIASOUP_LOG")"
  : >"$MEDIASOUP_LOG"
  _ms_fetch_sources
  tar xzf "$MEDIASOUP_DOWNLOADS/mediasoup-$MEDIASOUP_VERSION.tgz" -C "$MEDIASOUP_BUILD_DIR" \
    || fail mediasoup "cannot unpack the npm tarball" "$MEDIASOUP_LOG"
  local w="$MEDIASOUP_BUILD_DIR/package/worker" p
  for p in "${MEDIASOUP_PATCHES[@]}"; do
    patch -d "$MEDIASOUP_BUILD_DIR/package" -p1 --forward --batch <"$p" >>"$MEDIASOUP_LOG" 2>&1 \
      || fail mediasoup "cannot apply $(basename "$p") to mediasoup $MEDIASOUP_VERSION" "$MEDIASOUP_LOG"
  done
  local out="$w/out/Release/build"
  _ms_write_stubs "$w/subprojects"
  # meson looks for <source_filename> of libsrtp2.wrap here and checks its source_hash.
  mkdir -p "$w/subprojects/packagecache"
  cp "$MEDIASOUP_DOWNLOADS/libsrtp-$MEDIASOUP_LIBSRTP_VERSION.tar.gz" \
    "$w/subprojects/packagecache/libsrtp-$MEDIASOUP_LIBSRTP_VERSION.tar.gz"

  # The options mediasoup's own Makefile uses for a Release build. nodownload: if a subproject
  # were missing, fail at once instead of retrying unreachable hosts.
  run_logged "$MEDIASOUP_LOG" "meson setup (mediasoup worker $MEDIASOUP_VERSION)" \
    meson setup --buildtype release -Db_ndebug=true -Db_pie=true -Db_staticpic=true \
    --wrap-mode=nodownload "$out" "$w" \
    || fail mediasoup "meson setup failed" "$MEDIASOUP_LOG"
  run_logged "$MEDIASOUP_LOG" "compiling mediasoup-worker (3-8 min)" \
    meson compile -C "$out" -j "$(nproc)" mediasoup-worker \
    || fail mediasoup "compile failed" "$MEDIASOUP_LOG"

  local built="$out/mediasoup-worker"
  _ms_runnable "$built" || fail mediasoup "built worker is missing or its libraries do not resolve" "$MEDIASOUP_LOG"
  if ldd "$built" | grep -q libsrtp; then
    fail mediasoup "worker linked to the system libsrtp2 (no AES-GCM) instead of the bundled one" "$MEDIASOUP_LOG"
  fi

  # Copy under a temporary name in the destination folder, then rename: the rename is atomic,
  # so the cached path holds either nothing or a complete binary, never a partial copy.
  mkdir -p "$MEDIASOUP_WORKER_DIR"
  local tmp="$MEDIASOUP_WORKER_DIR/.mediasoup-worker.tmp.$$"
  cp "$built" "$tmp" && chmod 755 "$tmp" && mv -f "$tmp" "$MEDIASOUP_WORKER_PATH" \
    || fail mediasoup "cannot install the worker into $MEDIASOUP_WORKER_DIR" "$MEDIASOUP_LOG"
  rm -rf "$MEDIASOUP_BUILD_DIR"   # the objects are of no further use; the binary is all we keep
}

mediasoup_up() {
  if ! _ms_runnable "$MEDIASOUP_WORKER_PATH"; then
    # One build at a time: a second "up" waits, then finds the binary the first one made.
    mkdir -p "$ONAIR_CACHE/build"
    local lock_fd
    exec {lock_fd}>"$ONAIR_CACHE/build/mediasoup-$MEDIASOUP_VERSION.lock"
    flock -w 1800 "$lock_fd" || fail mediasoup "another build holds $ONAIR_CACHE/build/mediasoup-$MEDIASOUP_VERSION.lock"
    rm -f "$MEDIASOUP_WORKER_DIR"/.mediasoup-worker.tmp.*   # leftovers of killed copies
    # Also installs the runtime libraries, which may be all a cached binary was missing.
    apt_ensure "${MEDIASOUP_BUILD_DEPS[@]}"
    _ms_ensure_meson
    if ! _ms_runnable "$MEDIASOUP_WORKER_PATH"; then
      step "building the mediasoup $MEDIASOUP_VERSION worker (once; cached in $MEDIASOUP_WORKER_DIR)"
      _ms_build
    fi
    exec {lock_fd}>&-
  fi
  env_set MEDIASOUP_WORKER_BIN "$MEDIASOUP_WORKER_PATH"
}

# Nothing runs: the worker is a binary that mediasoup's Node side spawns.
mediasoup_down() { :; }

mediasoup_status() {
  if [ ! -f "$MEDIASOUP_WORKER_PATH" ]; then
    echo "worker not built ($MEDIASOUP_WORKER_PATH missing; run: tools/onair infra up mediasoup)"
    return 1
  fi
  local size missing
  size=$(du -h "$MEDIASOUP_WORKER_PATH" | cut -f1)
  if _ms_runnable "$MEDIASOUP_WORKER_PATH"; then
    echo "$MEDIASOUP_WORKER_PATH ($size, mediasoup $MEDIASOUP_VERSION with OnAir's patches $MEDIASOUP_PATCH_ID)"
  else
    missing=$(ldd "$MEDIASOUP_WORKER_PATH" 2>&1 | awk '/not found/{print $1}' | tr '\n' ' ')
    echo "$MEDIASOUP_WORKER_PATH ($size) cannot run: missing ${missing:-libraries}"
    return 1
  fi
}

mediasoup_logs() { echo "$MEDIASOUP_LOG"; }
