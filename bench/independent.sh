# Rows of bench/compare.sh driven by clients that share no code with Ferry: ngtcp2's gtlsclient for HTTP/3 and
# QUIC, curl for TCP. Sourced by compare.sh, whose helpers (bench, free_port, log, pids, work, dist, relay_pid)
# it uses. Each row writes one JSON file into $work/json, read by report.py.
#
# Relay CPU is utime + stime of the relay process from /proc/PID/stat over the timed command, in seconds.

clock_ticks=$(getconf CLK_TCK)
cpu_seconds() {  # cpu_seconds PID: user + system CPU of PID so far
  awk -v hz="$clock_ticks" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}
now_ns() { date +%s%N; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b - a) / 1e9}'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }

# timed_run PID LOG CMD...: runs CMD with its output appended to LOG, prints "wall_seconds relay_cpu_seconds exit"
timed_run() {
  local pid=$1 out=$2 start end cpu0 cpu1 rc=0; shift 2
  cpu0=$(cpu_seconds "$pid"); start=$(now_ns)
  "$@" >>"$out" 2>&1 || rc=$?
  end=$(now_ns); cpu1=$(cpu_seconds "$pid")
  echo "$(seconds_between "$start" "$end") $(minus "$cpu1" "$cpu0") $rc"
}

# runs_json FILE NAME UNIT COUNT "wall cpu rc" ...: the first run is cold, the rest warm
runs_json() {
  local file=$1 name=$2 unit=$3 count=$4; shift 4
  local first=true runs=""
  for r in "$@"; do
    read -r wall cpu rc <<<"$r"
    runs+="$([[ $first == true ]] || echo ,){\"seconds\":$wall,\"relay_cpu_seconds\":$cpu,\"exit\":$rc}"
    first=false
  done
  printf '{"name":"%s","unit":"%s","count":%s,"runs":[%s]}\n' "$name" "$unit" "$count" "$runs" >"$file"
}

# Warm: the median of 15 runs. Ferry's JIT keeps improving the path for the first 20,000 or so requests.
burst_runs=15
gtls_burst() {  # gtls_burst RELAY PORT cold|warm: 1000 x 1 KiB on one connection, as many streams as allowed
  local relay=$1 port=$2 phase=$3 n=1 results=()
  [[ $phase == warm ]] && n=$burst_runs
  for _ in $(seq "$n"); do
    results+=("$(timed_run "$relay_pid" "$work/logs/gtls-burst-$relay.log" timeout 60 gtlsclient -q -n 1000 \
      --exit-on-all-streams-close 127.0.0.1 "$port" "https://127.0.0.1:$port/1k")")
  done
  runs_json "$work/json/burst-$relay-$phase.json" "burst" requests 1000 "${results[@]}"
  log "$relay: gtlsclient 1000 x 1 KiB ($phase): ${results[*]}"
}

gtls_download() {  # gtls_download RELAY PORT: 100 MiB with sha256 check, 3 runs
  local relay=$1 port=$2 dir=$work/gtls-$1 results=() equal=true r
  mkdir -p "$dir"
  for _ in 1 2 3; do
    r=$(timed_run "$relay_pid" "$work/logs/gtls-$relay.log" timeout 120 gtlsclient -q --exit-on-all-streams-close \
      --download="$dir" 127.0.0.1 "$port" "https://127.0.0.1:$port/100m")
    [[ -f $dir/100m && $(sha256sum "$dir/100m" | cut -d' ' -f1) == "$origin_sha" ]] || { equal=false; r="${r% *} 1"; }
    rm -f "$dir/100m"
    results+=("$r")
  done
  runs_json "$work/json/gtls-$relay.json" "download" bytes $((100 * 1024 * 1024)) "${results[@]}"
  # Carry the hash verdict next to the runs.
  sed -i "s/^{/{\"sha256_equal\":$equal,/" "$work/json/gtls-$relay.json"
  log "$relay: gtlsclient 100 MiB sha256 $([[ $equal == true ]] && echo equal || echo DIFFERENT): ${results[*]}"
}

# tunnel_rows PORT: Ferry only (Caddy has no tunnels). Each transfer runs direct and through the relay in turns
# (direct, tunnel, direct, tunnel, ...) so that a change in the machine's load hits both alike.
tunnel_rows() {
  local port=$1 gport tport cport i d t
  # gtlsserver: the far end of the QUIC-inside-CONNECT-UDP row, serving the same files as nginx.
  gport=$(free_port)
  gtlsserver -q -d "$work/www" 127.0.0.1 "$gport" "$work/tls/key.pem" "$work/tls/cert.pem" \
    >"$work/logs/gtlsserver.log" 2>&1 &
  local gpid=$!
  pids+=("$gpid")
  tport=$(free_port)
  java -jar "$dist/ferry.jar" tunnel udp -k --via "https://127.0.0.1:$port" --target "127.0.0.1:$gport" \
    --listen "127.0.0.1:$tport" >"$work/logs/tunnel-udp.log" 2>&1 &
  local upid=$!
  pids+=("$upid")
  cport=$(free_port)
  java -jar "$dist/ferry.jar" tunnel tcp -k --via "https://127.0.0.1:$port" --target "127.0.0.1:$origin_port" \
    --listen "127.0.0.1:$cport" >"$work/logs/tunnel-tcp.log" 2>&1 &
  local cpid=$!
  pids+=("$cpid")
  for _ in $(seq 100); do
    grep -q "ferry tunnel: udp" "$work/logs/tunnel-udp.log" 2>/dev/null \
      && grep -q "ferry tunnel: tcp" "$work/logs/tunnel-tcp.log" 2>/dev/null && break
    sleep 0.2
  done
  local gdir=$work/gtls-tunnel direct=() tunnel=() tdirect=() ttunnel=()
  mkdir -p "$gdir"
  fetch_udp() {  # fetch_udp PORT: 10 MiB over QUIC from gtlsserver (directly or through the tunnel's port)
    timeout 120 gtlsclient -q --exit-on-all-streams-close --download="$gdir" 127.0.0.1 "$1" \
      "https://localhost:$gport/10m"
    local ok=$?
    [[ -f $gdir/10m && $(sha256sum "$gdir/10m" | cut -d' ' -f1) == "$ten_sha" ]] || ok=1
    rm -f "$gdir/10m"
    return $ok
  }
  fetch_tcp() {  # fetch_tcp PORT: 100 MiB over HTTP/1.1 from nginx (directly or through the CONNECT tunnel)
    curl -sf -o /dev/null --max-time 120 "http://127.0.0.1:$1/100m" -H "Host: 127.0.0.1:$origin_port"
  }
  # One untimed round each way warms the tunnel client's and the relay's JIT.
  fetch_udp "$tport" >>"$work/logs/gtls-tunnel.log" 2>&1 || true
  fetch_tcp "$cport" >>"$work/logs/curl-tunnel.log" 2>&1 || true
  for i in 1 2 3; do
    direct+=("$(timed_run "$relay_pid" "$work/logs/gtls-tunnel.log" fetch_udp "$gport")")
    tunnel+=("$(timed_run "$relay_pid" "$work/logs/gtls-tunnel.log" fetch_udp "$tport")")
    tdirect+=("$(timed_run "$relay_pid" "$work/logs/curl-tunnel.log" fetch_tcp "$origin_port")")
    ttunnel+=("$(timed_run "$relay_pid" "$work/logs/curl-tunnel.log" fetch_tcp "$cport")")
  done
  runs_json "$work/json/tunnel-udp-direct.json" "quic-direct" bytes $((10 * 1024 * 1024)) "${direct[@]}"
  runs_json "$work/json/tunnel-udp-relay.json" "quic-in-connect-udp" bytes $((10 * 1024 * 1024)) "${tunnel[@]}"
  runs_json "$work/json/tunnel-tcp-direct.json" "tcp-direct" bytes $((100 * 1024 * 1024)) "${tdirect[@]}"
  runs_json "$work/json/tunnel-tcp-relay.json" "tcp-in-connect" bytes $((100 * 1024 * 1024)) "${ttunnel[@]}"
  log "ferry: QUIC direct ${direct[*]}; inside CONNECT-UDP ${tunnel[*]}"
  log "ferry: TCP direct ${tdirect[*]}; inside CONNECT ${ttunnel[*]}"
  kill -INT "$upid" "$cpid" 2>/dev/null || true
  sleep 1
  kill "$gpid" "$upid" "$cpid" 2>/dev/null || true
  grep -h 'datagrams\|bytes' "$work/logs/tunnel-udp.log" "$work/logs/tunnel-tcp.log" 2>/dev/null | sed 's/^/  /' >&2 || true
  echo_rows "$port"
}

# sockperf_run PORT MODE: one sockperf client run against PORT, printing "answers seconds avg_us p99_us relay_cpu"
# (MODE pp: one datagram in flight at a time; ul: as fast as it can send, every datagram answered).
echo_seconds=4
echo_size=1200
sockperf_run() {
  local port=$1 mode=$2 out cpu0 cpu1 extra=()
  [[ $mode == ul ]] && extra=(--mps=max --reply-every=1)
  out=$(mktemp "$work/logs/sockperf.XXXXXX")
  cpu0=$(cpu_seconds "$relay_pid")
  sockperf "$mode" -i 127.0.0.1 -p "$port" -t "$echo_seconds" -m "$echo_size" "${extra[@]}" >"$out" 2>&1 || true
  cpu1=$(cpu_seconds "$relay_pid")
  cat "$out" >>"$work/logs/sockperf.log"
  awk -v cpu="$(minus "$cpu1" "$cpu0")" '
    /Valid Duration/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "RunTime") t = kv[2] + 0;
                       if (kv[1] == "ReceivedMessages") n = kv[2] + 0 } }
    /Summary: Latency is/ { avg = $(NF - 1) }
    /percentile 99.000/ { p99 = $NF }
    END { printf "%d %.3f %.1f %.1f %s\n", n, t, avg, p99, cpu }' "$out"
  rm -f "$out"
}

# echo_rows PORT: UDP echo (sockperf's server) directly and through `ferry tunnel udp`, alternating.
echo_rows() {
  local port=$1 sport eport spid epid mode i rows
  sport=$(free_port)
  sockperf sr -i 127.0.0.1 -p "$sport" >"$work/logs/sockperf-server.log" 2>&1 &
  spid=$!
  pids+=("$spid")
  eport=$(free_port)
  java -jar "$dist/ferry.jar" tunnel udp -k --via "https://127.0.0.1:$port" --target "127.0.0.1:$sport" \
    --listen "127.0.0.1:$eport" >"$work/logs/tunnel-echo.log" 2>&1 &
  epid=$!
  pids+=("$epid")
  for _ in $(seq 100); do grep -q "ferry tunnel: udp" "$work/logs/tunnel-echo.log" 2>/dev/null && break; sleep 0.2; done
  # Untimed: warms the tunnel client's and the relay's JIT on this path.
  sockperf_run "$eport" ul >/dev/null
  for mode in pp ul; do
    local direct_runs=() relay_runs=()
    for i in 1 2 3; do
      direct_runs+=("$(sockperf_run "$sport" "$mode")")
      relay_runs+=("$(sockperf_run "$eport" "$mode")")
    done
    for rows in direct relay; do
      local -n list="${rows}_runs"
      printf '{"name":"echo-%s-%s","size":%d,"runs":[%s]}\n' "$mode" "$rows" "$echo_size" "$(for r in "${list[@]}"; do
        read -r n t avg p99 cpu <<<"$r"
        printf '{"answers":%s,"seconds":%s,"avg_us":%s,"p99_us":%s,"relay_cpu_seconds":%s},' \
          "$n" "$t" "$avg" "$p99" "$cpu"; done | sed 's/,$//')" >"$work/json/echo-$mode-$rows.json"
      unset -n list
    done
    log "ferry: UDP echo ($mode) direct ${direct_runs[*]}; inside CONNECT-UDP ${relay_runs[*]}"
  done
  kill -INT "$epid" 2>/dev/null || true
  sleep 1
  kill "$spid" "$epid" 2>/dev/null || true
  grep -h 'datagrams' "$work/logs/tunnel-echo.log" 2>/dev/null | sed 's/^/  /' >&2 || true
}
