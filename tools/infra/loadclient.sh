# Infra part "loadclient": the WebRTC load client (tools/loadclient, Go + pion) built into
# .onair/bin, and the clip it publishes to LiveKit (VP8 at 320x180, 640x360 and 1280x720 +
# Opus, made once by ffmpeg into the cache). The build runs at every `up` (Go's build cache
# makes an unchanged one take seconds) so tests never run a stale client.
# Sourced by tools/lib/infra.sh after media-tools (ffmpeg): defines functions only.

LOADCLIENT_BIN="$ONAIR_STATE/bin/loadclient"
LOADCLIENT_CLIP_DIR="$ONAIR_CACHE/loadclient-clip-v2"   # bump the suffix when the recipe changes
LOADCLIENT_LOG="$ONAIR_STATE/logs/loadclient-build.log"

loadclient_up() {
  command -v go >/dev/null || fail loadclient "go is not installed (needed to build tools/loadclient)"
  mkdir -p "$(dirname "$LOADCLIENT_BIN")" "$(dirname "$LOADCLIENT_LOG")" && : >"$LOADCLIENT_LOG"
  run_logged "$LOADCLIENT_LOG" "go build tools/loadclient (about 1.5 min on an empty Go cache)" \
    env CGO_ENABLED=0 sh -c 'cd "$1/tools/loadclient" && go build -o "$2" .' _ "$ONAIR_ROOT" "$LOADCLIENT_BIN" \
    || fail loadclient "go build of tools/loadclient failed" "$LOADCLIENT_LOG"
  [ -f "$LOADCLIENT_CLIP_DIR/.complete" ] || _loadclient_make_clip
  env_set ONAIR_LOADCLIENT_BIN "$LOADCLIENT_BIN"
  env_set ONAIR_LOADCLIENT_CLIP "$LOADCLIENT_CLIP_DIR"
}

# 10 s looped: a key frame every second in each layer (the clip cannot answer a PLI, so a new
# subscriber waits for the next one); 150/500/800 kbps, under the studio page's caps
# (150/500/1200) and with the top layer under the SFU's initial bandwidth estimate (1 Mbps), so
# both SFUs forward 1280x720 from the start; Opus in one packet per Ogg page (20 ms), which the
# client reads page by page.
_loadclient_make_clip() {
  local tmp; tmp=$(mktemp -d "$ONAIR_CACHE/.loadclient-clip.XXXX")
  local vp8=(-c:v libvpx -g 30 -deadline realtime -cpu-used 8)
  run_logged "$LOADCLIENT_LOG" "ffmpeg: the load client's VP8 simulcast + Opus clip" sh -c '
    cd "$1" && shift && ffmpeg -hide_banner -loglevel error -y \
      -f lavfi -i testsrc2=size=1280x720:rate=30:duration=10 \
      -filter_complex "[0:v]split=3[a][b][c];[a]scale=320:180[lo];[b]scale=640:360[mid]" \
      -map "[lo]" "$@" -b:v 150k video-180.ivf -map "[mid]" "$@" -b:v 500k video-360.ivf \
      -map "[c]" "$@" -b:v 800k video-720.ivf &&
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i sine=frequency=440:sample_rate=48000:duration=10 \
      -c:a libopus -b:a 64k -ac 2 -page_duration 20000 audio.ogg' _ "$tmp" "${vp8[@]}" \
    || { rm -rf "$tmp"; fail loadclient "ffmpeg could not make the clip" "$LOADCLIENT_LOG"; }
  touch "$tmp/.complete" && chmod 755 "$tmp"
  rm -rf "$LOADCLIENT_CLIP_DIR" && mv -T "$tmp" "$LOADCLIENT_CLIP_DIR"
}

loadclient_down() { :; }

loadclient_status() {
  local ok=1
  [ -x "$LOADCLIENT_BIN" ] || ok=0
  [ -f "$LOADCLIENT_CLIP_DIR/.complete" ] || ok=0
  echo "client $([ -x "$LOADCLIENT_BIN" ] && echo built || echo missing), clip $([ -f "$LOADCLIENT_CLIP_DIR/.complete" ] && echo made || echo missing)"
  [ $ok -eq 1 ]
}

loadclient_logs() { echo "$LOADCLIENT_LOG"; }
