#!/usr/bin/env bash
# Installs the real peers the integration tests drive (ngtcp2, nginx, nghttpd, ...) on Debian/Ubuntu.
#
# Idempotent: a package is installed only when the binary it provides is missing, so on a prepared
# machine this touches nothing and needs no network. nginx, caddy and prometheus are installed but never left
# running as system services: the tests start their own instances on ephemeral loopback ports.
set -euo pipefail

# binary:package pairs; the binary is looked up on PATH and in the sbin directories. Arguments, when given,
# replace this list (bench/install-deps.sh passes its own).
DEFAULT_REQUIRED=(
  gtlsclient:ngtcp2-client
  gtlsserver:ngtcp2-server
  nginx:nginx
  nghttpd:nghttp2-server
  caddy:caddy
  prometheus:prometheus
  h2load:nghttp2-client
  certtool:gnutls-bin
  curl:curl
  tcpdump:tcpdump
  tshark:tshark
  nft:nftables
  iperf3:iperf3
  ss:iproute2
  ps:procps
  pkill:procps
  java:openjdk-17-jdk-headless
  mvn:maven
)
if [[ $# -gt 0 ]]; then
  REQUIRED=("$@")
else
  REQUIRED=("${DEFAULT_REQUIRED[@]}")
fi
readonly REQUIRED

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

have() {
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" || -x "/sbin/$1" || -x "/usr/local/sbin/$1" ]]
}

missing_packages=()
for pair in "${REQUIRED[@]}"; do
  binary=${pair%%:*}
  package=${pair#*:}
  if ! have "$binary"; then
    log "missing $binary (package $package)"
    [[ " ${missing_packages[*]-} " == *" $package "* ]] || missing_packages+=("$package")
  fi
done

if [[ ${#missing_packages[@]} -eq 0 ]]; then
  log "all dependencies present"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  die "need root to install ${missing_packages[*]}: run as root, install sudo, or install them by hand"
fi
command -v apt-get >/dev/null 2>&1 \
  || die "apt-get not found; install these packages by hand: ${missing_packages[*]}"

# Keep package scripts from starting services (nginx would grab port 80). Only add a policy when
# none exists, and remove only the one added here.
policy=/usr/sbin/policy-rc.d
added_policy=false
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  added_policy=true
fi
remove_policy() { if [[ $added_policy == true ]]; then "${as_root[@]}" rm -f "$policy"; fi; }
trap remove_policy EXIT

log "installing ${missing_packages[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing_packages[@]}"

# If a service got started anyway (policy present but permissive, systemd running), stop it and
# keep it from starting at boot: tests and benchmarks start their own instances.
# Recommends are not installed, so prometheus does not pull in prometheus-node-exporter; should it be there
# anyway (installed by hand, or by an older run), its service is stopped along with prometheus's.
services=()
for service in caddy nginx prometheus; do
  if [[ " ${missing_packages[*]} " == *" $service "* ]]; then
    services+=("$service")
  fi
done
if [[ " ${missing_packages[*]} " == *" prometheus "* ]]; then
  services+=(prometheus-node-exporter)
fi
for service in "${services[@]}"; do
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    "${as_root[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    "${as_root[@]}" service "$service" stop >/dev/null 2>&1 || true
  fi
done
if [[ " ${missing_packages[*]} " == *" nginx "* && -s /run/nginx.pid ]]; then
  "${as_root[@]}" kill "$(cat /run/nginx.pid)" 2>/dev/null || true
fi
# Without systemd, Debian's init scripts keep these pid files (start-stop-daemon --make-pidfile).
if [[ " ${missing_packages[*]} " == *" prometheus "* ]]; then
  for pidfile in /run/prometheus/prometheus.pid /run/prometheus/prometheus-node-exporter.pid; do
    if [[ -s $pidfile ]]; then
      "${as_root[@]}" kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
fi

for pair in "${REQUIRED[@]}"; do
  have "${pair%%:*}" || die "${pair%%:*} still missing after installing ${pair#*:}"
done
log "done"
