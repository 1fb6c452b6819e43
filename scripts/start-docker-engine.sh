#!/usr/bin/env bash
# Makes sure a Docker engine answers, starting dockerd in the background if none does.
# An engine that already answers is left alone (never killed or restarted).
#
# dockerd runs with its defaults except for an explicit --storage-driver=overlay2; when a
# start fails, the log decides the next try, so a machine that lacks a feature still gets
# an engine:
#   overlay2 / graphdriver error -> --storage-driver=vfs (slow, but works on any fs)
#   iptables error               -> the legacy iptables backend (via PATH, the system's
#                                   alternatives are not touched), then --iptables=false
#
# Env: DOCKER_HOST (unix:// only when starting), BERTH_DOCKERD_LOG (default
# /tmp/berth-dockerd.log), BERTH_DOCKERD_WAIT_S (default 60), BERTH_DOCKERD_ARGS (extra
# flags, split on spaces: e.g. a separate --data-root/--exec-root/--pidfile).
set -euo pipefail

export PATH="$PATH:/usr/sbin:/sbin"
log="${BERTH_DOCKERD_LOG:-/tmp/berth-dockerd.log}"
wait_s="${BERTH_DOCKERD_WAIT_S:-60}"
read -r -a extra_args <<<"${BERTH_DOCKERD_ARGS:-}"
say() { echo "start-docker-engine: $*"; }
now_ms() { date +%s%3N; }

engine_answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_answers; then
  say "an engine already answers (server $(docker version --format '{{.Server.Version}}' 2>/dev/null)); leaving it alone"
  exit 0
fi

command -v dockerd >/dev/null || { say "dockerd is not installed (apt-get install docker.io)"; exit 1; }
command -v docker >/dev/null || { say "the docker CLI is not installed (apt-get install docker.io)"; exit 1; }

host_args=()
case "${DOCKER_HOST:-}" in
  "" | unix:///var/run/docker.sock | unix:///run/docker.sock) ;;
  unix://*) host_args=(-H "$DOCKER_HOST") ;;
  *) say "DOCKER_HOST=$DOCKER_HOST does not answer and is not a local unix socket; not starting dockerd"; exit 1 ;;
esac

# A dockerd that is still starting (say, one apt's postinst launched) owns the pid file, and
# a second one would refuse to start: wait for that one instead.
pidfile=/var/run/docker.pid
if [[ ${#host_args[@]} -eq 0 && -z "${BERTH_DOCKERD_ARGS:-}" && -s $pidfile ]] &&
  kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  running_pid="$(cat "$pidfile")"
  say "dockerd pid $running_pid is running but not answering yet; waiting up to ${wait_s}s"
  for (( i = 0; i < wait_s * 2; i++ )); do
    if engine_answers; then say "engine up (pid $running_pid)"; exit 0; fi
    kill -0 "$running_pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$running_pid" 2>/dev/null; then
    say "dockerd pid $running_pid never answered; not starting another (see its log, or stop it)"
    exit 1
  fi
fi

# iptables-legacy reached through a private PATH entry named 'iptables', so only dockerd sees it.
legacy_dir="/tmp/berth-iptables-legacy"
use_legacy_iptables() {
  command -v iptables-legacy >/dev/null || return 1
  iptables-legacy -t nat -L -n >/dev/null 2>&1 || return 1
  mkdir -p "$legacy_dir"
  local tool
  for tool in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    command -v "${tool/tables/tables-legacy}" >/dev/null &&
      ln -sfn "$(command -v "${tool/tables/tables-legacy}")" "$legacy_dir/$tool"
  done
  return 0
}

storage="overlay2"
iptables_mode="default" # default -> legacy -> off
dockerd_path="$PATH"

for attempt in 1 2 3 4; do
  flags=(--storage-driver="$storage" "${host_args[@]}" "${extra_args[@]}")
  [[ $iptables_mode == off ]] && flags+=(--iptables=false --ip-masq=false)
  offset=$(( $( [[ -f $log ]] && stat -c %s "$log" || echo 0) + 1 ))
  echo "==== $(date -u +%FT%TZ) attempt $attempt: dockerd ${flags[*]} (iptables: $iptables_mode)" >>"$log"
  say "attempt $attempt: dockerd ${flags[*]} (iptables: $iptables_mode), log $log"
  started=$(now_ms)
  # setsid: the engine outlives this script and the CI step that ran it.
  PATH="$dockerd_path" setsid dockerd "${flags[@]}" </dev/null >>"$log" 2>&1 &
  pid=$!
  up=0
  while (( $(now_ms) - started < wait_s * 1000 )); do
    if engine_answers; then up=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if (( up )); then
    say "engine up after $(( $(now_ms) - started )) ms (pid $pid, storage $storage, iptables $iptables_mode)"
    exit 0
  fi
  # Only the fatal/error lines decide: info lines mention overlay and iptables all the time.
  failure="$(tail -c +"$offset" "$log" | grep -iE 'failed to start daemon|level=(fatal|error)' || true)"
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd (pid $pid) is running but did not answer within ${wait_s}s; last lines of $log:"
    tail -n 40 "$log"
    exit 1
  fi
  wait "$pid" || true
  if [[ $storage == overlay2 ]] && grep -qiE 'graphdriver|overlay' <<<"$failure"; then
    say "overlay2 is unusable here; retrying with vfs"
    storage="vfs"
  elif [[ $iptables_mode == default ]] && grep -qi 'iptables' <<<"$failure" && use_legacy_iptables; then
    say "iptables failed; retrying with the legacy iptables backend"
    iptables_mode="legacy"
    dockerd_path="$legacy_dir:$PATH"
  elif [[ $iptables_mode != off ]] && grep -qi 'iptables' <<<"$failure"; then
    say "iptables is unusable; retrying with --iptables=false (published ports use docker-proxy only)"
    iptables_mode="off"
    dockerd_path="$PATH"
  else
    break
  fi
done

say "could not start dockerd; last lines of $log:"
tail -n 40 "$log"
exit 1
