#!/usr/bin/env bash
# Installs what bench/compare.sh drives besides Ferry: Caddy (the peer), nginx (the origin), ngtcp2's client (the
# byte cross-check), sockperf (UDP echo), gnuplot (the latency plot) and the JDK tools (jcmd, jfr), with the same idempotent installer
# as the tests (scripts/install-deps.sh), which never leaves Caddy or nginx running as system services.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../scripts/install-deps.sh" \
  caddy:caddy \
  nginx:nginx \
  gtlsclient:ngtcp2-client \
  sockperf:sockperf \
  gnuplot:gnuplot-nox \
  sha256sum:coreutils \
  python3:python3 \
  ss:iproute2 \
  ps:procps \
  jcmd:openjdk-17-jdk-headless \
  jfr:openjdk-17-jdk-headless
