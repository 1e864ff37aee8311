# PostgreSQL for local development and integration tests (sourced by tools/lib/infra.sh).
#
# Debian's own server (postgresql-15 on bookworm), one cluster of our own under
# $ONAIR_STATE/postgres, run as the `postgres` OS user (initdb and pg_ctl refuse root):
#   data/          the cluster (postmaster.pid inside is the pid file: PostgreSQL owns it)
#   data/onair.conf  port, address, socket dir, max_connections; rewritten on every `up`
#   run/           unix socket     logs/  postgres.log (server), initdb.log, ctl.log
# Trust auth (127.0.0.1 only); database `onair`, superuser role `onair` (password `onair`, so a
# password-checking setup works the same way).

_pg_dir()  { echo "$ONAIR_STATE/postgres"; }
_pg_data() { echo "$ONAIR_STATE/postgres/data"; }
_pg_url()  { echo "postgres://onair:onair@127.0.0.1:$ONAIR_PG_PORT/onair"; }

# Newest installed server binaries (15 on bookworm); found, not hard-coded.
_pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}

# initdb/pg_ctl refuse to run as root: as root, drop to `postgres`; otherwise run as ourselves.
_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The unix socket path must stay under ~107 bytes; a deep checkout falls back to /tmp.
_pg_sockdir() {
  local d; d="$(_pg_dir)/run"
  if [ $(( ${#d} + 20 )) -gt 100 ]; then d="/tmp/onair-pg-$ONAIR_PG_PORT"; fi
  echo "$d"
}

# A process that exists and is not a zombie (kill -0 succeeds on zombies too).
_pg_live() {
  local st; st=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ]
}

# Pid of our postmaster when it is alive (first line of postmaster.pid); nothing otherwise.
# After a kill -9 the file stays: its pid counts only if that process is not a zombie and is a
# postgres on our data folder (pids get reused).
_pg_pid() {
  local f pid; f="$(_pg_data)/postmaster.pid"
  [ -f "$f" ] || return 1
  pid=$(head -n 1 "$f" | tr -dc '0-9')
  [ -n "$pid" ] && _pg_live "$pid" || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qxF "$(_pg_data)" || return 1
  echo "$pid"
}

# A real probe: a query as the `onair` role over TCP, the way the services connect.
_pg_query() {
  PGCONNECT_TIMEOUT=3 psql -X -q -t -A -h 127.0.0.1 -p "$ONAIR_PG_PORT" -U onair -d onair -c "$1" 2>/dev/null
}

# The `postgres` user must reach the data folder: every parent needs o+x (traverse only).
_pg_make_traversable() {
  local d=$1
  while [ "$d" != "/" ] && [ -n "$d" ]; do
    if [ -d "$d" ] && ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      step "postgres: making $d traversable (chmod o+x) for the postgres user"
      chmod o+x "$d"
    fi
    d=$(dirname "$d")
  done
}

# After a kill -9 of the postmaster its children (checkpointer, walwriter, ...) linger for a
# moment and keep the shared memory attached; a new postmaster would refuse to start ("pre-existing
# shared memory block is still in use"). They are ours exactly when their cwd is our data folder.
_pg_reap_orphans() {
  local data p pids=() deadline
  data=$(readlink -f "$(_pg_data)")
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/cwd" 2>/dev/null)" = "$data" ] && pids+=("${p#/proc/}")
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  step "postgres: waiting for ${#pids[@]} leftover backend(s) of a killed server to exit"
  deadline=$((SECONDS + 10))
  for p in "${pids[@]}"; do
    while _pg_live "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.3; done
    _pg_live "$p" && kill -9 "$p" 2>/dev/null || true
  done
}

# After a kill -9, postmaster.pid and the socket lock still name the dead postmaster. PostgreSQL
# clears them itself only when kill(pid, 0) fails, but pid 1 on these machines reaps exited
# daemons late, and a zombie passes that test ("lock file already exists"). Our own check
# (_pg_pid) knows better: once no backend of ours is left, the files are removed.
_pg_clear_stale_locks() {
  local data sock; data=$(_pg_data); sock=$(_pg_sockdir)
  [ -f "$data/postmaster.pid" ] || return 0
  _pg_pid >/dev/null && return 0
  _pg_reap_orphans
  step "postgres: removing the stale postmaster.pid of a killed server (pid $(head -n 1 "$data/postmaster.pid"))"
  rm -f "$data/postmaster.pid" "$sock/.s.PGSQL.$ONAIR_PG_PORT.lock" "$sock/.s.PGSQL.$ONAIR_PG_PORT"
}

# initdb into data.init and rename when complete: a killed initdb leaves only data.init, which
# the next run wipes. A data folder missing PG_VERSION or postgresql.conf is half-written too.
_pg_init_cluster() {
  local dir data bin tmp c
  dir=$(_pg_dir); data=$(_pg_data); bin=$(_pg_bin); tmp="$dir/data.init"
  if [ -d "$data" ] && { [ ! -f "$data/PG_VERSION" ] || [ ! -f "$data/postgresql.conf" ]; }; then
    step "postgres: $data is half-initialised (no PG_VERSION or postgresql.conf): wiping it"
    rm -rf "$data"
  fi
  [ -d "$data" ] && return 0
  # We hold the lock, so an initdb still writing data.init is a leftover of a killed `up`.
  for c in $(grep -lzxF "$tmp" /proc/[0-9]*/cmdline 2>/dev/null); do
    c=${c#/proc/}; kill -9 "${c%/cmdline}" 2>/dev/null || true
  done
  rm -rf "$tmp"
  run_logged "$dir/logs/initdb.log" "postgres: initdb $data" \
    _pg_as "$bin/initdb" -D "$tmp" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    || fail postgres "initdb failed" "$dir/logs/initdb.log"
  # Our settings live in onair.conf (rewritten by every up), included last so they win.
  echo "include_if_exists = 'onair.conf'" >>"$tmp/postgresql.conf"
  mv "$tmp" "$data"
}

_pg_write_conf() {
  local f; f="$(_pg_data)/onair.conf"
  cat >"$f" <<CONF
# Written by tools/infra/postgres.sh on every 'infra up': edits here are overwritten.
listen_addresses = '127.0.0.1'
port = $ONAIR_PG_PORT
unix_socket_directories = '$(_pg_sockdir)'
max_connections = 400          # integration tests open many pools, each kept open (DATABASE_POOL_MIN)
CONF
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$f"
  return 0
}

# Role and database: idempotent, so an `up` killed half-way finishes them next time.
_pg_bootstrap_db() {
  local psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$ONAIR_PG_PORT" -U postgres -d postgres)
  "${psql[@]}" >>"$(_pg_dir)/logs/ctl.log" 2>&1 <<'SQL' || fail postgres "could not create role/database onair" "$(_pg_dir)/logs/ctl.log"
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'onair') THEN
    CREATE ROLE onair LOGIN SUPERUSER PASSWORD 'onair';
  END IF;
END $$;
SELECT 'CREATE DATABASE onair OWNER onair' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'onair')\gexec
SQL
}

postgres_up() {
  # One `up`/`down` at a time per checkout; fd 9 is closed for the server so it never holds it.
  mkdir -p "$(_pg_dir)"
  ( flock -w 600 9 || fail postgres "another 'infra up/down postgres' holds $(_pg_dir)/.lock"; _pg_up_locked ) 9>"$(_pg_dir)/.lock"
}

_pg_up_locked() {
  local dir data bin pid
  dir=$(_pg_dir); data=$(_pg_data)

  if _pg_pid >/dev/null && _pg_query 'select 1' | grep -qx 1; then
    env_set ONAIR_PG_URL "$(_pg_url)"; return 0          # already running and answering
  fi

  [ -n "$(_pg_bin)" ] || apt_ensure postgresql
  bin=$(_pg_bin) || fail postgres "no PostgreSQL server binaries under /usr/lib/postgresql"
  [ "$(id -u)" -eq 0 ] || [ "$(id -un)" = postgres ] || fail postgres "run as root (to switch to the postgres user) or as postgres"

  mkdir -p "$dir/logs" "$dir/run" "$(_pg_sockdir)"
  if [ "$(id -u)" -eq 0 ]; then
    _pg_make_traversable "$dir"
    # Everything under our folder belongs to postgres (the repo itself stays root's).
    find "$dir" "$(_pg_sockdir)" ! -user postgres -exec chown postgres:postgres {} + 2>/dev/null || true
  fi

  pid=$(_pg_pid || true)
  if [ -n "$pid" ]; then
    # Alive but `onair` gets no answer: still starting/recovering, or a previous `up` was killed
    # before it created the role. Give it time, then finish the bootstrap.
    wait_until 60 "$bin/pg_isready" -q -h 127.0.0.1 -p "$ONAIR_PG_PORT" -U postgres -d postgres \
      || fail postgres "server pid $pid runs but does not accept connections on 127.0.0.1:$ONAIR_PG_PORT" "$dir/logs/postgres.log"
    _pg_bootstrap_db
    _pg_query 'select 1' | grep -qx 1 || fail postgres "'select 1' as onair failed" "$dir/logs/postgres.log"
    env_set ONAIR_PG_URL "$(_pg_url)"; return 0
  fi

  if port_open "$ONAIR_PG_PORT"; then
    fail postgres "port $ONAIR_PG_PORT is taken by another process (not our server in $data)"
  fi

  _pg_init_cluster
  _pg_clear_stale_locks
  _pg_write_conf

  # pg_ctl -w returns once the server accepts connections; the postmaster detaches (setsid) and
  # logs to logs/postgres.log.
  ( cd "$dir" && run_logged "$dir/logs/ctl.log" "postgres: starting on 127.0.0.1:$ONAIR_PG_PORT" \
      _pg_as "$bin/pg_ctl" -D "$data" -l "$dir/logs/postgres.log" -w -t 120 start 9>&- ) \
    || fail postgres "pg_ctl start failed" "$dir/logs/postgres.log"

  wait_until 30 "$bin/pg_isready" -q -h 127.0.0.1 -p "$ONAIR_PG_PORT" -U postgres -d postgres \
    || fail postgres "server does not accept connections" "$dir/logs/postgres.log"
  _pg_bootstrap_db
  _pg_query 'select 1' | grep -qx 1 || fail postgres "'select 1' as onair failed" "$dir/logs/postgres.log"
  env_set ONAIR_PG_URL "$(_pg_url)"
}

postgres_down() {
  mkdir -p "$(_pg_dir)"
  ( flock -w 600 9 || exit 1; _pg_down_locked ) 9>"$(_pg_dir)/.lock"
}

_pg_down_locked() {
  local pid bin; pid=$(_pg_pid || true)
  [ -n "$pid" ] || return 0
  bin=$(_pg_bin)
  step "postgres: stopping (pid $pid)"
  # Fast shutdown: disconnects clients, checkpoints, exits. Then the hard way if it hangs.
  ( cd "$(_pg_dir)" && _pg_as "$bin/pg_ctl" -D "$(_pg_data)" -m fast -w -t 30 stop ) >>"$(_pg_dir)/logs/ctl.log" 2>&1 || true
  if _pg_pid >/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
    _pg_reap_orphans
  fi
}

postgres_status() {
  local pid ver
  pid=$(_pg_pid || true)
  if [ -z "$pid" ]; then echo "127.0.0.1:$ONAIR_PG_PORT not running"; return 1; fi
  ver=$(_pg_query 'show server_version' | awk '{print $1}' || true)
  if [ -z "$ver" ]; then echo "127.0.0.1:$ONAIR_PG_PORT pid $pid not answering"; return 1; fi
  echo "127.0.0.1:$ONAIR_PG_PORT pid $pid PostgreSQL $ver ($(_pg_url))"
}

postgres_logs() {
  local d; d="$(_pg_dir)/logs"
  echo "$d/postgres.log"; echo "$d/ctl.log"; echo "$d/initdb.log"
}
