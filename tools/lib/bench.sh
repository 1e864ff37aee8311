# tools/onair bench <name> [args]: runs tools/bench/<name>.ts on Node 24. Each bench prints
# progress on stderr and one result line on stdout. A bench declares what it runs against in
# a header line `// needs: <infra parts...>` or `// needs: platform [on-demand parts...]`
# (everything, via `up`, plus parts only benches use, e.g. k6).
source "$ONAIR_ROOT/tools/lib/workspace.sh"

bench_cmd() {
  local name=${1:-} script needs
  shift || true
  script="$ONAIR_ROOT/tools/bench/$name.ts"
  if [ -z "$name" ] || [ ! -f "$script" ]; then
    echo "usage: tools/onair bench <name> [args]   (benches: $(cd "$ONAIR_ROOT/tools/bench" && ls -- *.ts | sed 's/\.ts$//' | tr '\n' ' '))" >&2
    exit 2
  fi
  needs=$(sed -n 's|^// needs: *||p' "$script" | head -n1)
  workspace_install
  if [ "${needs%% *}" = platform ]; then
    source "$ONAIR_ROOT/tools/lib/platform.sh"
    # shellcheck disable=SC2086 # a list of part names
    [ "$needs" != platform ] && { infra_cmd up ${needs#platform } || exit 1; }
    platform_up
  else
    # shellcheck disable=SC2086 # a list of part names
    [ -n "$needs" ] && infra_cmd up $needs
    # Benches drive the services' own build (nx caches what did not change).
    workspace_build
  fi
  step "bench $name $*"
  # Node 24 runs the .ts as is (type stripping); its notices about that would only be noise.
  (cd "$ONAIR_ROOT" && node --disable-warning=ExperimentalWarning --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --disable-warning=TimeoutNegativeWarning "$script" "$@")
}
