# tools/onair up|down: the whole platform on this machine: infrastructure, then every service
# as a local process (logs and pid files under .onair/services/).
source "$ONAIR_ROOT/tools/lib/workspace.sh"

# name:port:entry point (built JS). Each later service adds one line.
PLATFORM_SERVICES=(
  "identity:7101:services/identity/dist/src/main.js"
  "social-graph:7102:services/social-graph/dist/src/main.js"
  "stream-sessions:7103:services/stream-sessions/dist/src/main.js"
  "sfu-worker:7104:services/sfu-worker/dist/src/main.js"
  "chat:7105:services/chat/dist/src/main.js"
  "discovery:7106:services/discovery/dist/src/main.js"
  "notifications:7107:services/notifications/dist/src/main.js"
  "ops:7108:services/ops/dist/src/main.js"
  "edge:8080:services/edge/dist/src/main.js"
)

# Services that also serve an internal gRPC API (mutual TLS only), on their HTTP port + 10:
# social-graph 7112, stream-sessions 7113. Each takes only the callers its GRPC_ALLOWED_CLIENTS
# default names (social-graph: stream-sessions, notifications, discovery; stream-sessions: discovery,
# ops). Every service gets both addresses (ops calls stream-sessions for operators' live overview).
PLATFORM_GRPC_SERVICES=(social-graph stream-sessions)

_svc_dir() { echo "$ONAIR_STATE/services"; }

# HTTP port of a service in PLATFORM_SERVICES.
_svc_port() {
  local s name port
  for s in "${PLATFORM_SERVICES[@]}"; do
    IFS=: read -r name port _ <<<"$s"
    [ "$name" = "$1" ] && { echo "$port"; return 0; }
  done
  return 1
}

# gRPC port of a service in PLATFORM_GRPC_SERVICES.
_svc_grpc_port() {
  local s
  for s in "${PLATFORM_GRPC_SERVICES[@]}"; do
    [ "$s" = "$1" ] && { echo $(($(_svc_port "$1") + 10)); return 0; }
  done
  return 1
}

# name=origin of every service but the edge, for the edge's EDGE_SERVICES (its routes name them).
_svc_origins() {
  local s name port out=()
  for s in "${PLATFORM_SERVICES[@]}"; do
    IFS=: read -r name port _ <<<"$s"
    [ "$name" = edge ] || out+=("$name=http://127.0.0.1:$port")
  done
  (IFS=,; echo "${out[*]}")
}

# Environment of a service process, from what `infra up` recorded in .onair/env. The same for
# every service (each reads what it needs), but GRPC_PORT only for the services serving gRPC
# (PLATFORM_GRPC_SERVICES); every service verifies access tokens against identity's JWKS, and
# each has its own certificate from the local internal CA (mutual TLS between services). Every
# service listens on 127.0.0.1 (their default): only the edge's port is meant for browsers.
# The platform's SFU node signals through the edge; pages may also signal straight to further
# local nodes (ws://127.0.0.1:<port>, as `bench sfu-failover` starts), which the edge's CSP allows
# (its `*` matches no file when the words are split, so it stays as written). Encoders push RTMP
# to the SFU node on 127.0.0.1:1935 (the standard port), which asks stream-sessions for the key.
_svc_env() {
  local name=$1 port=$2 grpc
  # shellcheck disable=SC1091
  set -a; source "$ONAIR_STATE/env"; set +a
  grpc=$(_svc_grpc_port "$name") && grpc="GRPC_PORT=$grpc" || grpc=""
  echo "HTTP_PORT=$port $grpc DATABASE_URL=$ONAIR_PG_URL DATABASE_SCHEMA=${name//-/_}" \
    "KAFKA_BROKERS=$ONAIR_KAFKA_BROKERS ELASTICSEARCH_URL=$ONAIR_ES_URL AUTH_JWKS_URL=http://127.0.0.1:$(_svc_port identity)/.well-known/jwks.json EDGE_SERVICES=$(_svc_origins)" \
    "AVATAR_DIR=$ONAIR_STATE/$name/avatars REPLAY_DIR=$ONAIR_STATE/replays" \
    "SOCIAL_GRAPH_GRPC_URL=127.0.0.1:$(_svc_grpc_port social-graph) STREAM_SESSIONS_GRPC_URL=127.0.0.1:$(_svc_grpc_port stream-sessions)" \
    "FFMPEG_BIN=${ONAIR_FFMPEG_BIN:-/usr/bin/ffmpeg} MEDIA_TICKET_JWKS_URL=http://127.0.0.1:$(_svc_port stream-sessions)/.well-known/media-jwks.json" \
    "SFU_SIGNALLING_URL=ws://127.0.0.1:$(_svc_port edge)/v1/sfu/signal EDGE_CSP_CONNECT_SRC=ws://127.0.0.1:*" \
    "SFU_RTMP_PORT=1935 SFU_STREAM_SESSIONS_URL=http://127.0.0.1:$(_svc_port stream-sessions) STREAM_SESSIONS_RTMP_URL=rtmp://127.0.0.1:1935/live" \
    "INTERNAL_TLS_CA=$ONAIR_PKI_DIR/ca.crt INTERNAL_TLS_CERT=$ONAIR_PKI_DIR/$name.crt INTERNAL_TLS_KEY=$ONAIR_PKI_DIR/$name.key" \
    "LOG_LEVEL=info"
}

_svc_ready() { curl -fsS -m 2 "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; }

service_up() {
  local name=$1 port=$2 entry=$3 dir pidf logf
  dir=$(_svc_dir); pidf="$dir/$name.pid"; logf="$dir/$name.log"
  mkdir -p "$dir"
  local env fingerprint
  env=$(_svc_env "$name" "$port")
  # What the process runs: its environment and the built code (the service's and the libs', and
  # for the edge the web client's build, which it reads at boot). Compared by content, not mtime:
  # nx rewrites dist files when it restores them from its cache.
  local built=("services/$name/dist" libs/*/dist)
  [ "$name" = edge ] && built+=(services/web/dist)
  fingerprint=$( { echo "$env"; cd "$ONAIR_ROOT" && find "${built[@]}" -type f \( -name '*.js' -o -name '*.html' -o -name '*.css' \) -print0 | sort -z | xargs -0 cat; } | sha256sum)
  if pid_alive "$pidf" && [ "$(cat "$dir/$name.fingerprint" 2>/dev/null)" = "$fingerprint" ] && _svc_ready "$port"; then return 0; fi
  stop_pid "$pidf" 15
  port_open "$port" && fail "$name" "port $port is taken by another process" "$logf"
  step "$name: starting on 127.0.0.1:$port (log: $logf)"
  # exec all the way down, so $! is the node process itself (setsid does not fork here: a
  # background subshell of a script is no process-group leader). kafkajs 2.2.4's request queue
  # trips Node 24's TimeoutNegativeWarning on every connection; libs/kafka replaces that timer
  # (src/connection/request-queue-idle-timer.ts), the flag stays for any client made without it.
  # shellcheck disable=SC2046
  (cd "$ONAIR_ROOT" && exec env $env setsid node --disable-warning=TimeoutNegativeWarning "$entry" >>"$logf" 2>&1 </dev/null) &
  echo $! >"$pidf"
  echo "$fingerprint" >"$dir/$name.fingerprint"
  wait_until 60 _svc_ready "$port" || {
    pid_alive "$pidf" || fail "$name" "the process exited during start" "$logf"
    fail "$name" "/readyz did not answer 200 within 60 s" "$logf"
  }
}

platform_up() {
  workspace_install
  infra_cmd up
  workspace_build
  local s name port entry grpc
  for s in "${PLATFORM_SERVICES[@]}"; do
    IFS=: read -r name port entry <<<"$s"
    service_up "$name" "$port" "$entry"
    if [ "$name" = edge ]; then
      ok "$name: http://127.0.0.1:$port  (web client /, docs /docs; operators: http://127.0.0.1:8081/metrics, /readyz)"
    elif grpc=$(_svc_grpc_port "$name"); then
      ok "$name: http://127.0.0.1:$port  (docs /docs, OpenAPI /openapi.json, /readyz, /metrics); gRPC 127.0.0.1:$grpc (mutual TLS)"
    else
      ok "$name: http://127.0.0.1:$port  (docs /docs, OpenAPI /openapi.json, /readyz, /metrics)"
    fi
  done
  echo
  echo "OnAir is up. Stop it with: tools/onair down"
  echo "Open http://127.0.0.1:$(_svc_port edge)/ to sign up, go live and watch."
}

platform_down() {
  local name i
  for ((i=${#PLATFORM_SERVICES[@]}-1; i>=0; i--)); do
    IFS=: read -r name _ <<<"${PLATFORM_SERVICES[$i]}"
    stop_pid "$(_svc_dir)/$name.pid" 15 && ok "$name stopped"
  done
  infra_cmd down
}

# tools/onair discovery reindex [--force] [--grace-seconds N]: rebuilds discovery's broadcasts
# index from stream-sessions' gRPC API (the platform must be up), with discovery's environment.
discovery_cmd() {
  local sub=${1:-}
  shift || true
  case "$sub" in
    reindex)
      _svc_ready "$(_svc_port stream-sessions)" || fail discovery "stream-sessions is not up: start the platform with tools/onair up" ""
      step "discovery reindex $*"
      # shellcheck disable=SC2046 # _svc_env prints NAME=value words
      (cd "$ONAIR_ROOT" && env $(_svc_env discovery "$(_svc_port discovery)") node services/discovery/dist/src/reindex/reindex.cli.js "$@")
      ;;
    *) echo "usage: tools/onair discovery reindex [--force] [--grace-seconds N]" >&2; exit 2 ;;
  esac
}

# tools/onair ops grant-admin <handle>: grants the admin role to an existing account (identity's
# grant-admin command, with identity's environment). Needs PostgreSQL and identity's build; the
# running identity service publishes the audit event (account.role_granted.v1) from its outbox.
ops_cmd() {
  local sub=${1:-}
  shift || true
  case "$sub" in
    grant-admin)
      [ $# -eq 1 ] || { echo "usage: tools/onair ops grant-admin <handle>" >&2; exit 2; }
      [ -f "$ONAIR_STATE/env" ] || fail ops "no local platform here: start it with tools/onair up, and sign up the account first" ""
      [ -f "$ONAIR_ROOT/services/identity/dist/src/roles/grant-admin.cli.js" ] || fail ops "identity is not built: run tools/onair build" ""
      ensure_node
      # shellcheck disable=SC2046 # _svc_env prints NAME=value words
      (cd "$ONAIR_ROOT" && env $(_svc_env identity "$(_svc_port identity)") LOG_LEVEL=error node services/identity/dist/src/roles/grant-admin.cli.js "$1")
      ;;
    *) echo "usage: tools/onair ops grant-admin <handle>" >&2; exit 2 ;;
  esac
}
