# infra up|down|status|logs: each part lives in tools/infra/<part>.sh and defines
# <part>_up (idempotent, waits until ready), <part>_down, <part>_status (one line; exit 0 when
# healthy) and <part>_logs (prints its log file paths).
INFRA_PARTS=(media-tools pki mediasoup postgres kafka elasticsearch livekit loadclient)
# Parts only a benchmark needs: started when named (a bench's `// needs:` line), never by default,
# so `tools/onair up` and `tools/onair test` do not build them.
INFRA_ON_DEMAND_PARTS=(k6)

for _p in "${INFRA_PARTS[@]}" "${INFRA_ON_DEMAND_PARTS[@]}"; do source "$ONAIR_ROOT/tools/infra/$_p.sh"; done

_fn() { echo "${1//-/_}_$2"; }

infra_cmd() {
  local action=${1:-status}; shift || true
  local parts=("$@"); [ ${#parts[@]} -eq 0 ] && parts=("${INFRA_PARTS[@]}")
  local p
  for p in "${parts[@]}"; do
    [[ " ${INFRA_PARTS[*]} ${INFRA_ON_DEMAND_PARTS[*]} " == *" $p "* ]] || { echo "unknown part: $p (parts: ${INFRA_PARTS[*]} ${INFRA_ON_DEMAND_PARTS[*]})" >&2; exit 2; }
  done
  case "$action" in
    up)
      # `|| return 1`, not errexit: callers run this inside `a && b` lists, where bash ignores
      # `set -e`, and a part whose start failed must stop everything after it.
      for p in "${parts[@]}"; do "$(_fn "$p" up)" || return 1; ok "$p: $("$(_fn "$p" status)" || true)"; done ;;
    down)
      local i; for ((i=${#parts[@]}-1; i>=0; i--)); do "$(_fn "${parts[$i]}" down)" || return 1; done ;;
    status)
      local bad=0 line
      for p in "${parts[@]}"; do
        if line=$("$(_fn "$p" status)" 2>&1); then printf '%-14s healthy  %s\n' "$p" "$line"
        else printf '%-14s DOWN     %s\n' "$p" "$line"; bad=1; fi
      done
      return $bad ;;
    logs)
      for p in "${parts[@]}"; do "$(_fn "$p" logs)"; done ;;
    *) echo "usage: tools/onair infra up|down|status|logs [part...]" >&2; exit 2 ;;
  esac
}
