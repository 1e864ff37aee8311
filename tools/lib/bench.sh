# tools/onair bench <name>: runs tools/bench/<name>.ts on Node 24 against the local
# infrastructure. Each bench prints progress on stderr and one result line on stdout.
source "$ONAIR_ROOT/tools/lib/workspace.sh"

bench_cmd() {
  local name=${1:-} script
  script="$ONAIR_ROOT/tools/bench/$name.ts"
  if [ -z "$name" ] || [ ! -f "$script" ]; then
    echo "usage: tools/onair bench <name>   (benches: $(cd "$ONAIR_ROOT/tools/bench" && ls -- *.ts | sed 's/\.ts$//' | tr '\n' ' '))" >&2
    exit 2
  fi
  workspace_install
  infra_cmd up postgres
  # Benches drive the services' own build (nx caches what did not change).
  (cd "$ONAIR_ROOT" && run_logged "$ONAIR_STATE/logs/build.log" "nx run-many -t build" npx nx run-many -t build --output-style=static) \
    || fail build "TypeScript build failed" "$ONAIR_STATE/logs/build.log"
  step "bench $name"
  # Node 24 runs the .ts as is (type stripping); its notices about that would only be noise.
  (cd "$ONAIR_ROOT" && node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON "$script")
}
