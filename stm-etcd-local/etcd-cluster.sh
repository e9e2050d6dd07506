#!/usr/bin/env bash
# A local etcd cluster of 3 members on loopback (127.0.0.1), in the background, for stm4j's demo,
# tests and users. Pure bash and curl: it needs neither Maven nor Java.
#
#   etcd-cluster.sh start [DIR]    start 3 members on free ports, wait until they agree on a leader,
#                                  print the client URLs (comma-separated) and write them to DIR/endpoints,
#                                  the members' PIDs to DIR/pids. A cluster already running there is
#                                  reused when it is healthy.
#   etcd-cluster.sh stop [DIR]     kill the members listed in DIR/pids (SIGKILL), wait until they are gone,
#                                  delete their data.
#   etcd-cluster.sh status [DIR]   one line per member; exit 0 only when every member answers and all agree
#                                  on a leader.
#
# DIR defaults to ${TMPDIR:-/tmp}/stm4j-etcd. The etcd binary: $ETCD_BINARY, else etcd on PATH, else
# /usr/bin/etcd. Exit codes: 0 done, 1 failed (the message names the member, its ports and its log's last
# lines), 2 bad usage or etcd not installed.
#
# The flags match io.stm4j.etcd.local.LocalEtcdCluster: short raft timers so that a leader is elected in
# under a second on 2 cores, warn-level logs, no fsync when this etcd supports it (data of a test cluster
# need not survive a power cut), a 256 MiB backend quota, and no auto-compaction (tests compact explicitly).
set -euo pipefail

readonly MEMBERS=3
readonly START_TIMEOUT_S=20
readonly STOP_TIMEOUT_S=10

die() { echo "etcd-cluster.sh: $*" >&2; exit 1; }
usage() {
  echo "usage: etcd-cluster.sh start|stop|status [DIR]   (DIR defaults to \${TMPDIR:-/tmp}/stm4j-etcd)" >&2
  exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
cmd=$1
dir=${2:-${TMPDIR:-/tmp}/stm4j-etcd}
case "$cmd" in start|stop|status) ;; *) usage ;; esac
# absolute, so that the --data-dir that identifies our members is the same whatever the caller's cwd
dir=$(realpath -m -- "$dir")
command -v curl >/dev/null || { echo "etcd-cluster.sh: curl is not installed (sudo apt-get install curl)" >&2; exit 2; }

find_etcd() {
  if [ -n "${ETCD_BINARY:-}" ]; then
    [ -x "$ETCD_BINARY" ] && { echo "$ETCD_BINARY"; return 0; }
    echo "etcd-cluster.sh: ETCD_BINARY=$ETCD_BINARY is not an executable file" >&2
    return 1
  fi
  command -v etcd 2>/dev/null && return 0
  [ -x /usr/bin/etcd ] && { echo /usr/bin/etcd; return 0; }
  return 1
}

# alive PID: the process exists and is not a zombie. A member started here outlives this script and is
# then a child of PID 1, which in a container may never reap it: a killed member stays a zombie there.
alive() {
  local pid=$1 state
  if [ -r "/proc/$pid/stat" ]; then
    state=$(sed 's/^.*) \(.\).*$/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
  else
    kill -0 "$pid" 2>/dev/null
  fi
}

# ours PID: alive and an etcd whose data dir is under $dir, so that a PID reused by another process
# since the start is never signalled
ours() {
  local pid=$1
  alive "$pid" || return 1
  [ -r "/proc/$pid/cmdline" ] || return 0
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "--data-dir $dir/member-"
}

# a port that nothing on loopback listens on now, below Linux's ephemeral range (32768 and up) so that
# no outgoing connection takes it meanwhile; taken already is caught at start (bind error: retry)
pick_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [[ " ${ports[*]:-} " == *" $p "* ]] && continue
    # a refused connection (the usual case) means the port is free
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

# status_field URL FIELD: the decimal FIELD of URL's /v3/maintenance/status, empty if it does not answer
status_field() {
  curl -s -m 1 -X POST "$1/v3/maintenance/status" -d '{}' 2>/dev/null \
    | sed -n "s/.*\"$2\":\"\([0-9]*\)\".*/\1/p" || true
}

# log_tail MEMBER: the first 3 lines of its log (where etcd says why it would not start, before its usage
# text) and the last 12, indented
log_tail() {
  local log="$dir/member-$1/etcd.log"
  [ -f "$log" ] || { echo "    (no log)"; return 0; }
  if [ ! -s "$log" ]; then
    echo "    (empty)"
  elif [ "$(wc -l < "$log")" -le 15 ]; then
    sed 's/^/    /' "$log"
  else
    { head -n 3 "$log"; echo "..."; tail -n 12 "$log"; } | sed 's/^/    /'
  fi
}

describe() { echo "member-$1 (pid ${pids[$1]:-none}, client port ${cports[$1]}, peer port ${pports[$1]})"; }

read_state() {
  pids=(); endpoints=()
  [ -f "$dir/pids" ] && read -r -a pids < <(tr ',' ' ' < "$dir/pids")
  [ -f "$dir/endpoints" ] && read -r -a endpoints < <(tr ',' ' ' < "$dir/endpoints")
  return 0
}

# healthy: every member answers status and all name the same non-zero leader. The members are asked at
# once: one that has bound its port but is not ready yet holds the request until it is (or until curl's
# 1 s), and asking one after the other would add those waits up.
healthy() {
  local leader="" l i asks=()
  [ ${#endpoints[@]} -gt 0 ] || return 1
  for i in "${!endpoints[@]}"; do
    status_field "${endpoints[$i]}" leader > "$dir/.leader-$i" &
    asks+=($!)
  done
  # these PIDs only: a bare wait would wait for the members started in the background too
  wait "${asks[@]}"
  for i in "${!endpoints[@]}"; do
    l=$(cat "$dir/.leader-$i"); rm -f "$dir/.leader-$i"
    [ -n "$l" ] && [ "$l" != 0 ] || return 1
    [ -z "$leader" ] || [ "$l" = "$leader" ] || return 1
    leader=$l
  done
}

# healthy_within SECONDS: healthy, asked again until SECONDS have passed; a running cluster can be
# briefly unhealthy (a slow answer on a loaded machine, a leader election) without being broken
healthy_within() {
  local end=$((SECONDS + $1))
  until healthy; do
    [ $SECONDS -lt "$end" ] || return 1
    sleep 0.2
  done
}

# kill_pids SIGNAL TIMEOUT_S: signal every member of ours, wait until all have exited; returns 1 if one
# outlived the wait
kill_pids() {
  local sig=$1 timeout=$2 pid deadline
  for pid in "${pids[@]}"; do ours "$pid" && kill "-$sig" "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + timeout))
  for pid in "${pids[@]}"; do
    while ours "$pid"; do
      [ $SECONDS -lt $deadline ] || return 1
      sleep 0.1
    done
  done
}

stop_cluster() {
  read_state
  if [ ${#pids[@]} -gt 0 ]; then
    # SIGKILL: the data is deleted next, so a graceful stop buys nothing, and SIGTERM to all members at
    # once costs seconds (the leader tries to hand its leadership to a follower that is stopping too)
    kill_pids KILL "$STOP_TIMEOUT_S" || die "members $(cat "$dir/pids") still run $STOP_TIMEOUT_S s after SIGKILL"
  fi
  rm -rf "$dir"/member-* "$dir/pids" "$dir/endpoints" "$dir"/.leader-*
  rmdir "$dir" 2>/dev/null || true
}

start_members() {
  local token i cluster="" etcd=$1 extra=()
  token="stm4j-$(date +%s)-$$-$RANDOM"
  ports=(); cports=(); pports=(); pids=(); endpoints=()
  for i in $(seq 0 $((MEMBERS - 1))); do
    cports[$i]=$(pick_port); ports+=("${cports[$i]}")
    pports[$i]=$(pick_port); ports+=("${pports[$i]}")
    cluster+="${cluster:+,}member-$i=http://127.0.0.1:${pports[$i]}"
    endpoints[$i]="http://127.0.0.1:${cports[$i]}"
  done
  # etcd reads ETCD_<FLAG> variables as flags (ETCD_BINARY among them would only be warned about)
  for v in $(compgen -e); do [[ $v == ETCD_* ]] && unset "$v"; done
  # --unsafe-no-fsync exists from etcd 3.4.10 on (Debian's 3.4.23 has it, though --help does not list it)
  if "$etcd" --unsafe-no-fsync --version >/dev/null 2>&1; then extra+=(--unsafe-no-fsync); fi
  for i in $(seq 0 $((MEMBERS - 1))); do
    mkdir -p "$dir/member-$i"
    nohup "$etcd" --name "member-$i" --data-dir "$dir/member-$i/data" \
      --listen-client-urls "${endpoints[$i]}" --advertise-client-urls "${endpoints[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${pports[$i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${pports[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "$token" \
      --heartbeat-interval 50 --election-timeout 500 --quota-backend-bytes 268435456 \
      --logger zap --log-level warn --log-outputs stderr "${extra[@]}" \
      </dev/null >"$dir/member-$i/etcd.log" 2>&1 &
    pids[$i]=$!
  done
  (IFS=,; echo "${pids[*]}" > "$dir/pids"; echo "${endpoints[*]}" > "$dir/endpoints")
}

# wait_healthy: 0 healthy, 1 failed (message printed), 3 a member could not bind its port (try again)
wait_healthy() {
  local deadline=$((SECONDS + START_TIMEOUT_S)) i
  while :; do
    for i in "${!pids[@]}"; do
      if ! alive "${pids[$i]}"; then
        grep -q 'address already in use' "$dir/member-$i/etcd.log" 2>/dev/null && return 3
        echo "etcd-cluster.sh: $(describe "$i") exited while starting; its log:" >&2
        log_tail "$i" >&2
        return 1
      fi
    done
    healthy && return 0
    if [ $SECONDS -ge $deadline ]; then
      echo "etcd-cluster.sh: no leader that all members agree on after ${START_TIMEOUT_S} s" >&2
      for i in "${!pids[@]}"; do
        echo "  $(describe "$i") reports leader '$(status_field "${endpoints[$i]}" leader)'; its log:" >&2
        log_tail "$i" >&2
      done
      return 1
    fi
    sleep 0.2
  done
}

case "$cmd" in
  start)
    etcd=$(find_etcd) || {
      echo "etcd-cluster.sh: etcd is not installed: sudo apt-get install etcd-server (or set ETCD_BINARY)" >&2
      exit 2
    }
    read_state
    if [ ${#pids[@]} -gt 0 ]; then
      all_ours=1
      for pid in "${pids[@]}"; do ours "$pid" || all_ours=0; done
      if [ $all_ours = 1 ] && healthy_within 5; then
        echo "etcd-cluster.sh: reusing the cluster already running in $dir" >&2
        cat "$dir/endpoints"
        exit 0
      fi
      echo "etcd-cluster.sh: stopping what is left of an earlier cluster in $dir" >&2
      stop_cluster
    fi
    mkdir -p "$dir"
    # an interrupted start stops what it started (etcd takes SIGINT back, so a Ctrl-C in this process
    # group reaches the members too; the trap makes sure of the rest and removes the data)
    trap 'stop_cluster; exit 130' INT TERM
    for attempt in 1 2 3; do
      start_members "$etcd"
      rc=0; wait_healthy || rc=$?
      [ $rc = 0 ] && { cat "$dir/endpoints"; exit 0; }
      stop_cluster
      [ $rc = 3 ] || exit 1
      mkdir -p "$dir"
      echo "etcd-cluster.sh: a port was taken meanwhile (attempt $attempt of 3); trying other ports" >&2
    done
    rmdir "$dir" 2>/dev/null || true
    die "every attempt found a port taken"
    ;;
  stop)
    stop_cluster
    ;;
  status)
    read_state
    [ ${#pids[@]} -gt 0 ] || { echo "no cluster in $dir"; exit 1; }
    ok=0; healthy_within 5 || ok=1
    for i in "${!pids[@]}"; do
      state=down; ours "${pids[$i]}" && state=running
      echo "member-$i pid ${pids[$i]} ${endpoints[$i]} $state leader=$(status_field "${endpoints[$i]}" leader)"
    done
    [ $ok = 0 ] && echo "healthy" || echo "not healthy"
    exit $ok
    ;;
esac
