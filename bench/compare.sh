#!/usr/bin/env bash
# Side-by-side HTTP/3 benchmark: nginx as the HTTP/1.1 origin, and in front of it, one after the other, Ferry and
# Caddy (both HTTP/3 on loopback), driven with the same `ferry bench` load. Writes bench/results/report-<date>.md and
# bench/results/latest.md, with Ferry/Caddy ratios and a latency plot. See docs/performance.md.
#
#   bench/compare.sh [--quick] [--no-scale] [--loops 1,2,4] [--no-profile] [--no-independent] [--only-independent]
#                    [--only-metrics-cost] [--keep]
#
#   --quick       short runs (about 5 minutes in all) to check the harness; the full run takes about 15
#   --no-scale    skip the idle-connection memory and event-loop runs
#   --loops LIST  the event-loop counts of the scale table, comma-separated; default powers of two up to the number
#                 of cores (1,2 on 2 cores, 1,2,4,8,16 on 16)
#   --no-profile  skip the JFR profile of Ferry under the 1 KiB x 100 streams load
#   --no-independent    skip the rows driven by gtlsclient and curl (bursts, downloads, tunnels)
#   --only-independent  run only those rows (about 4 minutes)
#   --only-metrics-cost run only the cost of metrics: Ferry with the admin endpoint (exchanges recorded) and
#                 without, in turns (about 3 minutes; a full run includes it)
#   --keep        keep the work directory (configs, logs, JSON, histograms, JFR recording)
#
# Environment: FERRY_DIST=DIR runs the Ferry in DIR (ferry.jar and lib/) instead of building this checkout;
# FERRY_HEAP (default 1g) is the relay's -Xmx.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=false scale=true profile=true keep=false independent=true workloads_on=true metrics_cost=true
cores=$(nproc)
loop_counts=""
for ((n = 1; n <= cores; n *= 2)); do loop_counts+="${loop_counts:+,}$n"; done
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  arg=${args[$i]}
  case $arg in
    --loops) i=$((i + 1)); loop_counts=${args[$i]:-}
      [[ $loop_counts =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] \
        || { echo "compare.sh: --loops takes event-loop counts like 1,2,4 (got '$loop_counts')" >&2; exit 2; } ;;
    --quick) quick=true ;;
    --no-scale) scale=false ;;
    --no-profile) profile=false ;;
    --keep) keep=true ;;
    --no-independent) independent=false ;;
    --only-independent) workloads_on=false scale=false profile=false metrics_cost=false ;;
    --only-metrics-cost) workloads_on=false scale=false profile=false independent=false ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

"$root/bench/install-deps.sh"
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)

work=$(mktemp -d /tmp/ferry-bench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]-}"; do
    [[ -n $p ]] && kill "$p" 2>/dev/null || true
  done
  sleep 0.5
  for p in "${pids[@]-}"; do
    [[ -n $p ]] && kill -9 "$p" 2>/dev/null || true
  done
  if [[ $keep == true ]]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- Ferry build (a private copy, so that concurrent
# builds in the checkout cannot swap the jar under a running benchmark)
dist=$work/dist
if [[ -n ${FERRY_DIST:-} ]]; then
  cp -r "$FERRY_DIST" "$dist"
else
  jar=$root/ferry/target/ferry.jar
  if [[ ! -f $jar || -n "$(find "$root" -path '*/src/main/*' -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    log "building Ferry"
    (cd "$root" && flock /tmp/ferry-mvn.lock mvn -B -q -o -Dmaven.test.skip=true install) >&2 \
      || (cd "$root" && flock /tmp/ferry-mvn.lock mvn -B -q -Dmaven.test.skip=true install) >&2
  fi
  mkdir -p "$dist" && cp -r "$jar" "$root/ferry/target/lib" "$dist/"
fi
ferry_rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git -C "$root" status --porcelain 2>/dev/null | head -1) ]] || ferry_rev="$ferry_rev (dirty tree)"
bench() { java -jar "$dist/ferry.jar" bench "$@"; }

# ---------------------------------------------------------------- ports and files
used_ports=" "
free_port() {  # a port free for both TCP and UDP on loopback, not handed out before in this run
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ $used_ports == *" $p "* ]] && continue
    if [[ -z $(ss -Htuna "sport = :$p" 2>/dev/null) ]]; then used_ports+="$p "; echo "$p"; return; fi
  done
  die "no free port found"
}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

mkdir -p "$work"/{www,upload,nginx-tmp,logs,json,hist,tls}
head -c 1024 /dev/urandom >"$work/www/1k"
head -c $((10 * 1024 * 1024)) /dev/urandom >"$work/www/10m"
head -c $((100 * 1024 * 1024)) /dev/urandom >"$work/www/100m"
origin_sha=$(sha256sum "$work/www/100m" | cut -d' ' -f1)
ten_sha=$(sha256sum "$work/www/10m" | cut -d' ' -f1)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2>/dev/null
# shellcheck source=bench/independent.sh
source "$root/bench/independent.sh"

# ---------------------------------------------------------------- nginx, the origin
origin_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
user root;
error_log $work/logs/nginx-error.log warn;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  server {
    listen 127.0.0.1:$origin_port;
    root $work/www;
    # Uploads: WebDAV PUT reads the whole body before it answers (201, then 204), unlike "return 200", which may
    # answer while the body is still arriving.
    location /upload/ {
      root $work;
      client_max_body_size 0;
      client_body_buffer_size 1m;
      dav_methods PUT;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" >"$work/logs/nginx.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$origin_port") 2>/dev/null && break; sleep 0.1; done
log "nginx on 127.0.0.1:$origin_port"

# ---------------------------------------------------------------- relays
relay_pid=""
start_ferry() {  # start_ferry PORT EVENT_LOOPS [JAVA_OPTS...]
  local port=$1 loops=$2; shift 2
  mkdir -p "$work/ferry-state"
  local admin=""
  # With the admin endpoint on, every exchange is recorded in the metrics (docs/metrics.md); off, none is.
  [[ ${FERRY_ADMIN:-0} == 1 ]] && admin=$'admin:\n  address: 127.0.0.1:0'
  cat >"$work/ferry-$port.yaml" <<CONF
state-dir: $work/ferry-state
$admin
event-loops: $loops
listeners:
  - address: 127.0.0.1:$port
    quic:
      max-idle-timeout: 10m
origins:
  nginx:
    protocol: h1
    endpoints: [127.0.0.1:$origin_port]
access-log:
  enabled: false
# For the tunnel rows: an open relay that may reach loopback (the benchmark's origin and gtlsserver).
tunnels:
  connect: true
  connect-udp: true
  egress:
    allow: [127.0.0.0/8]
  auth:
    required: false
warm-up:
  requests: ${ferry_warmup}
CONF
  java -Xmx"${FERRY_HEAP:-1g}" "$@" -jar "$dist/ferry.jar" serve --config "$work/ferry-$port.yaml" \
    >"$work/logs/ferry-$port.log" 2>&1 &
  relay_pid=$!
  pids+=("$relay_pid")
  wait_ready "$port" ferry
}

start_caddy() {  # start_caddy PORT
  local port=$1 http_port
  http_port=$(free_port)
  mkdir -p "$work/caddy-home" "$work/caddy-data"
  # Both names: the Netty client sends no SNI for an IP or a name without a dot, so Caddy picks the certificate by
  # the local IP; gtlsclient sends "localhost" as SNI when given an IP.
  cat >"$work/Caddyfile" <<CONF
{
	admin off
	storage file_system $work/caddy-data
	skip_install_trust
	auto_https disable_redirects
	http_port $http_port
	https_port $port
	log {
		level WARN
	}
}
127.0.0.1:$port, localhost:$port {
	bind 127.0.0.1
	tls internal
	reverse_proxy 127.0.0.1:$origin_port
}
CONF
  HOME=$work/caddy-home XDG_DATA_HOME=$work/caddy-home XDG_CONFIG_HOME=$work/caddy-home \
    caddy run --config "$work/Caddyfile" --adapter caddyfile >"$work/logs/caddy.log" 2>&1 &
  relay_pid=$!
  pids+=("$relay_pid")
  wait_ready "$port" caddy
}

wait_ready() {
  local port=$1 name=$2
  for _ in $(seq 60); do
    if java -jar "$dist/ferry.jar" get -k -f -o /dev/null --connect-timeout 1s \
        "https://127.0.0.1:$port/1k" 2>/dev/null; then
      log "$name ready on 127.0.0.1:$port (pid $relay_pid)"
      return
    fi
    kill -0 "$relay_pid" 2>/dev/null || die "$name exited; see $work/logs"
    sleep 0.5
  done
  die "$name not ready on port $port"
}

stop_relay() {
  kill "$relay_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$relay_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$relay_pid" 2>/dev/null || true
  relay_pid=""
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------- workloads
if [[ $quick == true ]]; then small=4s bulk=6s warm=2s prewarm=3s; else small=10s bulk=15s warm=3s prewarm=10s; fi
# name|path|bench options
workloads=(
  "1k-s1|/1k|--streams 1 --duration $small --timeout 15s"
  "1k-s10|/1k|--streams 10 --duration $small --timeout 15s"
  "1k-s100|/1k|--streams 100 --duration $small --timeout 15s"
  "1k-rate300|/1k|--rate 300 --streams 100 --duration $small --timeout 15s"
  "1k-c4s25|/1k|--connections 4 --streams 25 --threads 2 --duration $small --timeout 15s"
  "down-100m|/100m|--streams 1 --duration $bulk --timeout 60s"
  "up-10m|/upload/blob|-X PUT --body-size 10485760 --streams 1 --duration $bulk --timeout 60s"
)

run_workloads() {  # run_workloads RELAY PORT
  local relay=$1 port=$2 spec name path opts
  for spec in "${workloads[@]}"; do
    IFS='|' read -r name path opts <<<"$spec"
    log "$relay: $name"
    # shellcheck disable=SC2086
    bench -k --json --warmup "$warm" $opts --cpu-pid "$relay_pid" \
      --histogram "$work/hist/$relay-$name.hgrm" "https://127.0.0.1:$port$path" \
      >"$work/json/$relay-$name.json" 2>>"$work/logs/bench.log" || log "$relay $name: bench failed"
  done
}

# Requests Ferry sends through its own path before it binds (`warm-up` in the config; docs/performance.md).
ferry_warmup=${FERRY_WARMUP:-10000}
if [[ $independent == true ]]; then
  # The cold burst without the warm-up, for comparison: a relay that starts straight into traffic.
  port=$(free_port)
  saved_warmup=$ferry_warmup ferry_warmup=0
  start_ferry "$port" 2
  gtls_burst ferry-nowarmup "$port" cold
  stop_relay
  ferry_warmup=$saved_warmup
fi

for relay in ferry caddy; do
  port=$(free_port)
  if [[ $relay == ferry ]]; then start_ferry "$port" 2; else start_caddy "$port"; fi
  # The first burst after start is the cold figure; it runs before anything else has warmed the relay.
  [[ $independent == true ]] && gtls_burst "$relay" "$port" cold
  # One unmeasured round so that both relays are warm before the first figure. Ferry's JIT needs it: C2 keeps
  # compiling for the first 20,000 or so requests (measured per thread: at 6,000 requests half the relay's CPU
  # was the compiler's), and the 1-stream row, which comes first, would otherwise carry that cost.
  bench -k --streams 100 --duration "$prewarm" --warmup 0s "https://127.0.0.1:$port/1k" >/dev/null 2>&1 || true
  [[ $workloads_on == true ]] && run_workloads "$relay" "$port"
  if [[ $independent == true ]]; then
    gtls_burst "$relay" "$port" warm
    gtls_download "$relay" "$port"
    [[ $relay == ferry ]] && tunnel_rows "$port"
  fi
  echo "{\"relay\":\"$relay\",\"rss_kib_after\":$(rss_kib "$relay_pid")}" >"$work/json/mem-$relay.json"
  stop_relay
done

# ---------------------------------------------------------------- scale: event loops, idle connections
if [[ $scale == true ]]; then
  # The same load for every loop count, sized for the largest: 4 connections per loop (so that SO_REUSEPORT has
  # enough to spread), 25 streams each; the client gets half the cores (at least 2 threads).
  IFS=, read -r -a loop_list <<<"$loop_counts"
  max_loops=0
  for n in "${loop_list[@]}"; do ((n > max_loops)) && max_loops=$n; done
  scale_connections=$((4 * max_loops))
  scale_threads=$((cores / 2 > 2 ? cores / 2 : 2))
  # Two rounds in turn (1, 2, ..., 1, 2, ...), so that a change in the machine's load hits every count alike; the
  # report takes the median of each.
  for round in 1 2; do
  for loops in "${loop_list[@]}"; do
    port=$(free_port)
    start_ferry "$port" "$loops"
    bench -k --streams 100 --duration "$prewarm" --warmup 0s "https://127.0.0.1:$port/1k" >/dev/null 2>&1 || true
    log "ferry event-loops $loops (round $round): $scale_connections connections x 25 streams"
    bench -k --json --connections "$scale_connections" --streams 25 --threads "$scale_threads" --warmup "$warm" \
      --duration "$small" --cpu-pid "$relay_pid" "https://127.0.0.1:$port/1k" \
      >"$work/json/loops-$loops-round$round.json" 2>>"$work/logs/bench.log" || true
    stop_relay
    # At shutdown the relay prints how many connections each of its sockets accepted (warm-up included).
    per_socket=$(sed -n 's/^ferry: connections accepted per socket on [^:]*:[0-9]*: //p' "$work/logs/ferry-$port.log" \
      | tail -1)
    echo "{\"loops\":$loops,\"connections\":$scale_connections,\"per_socket\":[$(echo "${per_socket:-}" \
      | tr ' ' ',')]}" >"$work/json/loops-$loops-round$round-sockets.json"
  done
  done

  if [[ $quick == true ]]; then idle_counts=(1000); else idle_counts=(1000 10000); fi
  for relay in ferry caddy; do
    port=$(free_port)
    if [[ $relay == ferry ]]; then start_ferry "$port" 2; else start_caddy "$port"; fi
    base_rss=$(rss_kib "$relay_pid")
    base_heap=""
    if [[ $relay == ferry ]]; then
      jcmd "$relay_pid" GC.run >/dev/null 2>&1 || true
      base_heap=$(jcmd "$relay_pid" GC.heap_info 2>/dev/null | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") print $(i+1)}' | tr -d K)
      base_rss=$(rss_kib "$relay_pid")
    fi
    counts=("${idle_counts[@]}")
    # Caddy only as a reference point at the smallest count: quic-go closes a connection idle for 30 s, sooner
    # than the larger counts take to open.
    [[ $relay == caddy ]] && counts=("${idle_counts[0]}")
    for n in "${counts[@]}"; do
      out=$work/logs/idle-$relay-$n.log
      bench -k --idle-connections "$n" --hold 600s --threads 2 "https://127.0.0.1:$port/1k" >"$out" 2>&1 &
      idle_pid=$!
      pids+=("$idle_pid")
      # Handshakes run 64 at a time; if they are too slow to all finish within the cap, the memory is read with
      # as many as are open by then (the report shows how many that was).
      cap=$(( n >= 10000 ? 240 : 120 ))
      for _ in $(seq $((cap * 2))); do grep -q 'connections open' "$out" 2>/dev/null && break; sleep 0.5; done
      sleep 2
      opened=$(sed -n 's/^idle: \([0-9]*\) connections open.*/\1/p' "$out")
      [[ -n $opened ]] || opened=$(sed -n 's/^idle: \([0-9]*\) open so far.*/\1/p' "$out" | tail -1)
      heap=""
      if [[ $relay == ferry ]]; then
        jcmd "$relay_pid" GC.run >/dev/null 2>&1 || true
        heap=$(jcmd "$relay_pid" GC.heap_info 2>/dev/null | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") print $(i+1)}' | tr -d K)
      fi
      rss=$(rss_kib "$relay_pid")
      log "$relay: $opened of $n idle connections open, RSS $((rss / 1024)) MiB"
      printf '{"relay":"%s","requested":%s,"open":%s,"base_rss_kib":%s,"rss_kib":%s,"base_heap_kib":%s,"heap_kib":%s}\n' \
        "$relay" "$n" "${opened:-0}" "$base_rss" "$rss" "${base_heap:-null}" "${heap:-null}" >"$work/json/idle-$relay-$n.json"
      kill "$idle_pid" 2>/dev/null || true
      wait "$idle_pid" 2>/dev/null || true
      sleep 2
    done
    stop_relay
  done
fi

# ---------------------------------------------------------------- the cost of metrics
# Ferry with exchanges recorded in the metrics (admin endpoint on) and without, in turns (off, on, off, on), the
# 1 KiB GET at 1 and 10 streams: the report gives the medians and the ratio of relay CPU per request.
if [[ $metrics_cost == true ]]; then
  for round in 1 2; do
    for mode in off on; do
      port=$(free_port)
      FERRY_ADMIN=$([[ $mode == on ]] && echo 1 || echo 0) start_ferry "$port" 2
      bench -k --streams 100 --duration "$prewarm" --warmup 0s "https://127.0.0.1:$port/1k" >/dev/null 2>&1 || true
      for streams in 1 10; do
        log "ferry metrics $mode (round $round): 1 KiB x $streams streams"
        bench -k --json --streams "$streams" --warmup "$warm" --duration "$small" --cpu-pid "$relay_pid" \
          "https://127.0.0.1:$port/1k" >"$work/json/metrics-$mode-s$streams-round$round.json" \
          2>>"$work/logs/bench.log" || true
      done
      stop_relay
    done
  done
fi

# ---------------------------------------------------------------- profile: JFR on Ferry, 1 KiB x 100 streams
if [[ $profile == true ]]; then
  port=$(free_port)
  start_ferry "$port" 2
  bench -k --streams 100 --duration 3s --warmup 0s "https://127.0.0.1:$port/1k" >/dev/null 2>&1 || true
  # The "profile" settings sample each thread every 10 ms (20 ms in native code); 1 ms gives enough samples in a
  # short run for the shares to mean something.
  jfc=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc
  sed -e '/jdk.ExecutionSample/,/<\/event>/ s|\(<setting name="period"[^>]*>\)[^<]*<|\11 ms<|' \
      -e '/jdk.NativeMethodSample/,/<\/event>/ s|\(<setting name="period"[^>]*>\)[^<]*<|\11 ms<|' \
      "$jfc" >"$work/sampling.jfc"
  jcmd "$relay_pid" JFR.start name=bench settings="$work/sampling.jfc" filename="$work/ferry.jfr" >/dev/null
  log "ferry: JFR profile under 1k x 100 streams"
  bench -k --streams 100 --duration "$small" --warmup 1s "https://127.0.0.1:$port/1k" \
    >"$work/logs/profile-bench.txt" 2>&1 || true
  jcmd "$relay_pid" JFR.stop name=bench >/dev/null
  jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample --stack-depth 64 "$work/ferry.jfr" \
    >"$work/samples.txt"
  "$PY" "$root/bench/jfr_top.py" "$work/samples.txt" >"$work/json/profile.md"
  stop_relay
fi

# ---------------------------------------------------------------- report
mkdir -p "$root/bench/results"
stamp=$(date +%Y-%m-%d-%H%M)
"$PY" "$root/bench/report.py" --work "$work" --out "$root/bench/results/report-$stamp.md" \
  --plot "$root/bench/results/latency-$stamp.png" --rev "$ferry_rev" --quick "$quick"
cp "$root/bench/results/report-$stamp.md" "$root/bench/results/latest.md"
sed -i "s/latency-$stamp.png/latency-latest.png/" "$root/bench/results/latest.md"
cp "$root/bench/results/latency-$stamp.png" "$root/bench/results/latency-latest.png" 2>/dev/null || true
log "report: bench/results/report-$stamp.md (and latest.md)"
sed -n '/^## Ferry \/ Caddy/,/^## /p' "$root/bench/results/latest.md" | sed '$d'
