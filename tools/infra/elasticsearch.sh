# Elasticsearch, one node, sourced by tools/lib/infra.sh.
#
# Elastic publishes the real server on Maven Central as the "integ-test-zip" (server plus four
# modules; see RECIPES.md for what it lacks). It is unpacked once into
# $ONAIR_CACHE/elasticsearch-<ver> and never written to afterwards. ES refuses to run as root,
# so it runs as the system user `onair-es`. State under $ONAIR_STATE/elasticsearch:
#   home/     hard-linked copy of the cached distribution (root-owned, read-only): the cache sits
#             under /root (mode 700), which onair-es cannot traverse, and opening /root up is
#             not ours to do; hard links cost no space (a plain copy if the cache is elsewhere)
#   config/   per-state copy of the distribution's config (ES writes its keystore here)
#   data/ logs/ tmp/ (ES_TMPDIR) run/elasticsearch.pid      all owned by onair-es
#   launcher.log  output of bin/elasticsearch -d

ES_VERSION=9.3.2
ES_USER=onair-es

_es_dir()   { echo "$ONAIR_STATE/elasticsearch"; }
_es_cache() { echo "$ONAIR_CACHE/elasticsearch-$ES_VERSION"; }
_es_pidf()  { echo "$ONAIR_STATE/elasticsearch/run/elasticsearch.pid"; }
_es_url()   { echo "http://127.0.0.1:$ONAIR_ES_PORT"; }

# Ready/healthy: the recipe's probe (the zip answers 405 to GET /, so no info() call).
_es_health() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    "$(_es_url)/_cluster/health?wait_for_status=yellow&timeout=1s")" = 200 ]
}

# JDK >= 21 (JDK 17 is refused): the Temurin 25 JDK first, found by glob, else any new enough.
_es_java_home() {
  local d v
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/temurin-* /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] && [ -f "$d/release" ] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release")
    [ -n "$v" ] && [ "$v" -ge 21 ] && { echo "$d"; return 0; }
  done
  return 1
}

# Download and unpack into temp folders; the cache folder appears by rename only when complete.
_es_fetch() {
  local cache tmp log; cache=$(_es_cache); log="$(_es_dir)/fetch.log"
  [ -x "$cache/bin/elasticsearch" ] && [ -f "$cache/lib/elasticsearch-$ES_VERSION.jar" ] && return 0
  command -v mvn >/dev/null || apt_ensure maven
  command -v unzip >/dev/null || apt_ensure unzip
  find "$ONAIR_CACHE" -maxdepth 1 -name ".elasticsearch-$ES_VERSION.*" -mmin +60 -exec rm -rf {} + 2>/dev/null || true
  tmp=$(mktemp -d "$ONAIR_CACHE/.elasticsearch-$ES_VERSION.XXXX")
  # maven-metadata.xml on Central is stale (no 9.x), so the version is asked for directly.
  ( cd "$tmp" && run_logged "$log" "elasticsearch: fetching Elasticsearch $ES_VERSION from Maven Central (115 MB)" \
      mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" -DoutputDirectory="$tmp" ) \
    || { rm -rf "$tmp"; fail elasticsearch "mvn could not fetch the Elasticsearch $ES_VERSION zip" "$log"; }
  run_logged "$log" "elasticsearch: unpacking" unzip -q "$tmp/elasticsearch-$ES_VERSION.zip" -d "$tmp/x" \
    || { rm -rf "$tmp"; fail elasticsearch "unzip failed" "$log"; }
  [ -x "$tmp/x/elasticsearch-$ES_VERSION/bin/elasticsearch" ] || { rm -rf "$tmp"; fail elasticsearch "unexpected zip layout" "$log"; }
  rm -rf "$cache"
  mv "$tmp/x/elasticsearch-$ES_VERSION" "$cache" 2>/dev/null || [ -x "$cache/bin/elasticsearch" ] \
    || { rm -rf "$tmp"; fail elasticsearch "could not move the distribution into $cache"; }
  rm -rf "$tmp"
}

# Per-state home (hard links into the cache) and config (a copy ES may write to).
_es_prepare_home() {
  local d cache; d=$(_es_dir); cache=$(_es_cache)
  if [ "$(cat "$d/home/.onair-source" 2>/dev/null)" != "$cache" ]; then
    rm -rf "${d:?}/home" "${d:?}/home.tmp"
    cp -al "$cache" "$d/home.tmp" 2>/dev/null || { rm -rf "$d/home.tmp"; cp -a "$cache" "$d/home.tmp"; }
    # The links are root's files: nothing here may chown them (that would change the cache).
    echo "$cache" >"$d/home.tmp/.onair-source"
    mv "$d/home.tmp" "$d/home"
  fi
  if [ "$(cat "$d/config/.onair-version" 2>/dev/null)" != "$ES_VERSION" ]; then
    rm -rf "$d/config"
    cp -r "$cache/config" "$d/config"
    echo "$ES_VERSION" >"$d/config/.onair-version"
  fi
}

# onair-es must reach its folders: every parent gets o+x (traverse only, no listing).
_es_make_traversable() {
  local p=$1
  while [ "$p" != "/" ] && [ -n "$p" ]; do
    if [ -d "$p" ] && ! runuser -u "$ES_USER" -- test -x "$p" 2>/dev/null; then
      step "elasticsearch: making $p traversable (chmod o+x) for $ES_USER"
      chmod o+x "$p"
    fi
    p=$(dirname "$p")
  done
}

# Liveness, stricter than common.sh's pid_alive: kill -0 also succeeds on a zombie (pid 1 on
# these machines reaps exited daemons late), and a pid only counts if it is the ES server (not
# its CLI launcher) of our per-state home (pids get reused).
_es_is_ours() {
  local st; st=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = java ] \
    && grep -qzxF -- "-Des.path.home=$(_es_dir)/home" "/proc/$1/cmdline" 2>/dev/null \
    && grep -qzxF org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch "/proc/$1/cmdline" 2>/dev/null
}

# Prints the live node's pid. A stale pid file is removed; a node whose pid file was lost is
# found by its home on the java command line (path.conf is not there: the launcher passes
# settings on stdin) and adopted.
_es_pid() {
  local f pid c; f=$(_es_pidf)
  pid=$(tr -dc '0-9' 2>/dev/null <"$f" || true)
  if [ -n "$pid" ] && _es_is_ours "$pid"; then echo "$pid"; return 0; fi
  rm -f "$f"
  for c in $(grep -lzxF -- "-Des.path.home=$(_es_dir)/home" /proc/[0-9]*/cmdline 2>/dev/null); do
    c=${c#/proc/}; c=${c%/cmdline}
    if _es_is_ours "$c"; then mkdir -p "$(dirname "$f")"; echo "$c" >"$f"; echo "$c"; return 0; fi
  done
  return 1
}

elasticsearch_up() {
  mkdir -p "$(_es_dir)"
  ( flock -w 600 9 || fail elasticsearch "another 'infra up/down elasticsearch' holds $(_es_dir)/.lock"; _es_up_locked ) 9>"$(_es_dir)/.lock"
}

_es_up_locked() {
  local d pidf jhome pid
  d=$(_es_dir); pidf=$(_es_pidf)

  if pid=$(_es_pid); then
    # Running (maybe still starting): wait for it rather than starting a second one.
    wait_until 120 _es_health || fail elasticsearch "node pid $pid is not healthy on $(_es_url)" "$d/logs/elasticsearch.log"
    env_set ONAIR_ES_URL "$(_es_url)"; return 0
  fi
  if port_open "$ONAIR_ES_PORT" || port_open "$ONAIR_ES_TRANSPORT_PORT"; then
    fail elasticsearch "port $ONAIR_ES_PORT or $ONAIR_ES_TRANSPORT_PORT is taken by another process"
  fi
  [ "$(id -u)" -eq 0 ] || fail elasticsearch "must run as root (to start the node as $ES_USER)"
  jhome=$(_es_java_home) || fail elasticsearch "no JDK >= 21 under /usr/lib/jvm (Elasticsearch $ES_VERSION needs one)"
  id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER" \
    || fail elasticsearch "could not create the system user $ES_USER"

  _es_fetch
  mkdir -p "$d/data" "$d/logs" "$d/tmp" "$d/run"
  _es_prepare_home
  # Everything but home/ (hard links into the cache) belongs to onair-es.
  find "$d/config" "$d/data" "$d/logs" "$d/tmp" "$d/run" ! -user "$ES_USER" -exec chown "$ES_USER:" {} + 2>/dev/null || true
  _es_make_traversable "$d"

  # -d returns once the node has started (or failed); setsid keeps it out of our session.
  # A fresh environment: nothing of the caller's (JAVA_HOME, proxies) leaks into the node.
  # CLI_JAVA_OPTS: the launcher's JVM probe otherwise leaves /tmp/final-flags*/gc.log per start.
  # cd: the caller's folder may be one onair-es cannot enter (e.g. /root).
  cd "$d" || fail elasticsearch "cannot enter $d"
  run_logged "$d/launcher.log" "elasticsearch: starting Elasticsearch $ES_VERSION on $(_es_url)" \
    setsid -w runuser -u "$ES_USER" -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$d/tmp" \
      ES_JAVA_HOME="$jhome" ES_PATH_CONF="$d/config" ES_TMPDIR="$d/tmp" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
      CLI_JAVA_OPTS="-Djava.io.tmpdir=$d/tmp" \
      "$d/home/bin/elasticsearch" -d -p "$pidf" \
      -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 \
      -Ehttp.port="$ONAIR_ES_PORT" -Etransport.port="$ONAIR_ES_TRANSPORT_PORT" \
      -Ecluster.routing.allocation.disk.threshold_enabled=false -Expack.security.enabled=false \
      -Epath.data="$d/data" -Epath.logs="$d/logs" 9>&- \
    || fail elasticsearch "bin/elasticsearch -d failed" "$d/launcher.log"

  step "elasticsearch: waiting for cluster health yellow"
  wait_until 120 _es_health || fail elasticsearch "not healthy after 120 s" "$d/logs/elasticsearch.log"
  _es_pid >/dev/null || fail elasticsearch "healthy, but no live node pid in $pidf" "$d/launcher.log"
  env_set ONAIR_ES_URL "$(_es_url)"
}

elasticsearch_down() {
  mkdir -p "$(_es_dir)"
  ( flock -w 600 9 || exit 1
    pid=$(_es_pid) || exit 0
    step "elasticsearch: stopping (pid $pid)"
    kill "$pid" 2>/dev/null || true      # SIGTERM stops it in ~1.5 s; SIGKILL after 30 s
    deadline=$((SECONDS + 30))
    while _es_is_ours "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.3; done
    _es_is_ours "$pid" && kill -9 "$pid" 2>/dev/null
    rm -f "$(_es_pidf)"
  ) 9>"$(_es_dir)/.lock"
}

elasticsearch_status() {
  local pid ver
  if ! pid=$(_es_pid); then echo "127.0.0.1:$ONAIR_ES_PORT not running"; return 1; fi
  if ! _es_health; then echo "127.0.0.1:$ONAIR_ES_PORT pid $pid not healthy"; return 1; fi
  ver=$(curl -s --max-time 5 "$(_es_url)/_cat/nodes?h=version" | head -n 1 | tr -d ' ')
  echo "127.0.0.1:$ONAIR_ES_PORT pid $pid Elasticsearch ${ver:-$ES_VERSION} (health $(curl -s --max-time 5 "$(_es_url)/_cat/health?h=status" | tr -d ' \n'))"
}

elasticsearch_logs() {
  local d; d=$(_es_dir)
  echo "$d/logs/elasticsearch.log"; echo "$d/launcher.log"; echo "$d/fetch.log"
}
