# Infra part "media-tools": ffmpeg (synthetic RTP feeds and test cameras) and Chromium (headless
# WebRTC publisher/viewer driven by playwright-core). Both come from Debian; no browser downloads.
# Sourced by tools/lib/infra.sh: defines functions only.

MEDIA_TOOLS_LOG="$ONAIR_STATE/logs/apt.log"   # apt_ensure writes here; nothing else to log

# Flags the recipe found necessary for headless WebRTC as root on these machines; also used for
# the start check below so "up" proves the same browser the tests will launch can start.
MEDIA_TOOLS_CHROMIUM_FLAGS=(
  --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
)

media_tools_up() {
  # --no-install-recommends (apt_ensure's default) leaves out fonts: without any font Chromium
  # still runs, but pages render no text and screenshots are blank boxes. fonts-liberation is
  # the font set Debian's chromium recommends; fonts-dejavu-core covers the rest of Unicode-ish.
  # iproute2: `tc`, with which a test gives one viewer a narrow downlink (libs/testing network-shaping).
  apt_ensure ffmpeg chromium fonts-liberation fonts-dejavu-core iproute2

  local ffmpeg_bin chromium_bin=/usr/bin/chromium
  ffmpeg_bin=$(command -v ffmpeg) || fail media-tools "ffmpeg not on PATH after install" "$MEDIA_TOOLS_LOG"
  [ -x "$chromium_bin" ] || fail media-tools "$chromium_bin missing after install" "$MEDIA_TOOLS_LOG"

  # Installed is not the same as runnable: a missing shared library or a sandbox problem only
  # shows when the browser starts. Load a trivial page headless and expect its DOM back.
  local out logf="$ONAIR_STATE/logs/media-tools.log"
  mkdir -p "$(dirname "$logf")"
  local profile; profile=$(mktemp -d "${TMPDIR:-/tmp}/onair-chromium.XXXX")
  out=$(timeout 60 "$chromium_bin" "${MEDIA_TOOLS_CHROMIUM_FLAGS[@]}" --user-data-dir="$profile" \
        --dump-dom 'data:text/html,<p>onair-ok</p>' 2>>"$logf") || true
  rm -rf "$profile"
  [[ "$out" == *onair-ok* ]] || fail media-tools "chromium does not start headless" "$logf"

  env_set ONAIR_FFMPEG_BIN "$ffmpeg_bin"
  env_set ONAIR_CHROMIUM_BIN "$chromium_bin"
}

# Nothing runs in the background: these are plain binaries.
media_tools_down() { :; }

media_tools_status() {
  local ff cr
  ff=$(ffmpeg -hide_banner -version 2>/dev/null | awk 'NR==1{print $3}')
  cr=$(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')
  echo "ffmpeg ${ff:-missing}, chromium ${cr:-missing}"
  [ -n "$ff" ] && [ -n "$cr" ]
}

media_tools_logs() {
  echo "$MEDIA_TOOLS_LOG"
  echo "$ONAIR_STATE/logs/media-tools.log"
}
