# Apache Kafka, one KRaft node (broker + controller in one JVM), sourced by tools/lib/infra.sh.
#
# No Kafka tarball is reachable here, but its jars are on Maven Central: a throwaway pom and
# `mvn dependency:copy-dependencies` give $ONAIR_CACHE/kafka-<ver>/libs (shared by checkouts).
# State under $ONAIR_STATE/kafka:
#   config/server.properties, config/log4j2.properties   rewritten on every `up`
#   data/        log.dirs (topics and the KRaft metadata log)     cluster.id   our cluster id
#   logs/        server.log (broker), kafka.out (JVM stdout/stderr), format.log, fetch.log
#   kafka.pid

KAFKA_VERSION=4.3.1
KAFKA_LOG4J_BINDING=org.apache.logging.log4j:log4j-slf4j-impl:2.25.4   # 4.x ships no slf4j binding

_kafka_dir()  { echo "$ONAIR_STATE/kafka"; }
_kafka_libs() { echo "$ONAIR_CACHE/kafka-$KAFKA_VERSION/libs"; }
_kafka_java() { if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi; }
_kafka_tool() { "$(_kafka_java)" -Xmx256m -cp "$(_kafka_libs)/*" "$@"; }

# Jars into a temp folder, renamed into place only when complete: a killed download never
# leaves a half-filled libs folder that looks usable.
_kafka_fetch() {
  local libs dest tmp log
  libs=$(_kafka_libs); dest=$(dirname "$libs"); log="$(_kafka_dir)/logs/fetch.log"
  [ -f "$libs/kafka_2.13-$KAFKA_VERSION.jar" ] && return 0
  command -v mvn >/dev/null || apt_ensure maven
  command -v java >/dev/null || [ -n "${JAVA_HOME:-}" ] || apt_ensure openjdk-17-jre-headless
  # Leftovers of killed downloads (older than an hour, so a concurrent one is left alone).
  find "$ONAIR_CACHE" -maxdepth 1 -name ".kafka-$KAFKA_VERSION.*" -mmin +60 -exec rm -rf {} + 2>/dev/null || true
  tmp=$(mktemp -d "$ONAIR_CACHE/.kafka-$KAFKA_VERSION.XXXX")
  cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>onair.tools</groupId><artifactId>kafka-libs</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>${KAFKA_LOG4J_BINDING%%:*}</groupId><artifactId>$(echo "$KAFKA_LOG4J_BINDING" | cut -d: -f2)</artifactId><version>${KAFKA_LOG4J_BINDING##*:}</version></dependency>
  </dependencies>
  <build><pluginManagement><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.6.1</version>
  </plugin></plugins></pluginManagement></build>
</project>
POM
  run_logged "$log" "kafka: fetching Kafka $KAFKA_VERSION jars from Maven Central (~45 MB)" \
    mvn -q -B -Dstyle.color=never -f "$tmp/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/kafka/libs" \
    || { rm -rf "$tmp"; fail kafka "mvn could not fetch kafka_2.13:$KAFKA_VERSION" "$log"; }
  [ -f "$tmp/kafka/libs/kafka_2.13-$KAFKA_VERSION.jar" ] || { rm -rf "$tmp"; fail kafka "kafka_2.13-$KAFKA_VERSION.jar missing after download" "$log"; }
  chmod 755 "$tmp/kafka"
  rm -rf "$dest"                                   # an incomplete folder of unknown origin
  mv "$tmp/kafka" "$dest" 2>/dev/null || [ -f "$libs/kafka_2.13-$KAFKA_VERSION.jar" ] \
    || { rm -rf "$tmp"; fail kafka "could not move the jars into $dest"; }
  rm -rf "$tmp"
}

_kafka_write_config() {
  local d; d=$(_kafka_dir)
  cat >"$d/config/server.properties" <<PROPS
# Written by tools/infra/kafka.sh on every 'infra up': edits here are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ONAIR_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$ONAIR_KAFKA_PORT,CONTROLLER://127.0.0.1:$ONAIR_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$ONAIR_KAFKA_PORT,CONTROLLER://127.0.0.1:$ONAIR_KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data
# One node: every replication factor 1; transactions need their min ISR at 1 too.
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
# Topics are created explicitly, as in production.
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
# The 128 MiB default is allocated on the heap at start and OOMs a 256 MB heap.
log.cleaner.dedupe.buffer.size=16777216
PROPS
  cat >"$d/config/log4j2.properties" <<'LOG4J'
# Kafka 4.x logs through slf4j -> log4j2; one rolling server.log under -Dkafka.logs.dir.
name=onair-kafka
appender.server.type=RollingFile
appender.server.name=server
appender.server.fileName=${sys:kafka.logs.dir}/server.log
appender.server.filePattern=${sys:kafka.logs.dir}/server.log.%i
appender.server.layout.type=PatternLayout
appender.server.layout.pattern=[%d] %p %m (%c)%n
appender.server.policies.type=Policies
appender.server.policies.size.type=SizeBasedTriggeringPolicy
appender.server.policies.size.size=50MB
appender.server.strategy.type=DefaultRolloverStrategy
appender.server.strategy.max=5
rootLogger.level=INFO
rootLogger.appenderRef.server.ref=server
logger.request.name=kafka.request.logger
logger.request.level=WARN
LOG4J
}

# Move a data folder Kafka refuses out of the way (kept for inspection, only the newest one).
_kafka_set_aside() {
  local d; d=$(_kafka_dir)
  step "kafka: $1: moving $d/data to $d/data.broken and formatting afresh"
  rm -rf "${d:?}/data.broken"; mv "$d/data" "$d/data.broken"
}

# Checks the data folder against what the broker will demand, then formats it when needed.
_kafka_prepare_storage() {
  local d meta data_id node id
  d=$(_kafka_dir); meta="$d/data/meta.properties"
  if [ -f "$meta" ]; then
    data_id=$(sed -n 's/^cluster\.id=//p' "$meta"); node=$(sed -n 's/^node\.id=//p' "$meta")
    if [ -z "$data_id" ] || [ "$node" != 1 ]; then
      _kafka_set_aside "meta.properties is unreadable or for another node (node.id=$node)"
    elif [ "$data_id" != "$(cat "$d/cluster.id" 2>/dev/null)" ]; then
      # The data is the truth: a lost or rewritten cluster.id must not cost the topics.
      step "kafka: cluster.id differs from the data's meta.properties: adopting $data_id"
      echo "$data_id" >"$d/cluster.id"
    fi
  elif [ -d "$d/data" ] && [ -n "$(ls -A "$d/data")" ]; then
    _kafka_set_aside "data has no meta.properties (format was interrupted)"
  fi
  if [ ! -s "$d/cluster.id" ]; then
    id=$(_kafka_tool kafka.tools.StorageTool random-uuid 2>>"$d/logs/format.log" | tail -n 1 || true)
    [ -n "$id" ] || fail kafka "StorageTool random-uuid failed" "$d/logs/format.log"
    echo "$id" >"$d/cluster.id"
  fi
  [ -f "$d/data/meta.properties" ] && return 0
  mkdir -p "$d/data"
  run_logged "$d/logs/format.log" "kafka: formatting storage (cluster $(cat "$d/cluster.id"))" \
    _kafka_tool kafka.tools.StorageTool format -t "$(cat "$d/cluster.id")" -c "$d/config/server.properties" --ignore-formatted \
    || fail kafka "storage format failed" "$d/logs/format.log"
}

# A real Kafka protocol round trip without a client library: ApiVersions v0 (api key 18,
# correlation id 42, client id "onair"); the answer must echo id 42 with error code 0.
_kafka_probe() {
  local hex
  hex=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x2a\x00\x05onair" >&3
    head -c 10 <&3 | od -An -tx1' _ "$ONAIR_KAFKA_PORT" 2>/dev/null | tr -d ' \n' || true)
  [ "${hex:8:12}" = "0000002a0000" ]
}

# Liveness, stricter than common.sh's pid_alive: kill -0 also succeeds on a zombie (pid 1 on
# these machines reaps exited daemons late), and a pid only counts if it is a java running our
# config (pids get reused).
_kafka_is_ours() {
  local st; st=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ -n "$st" ] && [ "$st" != Z ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = java ] \
    && grep -qzxF "$(_kafka_dir)/config/server.properties" "/proc/$1/cmdline" 2>/dev/null
}

# Prints the live broker's pid. A stale pid file is removed; a broker whose pid file was lost is
# found by our config path on its command line and adopted.
_kafka_pid() {
  local f pid c; f="$(_kafka_dir)/kafka.pid"
  pid=$(tr -dc '0-9' 2>/dev/null <"$f" || true)
  if [ -n "$pid" ] && _kafka_is_ours "$pid"; then echo "$pid"; return 0; fi
  rm -f "$f"
  for c in $(grep -lzxF "$(_kafka_dir)/config/server.properties" /proc/[0-9]*/cmdline 2>/dev/null); do
    c=${c#/proc/}; c=${c%/cmdline}
    if _kafka_is_ours "$c"; then echo "$c" >"$f"; echo "$c"; return 0; fi
  done
  return 1
}

# SIGTERM (controlled shutdown, 1.5-3 s), SIGKILL after the grace period.
_kafka_stop() {
  local pid=$1 grace=$2 deadline
  kill "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while _kafka_is_ours "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.3; done
  _kafka_is_ours "$pid" && kill -9 "$pid" 2>/dev/null
  rm -f "$(_kafka_dir)/kafka.pid"
}

kafka_up() {
  mkdir -p "$(_kafka_dir)"
  ( flock -w 600 9 || fail kafka "another 'infra up/down kafka' holds $(_kafka_dir)/.lock"; _kafka_up_locked ) 9>"$(_kafka_dir)/.lock"
}

_kafka_up_locked() {
  local d log pid attempt
  d=$(_kafka_dir); log="$d/logs/server.log"
  mkdir -p "$d/config" "$d/logs"

  if pid=$(_kafka_pid); then
    # Running (maybe still starting): wait for it rather than starting a second one.
    wait_until 90 _kafka_probe || fail kafka "broker pid $pid does not answer on 127.0.0.1:$ONAIR_KAFKA_PORT" "$log"
    env_set ONAIR_KAFKA_BROKERS "127.0.0.1:$ONAIR_KAFKA_PORT"; return 0
  fi
  if port_open "$ONAIR_KAFKA_PORT" || port_open "$ONAIR_KAFKA_CONTROLLER_PORT"; then
    fail kafka "port $ONAIR_KAFKA_PORT or $ONAIR_KAFKA_CONTROLLER_PORT is taken by another process"
  fi

  _kafka_fetch
  _kafka_write_config
  for attempt in 1 2; do
    _kafka_prepare_storage
    _kafka_start_and_wait && break
    # A port taken between our check and the bind (another listener, or a client's connection
    # holding it as its source port) is no storage problem: setting the data aside would lose it.
    if _kafka_new_log | grep -E 'failed to bind|Address already in use' >/dev/null; then
      fail kafka "port $ONAIR_KAFKA_PORT or $ONAIR_KAFKA_CONTROLLER_PORT is taken (data left in place)" "$log"
    fi
    # Died before ready. Storage Kafka refuses (after an unclean kill or a foreign cluster id)
    # is set aside once and the start retried; any other cause is reported as is.
    if [ "$attempt" = 1 ] && _kafka_new_log | grep -E 'InconsistentClusterIdException|Invalid cluster\.id|meta\.properties|not formatted|CorruptRecordException|KafkaStorageException|Error while loading log dir|bootstrap\.checkpoint' >/dev/null; then
      _kafka_set_aside "the broker refused its data folder"
      continue
    fi
    fail kafka "broker did not become ready" "$log"
  done
  env_set ONAIR_KAFKA_BROKERS "127.0.0.1:$ONAIR_KAFKA_PORT"
}

# server.log written since this start (older runs also say "Kafka Server started").
_kafka_new_log() {
  local f; f="$(_kafka_dir)/logs/server.log"
  [ -f "$f" ] || return 0
  if [ "$(stat -c %s "$f")" -ge "${_kafka_log_offset:-0}" ]; then tail -c +"$(( ${_kafka_log_offset:-0} + 1 ))" "$f"; else cat "$f"; fi
}

_kafka_start_and_wait() {
  local d pidf pid start
  d=$(_kafka_dir); pidf="$d/kafka.pid"
  _kafka_log_offset=$(stat -c %s "$d/logs/server.log" 2>/dev/null || echo 0)
  step "kafka: starting Kafka $KAFKA_VERSION on 127.0.0.1:$ONAIR_KAFKA_PORT (log: $d/logs/server.log)"
  # setsid: own session, survives the calling shell; the wrapper writes its pid, moves to our
  # folder (not the caller's), then becomes java.
  setsid bash -c 'echo $$ >"$0"; cd "$1" || exit 1; shift; exec "$@"' "$pidf" "$d" \
    "$(_kafka_java)" -Xms128m -Xmx256m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafka.logs.dir="$d/logs" -Dlog4j2.configurationFile="$d/config/log4j2.properties" \
    -cp "$(_kafka_libs)/*" kafka.Kafka "$d/config/server.properties" \
    >>"$d/logs/kafka.out" 2>&1 </dev/null 9>&- &
  start=$SECONDS
  wait_until 5 test -s "$pidf" || true
  pid=$(cat "$pidf" 2>/dev/null || true)
  wait_until 10 _kafka_is_ours "$pid" || true          # the wrapper has exec'd java
  while :; do
    _kafka_is_ours "$pid" || { rm -f "$pidf"; return 1; }
    # Not `grep -q`: it stops reading at the first match, the log's writer dies of SIGPIPE, and
    # under pipefail the match counts as a failure once the new log outgrows the pipe's buffer
    # (a broker that loads many groups at start): starts then "timed out" though it was ready.
    if _kafka_new_log | grep 'Kafka Server started' >/dev/null && port_open "$ONAIR_KAFKA_PORT" && _kafka_probe; then return 0; fi
    if [ $((SECONDS - start)) -ge 120 ]; then _kafka_stop "$pid" 10; return 1; fi
    sleep 1
    [ $(((SECONDS - start) % 10)) -eq 0 ] && printf '    ... kafka: %ss\n' "$((SECONDS - start))" >&2
  done
}

kafka_down() {
  mkdir -p "$(_kafka_dir)"
  ( flock -w 600 9 || exit 1
    pid=$(_kafka_pid) || exit 0
    step "kafka: stopping (pid $pid)"
    _kafka_stop "$pid" 30
  ) 9>"$(_kafka_dir)/.lock"
}

kafka_status() {
  local pid
  if ! pid=$(_kafka_pid); then echo "127.0.0.1:$ONAIR_KAFKA_PORT not running"; return 1; fi
  if ! _kafka_probe; then echo "127.0.0.1:$ONAIR_KAFKA_PORT pid $pid not answering"; return 1; fi
  echo "127.0.0.1:$ONAIR_KAFKA_PORT pid $pid Kafka $KAFKA_VERSION (KRaft, cluster $(cat "$(_kafka_dir)/cluster.id" 2>/dev/null))"
}

kafka_logs() {
  local d; d="$(_kafka_dir)/logs"
  echo "$d/server.log"; echo "$d/kafka.out"; echo "$d/format.log"; echo "$d/fetch.log"
}
