#!/usr/bin/env bash
# Runs the whole build with unit and integration tests, on the native epoll transport where it loads, then a smoke
# subset of the integration tests again with the transport forced to Java NIO, the fallback (FERRY_TRANSPORT=nio).
# Extra arguments go to Maven and skip the second pass, e.g. scripts/test.sh -Dit.test=SupportSmokeIT
# Set FERRY_SKIP_DEPS=1 to skip the dependency check (machines without apt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${FERRY_SKIP_DEPS:-0} != 1 ]]; then
  scripts/install-deps.sh
  # quic-go's interop endpoints, built from Debian's source packages (about a minute the first time).
  scripts/install-interop-peers.sh
fi
mvn -B verify "$@"
if [[ $# -eq 0 ]]; then
  # Requests, uploads, both tunnel kinds and QUIC inside CONNECT-UDP, each with a peer nobody here wrote.
  nio_smoke=SharedPortListenerIT,NginxThroughFerryIT,UploadThroughFerryIT,ConnectTcpIT,KwikConnectUdpIT,QuicInsideTunnelIT
  FERRY_TRANSPORT=nio mvn -B verify -pl interop-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test="$nio_smoke"
fi
