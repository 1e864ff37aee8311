# A local Kubernetes control plane for the cluster test of the Helm charts: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (fake nodes and pods), no kubelet, no Docker.
# Sourced after common.sh and helm-tools.sh (it reuses _go_tool, _helm_tools_publish and
# _helm_tools_sweep), never executed. Everything is built from the Go module proxy into
# $ONAIR_CACHE, one folder per version, assembled in a temporary folder and renamed into place.
ONAIR_ETCD_VERSION=v3.6.16
ONAIR_K8S_VERSION=v1.34.4
ONAIR_KWOK_VERSION=v0.8.0
ONAIR_KUBE_BINARIES="kube-apiserver kube-controller-manager kube-scheduler"

# _kube_module_fix_go_mod: run inside a copy of k8s.io/kubernetes. Its go.mod requires the staging
# modules at v0.0.0 and replaces them with ./staging/... folders that the module zip does not hold;
# the published k8s.io/<staging> v0.<minor>.<patch> tags carry the same code.
_kube_module_fix_go_mod() {
  local staging_version="v0.${ONAIR_K8S_VERSION#v1.}"
  go mod edit -json | python3 -c 'import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    if r["New"]["Path"].startswith("./staging/"): print(r["Old"]["Path"])' |
    while read -r old; do
      go mod edit -dropreplace "$old" -require "$old@$staging_version" || return 1
    done
}

# _kube_binaries: kube-apiserver, kube-controller-manager and kube-scheduler of $ONAIR_K8S_VERSION
# in one folder, built by one `go build` from one copy of the module (`go install` refuses the
# module: replace directives). Prints the folder.
_kube_binaries() {
  local name="kubernetes-$ONAIR_K8S_VERSION"
  local dir="$ONAIR_CACHE/$name" logf="$ONAIR_STATE/logs/kubernetes-build.log"
  if [ -f "$dir/.complete" ]; then echo "$dir"; return 0; fi
  command -v go >/dev/null || fail kubernetes "go is not installed (needed to build $name)"
  _helm_tools_sweep "$name"
  local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.$name.XXXX")
  mkdir -p "$(dirname "$logf")" && : >"$logf"
  local moddir
  moddir=$(go mod download -json "k8s.io/kubernetes@$ONAIR_K8S_VERSION" 2>>"$logf" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -n "$moddir" ] && [ -d "$moddir" ] || { rm -rf "$tmp"; fail kubernetes "go mod download k8s.io/kubernetes@$ONAIR_K8S_VERSION failed" "$logf"; }
  local src="$tmp/src"
  cp -r "$moddir" "$src" && chmod -R u+w "$src" && rm -rf "$src/vendor" "$src/go.work" "$src/go.work.sum"
  (cd "$src" && _kube_module_fix_go_mod) >>"$logf" 2>&1 || { rm -rf "$tmp"; fail kubernetes "editing go.mod failed" "$logf"; }
  # Without gitVersion the API server reports v0.0.0-master, which helm would then take as the
  # cluster's version (.Capabilities.KubeVersion, charts' kubeVersion constraints).
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$ONAIR_K8S_VERSION"
  local b pkgs=""; for b in $ONAIR_KUBE_BINARIES; do pkgs="$pkgs ./cmd/$b"; done
  # shellcheck disable=SC2086 # $pkgs is a list of package paths
  run_logged "$logf" "go build $ONAIR_KUBE_BINARIES $ONAIR_K8S_VERSION" \
    env CGO_ENABLED=0 GOWORK=off sh -c 'cd "$1" && shift && go build -v -mod=mod -ldflags "$@"' _ \
    "$src" "$ldflags" -o "$tmp/" $pkgs \
    || { rm -rf "$tmp"; fail kubernetes "build of k8s.io/kubernetes@$ONAIR_K8S_VERSION failed" "$logf"; }
  rm -rf "$src"
  for b in $ONAIR_KUBE_BINARIES; do
    "$tmp/$b" --version >>"$logf" 2>&1 || { rm -rf "$tmp"; fail kubernetes "built $b does not run" "$logf"; }
  done
  touch "$tmp/.complete"
  _helm_tools_publish "$tmp" "$dir"
  [ -f "$dir/.complete" ] || fail kubernetes "could not move the build into $dir" "$logf"
  echo "$dir"
}

# _kwok_stages: kwok's own stage files (node heartbeat, pod ready/complete/delete, ...) from the
# module's kustomize/stage/; kwok without stages leaves nodes and pods untouched. Prints the folder.
_kwok_stages() {
  local name="kwok-stages-$ONAIR_KWOK_VERSION"
  local dir="$ONAIR_CACHE/$name" logf="$ONAIR_STATE/logs/kwok-build.log"
  if [ -f "$dir/.complete" ]; then echo "$dir"; return 0; fi
  _helm_tools_sweep "$name"
  local moddir
  moddir=$(go mod download -json "sigs.k8s.io/kwok@$ONAIR_KWOK_VERSION" 2>>"$logf" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -n "$moddir" ] && [ -d "$moddir/kustomize/stage" ] || fail kwok "no kustomize/stage in sigs.k8s.io/kwok@$ONAIR_KWOK_VERSION" "$logf"
  local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.$name.XXXX")
  cp -r "$moddir/kustomize/stage/." "$tmp/" && chmod -R u+w "$tmp" && touch "$tmp/.complete"
  _helm_tools_publish "$tmp" "$dir"
  [ -f "$dir/.complete" ] || fail kwok "could not move the stages into $dir" "$logf"
  echo "$dir"
}

# build_kube_tools: builds what is missing into the cache and records nothing, so it can run in the
# background beside other steps that write .onair/env (tools/lib/test.sh).
build_kube_tools() {
  _go_tool etcd "$ONAIR_ETCD_VERSION" go.etcd.io/etcd/server/v3 "" --version "-s -w" || exit 1
  _kube_binaries || exit 1
  _go_tool kwok "$ONAIR_KWOK_VERSION" sigs.k8s.io/kwok cmd/kwok --version "-s -w" || exit 1
  _kwok_stages || exit 1
}

# ensure_kube_tools: the control plane's binaries, then records ONAIR_ETCD_BIN, ONAIR_KUBE_BIN_DIR
# (kube-apiserver, kube-controller-manager, kube-scheduler), ONAIR_KWOK_BIN and
# ONAIR_KWOK_STAGES_DIR (exported and in .onair/env, where deploy/helm/control-plane.ts reads them).
ensure_kube_tools() {
  local etcd kube kwok stages
  etcd=$(_go_tool etcd "$ONAIR_ETCD_VERSION" go.etcd.io/etcd/server/v3 "" --version "-s -w") || exit 1
  kube=$(_kube_binaries) || exit 1
  kwok=$(_go_tool kwok "$ONAIR_KWOK_VERSION" sigs.k8s.io/kwok cmd/kwok --version "-s -w") || exit 1
  stages=$(_kwok_stages) || exit 1
  export ONAIR_ETCD_BIN="$etcd" ONAIR_KUBE_BIN_DIR="$kube" ONAIR_KWOK_BIN="$kwok" ONAIR_KWOK_STAGES_DIR="$stages"
  env_set ONAIR_ETCD_BIN "$etcd"
  env_set ONAIR_KUBE_BIN_DIR "$kube"
  env_set ONAIR_KWOK_BIN "$kwok"
  env_set ONAIR_KWOK_STAGES_DIR "$stages"
  ok "etcd $ONAIR_ETCD_VERSION, kube-apiserver/controller-manager/scheduler $ONAIR_K8S_VERSION, kwok $ONAIR_KWOK_VERSION"
}
