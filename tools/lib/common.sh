# Shared shell helpers for tools/onair: paths, progress output, waiting, apt.
# Sourced, never executed. Every infra part uses these so failures read the same way:
# "<part>: <reason> (log: <file>)".

ONAIR_ROOT="${ONAIR_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ONAIR_STATE="${ONAIR_STATE:-$ONAIR_ROOT/.onair}"          # all runtime state, git-ignored
ONAIR_CACHE="${ONAIR_CACHE:-$HOME/.cache/onair}"           # downloads and builds, by version
export ONAIR_ROOT ONAIR_STATE ONAIR_CACHE
mkdir -p "$ONAIR_STATE" "$ONAIR_CACHE"

# Ports of our own, away from the standard ones so a system server never clashes.
ONAIR_PG_PORT="${ONAIR_PG_PORT:-55432}"
ONAIR_KAFKA_PORT="${ONAIR_KAFKA_PORT:-59092}"
ONAIR_KAFKA_CONTROLLER_PORT="${ONAIR_KAFKA_CONTROLLER_PORT:-59093}"
ONAIR_ES_PORT="${ONAIR_ES_PORT:-59200}"
ONAIR_ES_TRANSPORT_PORT="${ONAIR_ES_TRANSPORT_PORT:-59300}"

if [ -t 2 ]; then _c_b=$'\e[1m'; _c_r=$'\e[31m'; _c_g=$'\e[32m'; _c_0=$'\e[0m'; else _c_b=; _c_r=; _c_g=; _c_0=; fi

step() { printf '%s==>%s %s\n' "$_c_b" "$_c_0" "$*" >&2; }
ok()   { printf '%s ok%s  %s\n' "$_c_g" "$_c_0" "$*" >&2; }
# fail <part> <reason> [log file]: the one way an infra step reports failure.
fail() {
  local part=$1 reason=$2 logf=${3:-}
  printf '%sFAILED%s %s: %s%s\n' "$_c_r" "$_c_0" "$part" "$reason" "${logf:+ (log: $logf)}" >&2
  if [ -n "$logf" ] && [ -f "$logf" ]; then
    echo "--- last lines of $logf ---" >&2; tail -n 15 "$logf" >&2; echo "---" >&2
  fi
  exit 1
}

# run_logged <logfile> <description> cmd...: long steps print a heartbeat instead of silence.
run_logged() {
  local logf=$1 desc=$2; shift 2
  mkdir -p "$(dirname "$logf")"
  step "$desc (log: $logf)"
  local start=$SECONDS
  "$@" >>"$logf" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    kill -0 "$pid" 2>/dev/null && printf '    ... %s: %ss, %s\n' "$desc" "$((SECONDS - start))" "$(tail -n 1 "$logf" 2>/dev/null | cut -c1-100)" >&2
  done
  wait "$pid"
}

# wait_until <timeout s> <command...>: polls until the command succeeds.
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.5
  done
}

# proc_running <pid>: alive and not a zombie (this machine's pid 1 reaps late, so a killed
# process can linger as a zombie that `kill -0` still reports).
proc_running() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ]
}

# pid_alive <pidfile>: true when the file names a live process. A stale file is removed.
pid_alive() {
  local f=$1 pid
  [ -f "$f" ] || return 1
  pid=$(tr -dc '0-9' <"$f")
  if proc_running "$pid"; then return 0; fi
  rm -f "$f"
  return 1
}

# Live (not zombie) processes of process group $1.
_group_running() {
  local p
  for p in $(pgrep -g "$1" 2>/dev/null); do proc_running "$p" && return 0; done
  return 1
}

# stop_pid <pidfile> <seconds>: SIGTERM, then SIGKILL after the grace period. When the process
# leads a process group (services are started with setsid), its children are waited for too:
# a mediasoup worker outliving its service for a moment would still hold the WebRtcServer port.
stop_pid() {
  local f=$1 grace=${2:-15} pid
  pid_alive "$f" || return 0
  pid=$(tr -dc '0-9' <"$f")
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while { proc_running "$pid" || _group_running "$pid"; } && [ $SECONDS -lt $deadline ]; do sleep 0.3; done
  proc_running "$pid" && kill -9 "$pid" 2>/dev/null || true
  _group_running "$pid" && kill -9 -- "-$pid" 2>/dev/null || true
  rm -f "$f"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_apt_updated=
apt_update_once() {
  [ -n "$_apt_updated" ] && return 0
  run_logged "$ONAIR_STATE/logs/apt.log" "apt-get update" \
    apt-get -o DPkg::Lock::Timeout=900 update || fail apt "apt-get update failed" "$ONAIR_STATE/logs/apt.log"
  _apt_updated=1
}

# apt_ensure [-t suite] pkg...: installs only the packages that are missing.
apt_ensure() {
  local suite=()
  if [ "$1" = "-t" ]; then suite=(-t "$2"); shift 2; fi
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_update_once
  run_logged "$ONAIR_STATE/logs/apt.log" "apt-get install ${missing[*]}" \
    env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${suite[@]}" "${missing[@]}" \
    || fail apt "could not install ${missing[*]}" "$ONAIR_STATE/logs/apt.log"
}

# Backports (meson) and source packages (libsrtp2) need a second apt source.
ensure_apt_extra_sources() {
  local f=/etc/apt/sources.list.d/onair.sources
  [ -f "$f" ] && return 0
  cat >"$f" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  _apt_updated=
}

# env_set KEY VALUE: records connection facts in .onair/env for services and tests.
env_set() {
  local f="$ONAIR_STATE/env" tmp
  tmp=$(mktemp "$ONAIR_STATE/.env.XXXX")
  { [ -f "$f" ] && grep -v "^$1=" "$f"; echo "$1=$2"; } >"$tmp" || true
  mv "$tmp" "$f"
}
