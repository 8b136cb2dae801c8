#!/usr/bin/env bash
# The QUIC interop runner's entry point for Ferry's endpoint image (see interop/Dockerfile and docs/interop.md).
#
# The runner starts the container with ROLE (server|client), TESTCASE, REQUESTS, SSLKEYLOGFILE and QLOGDIR set,
# /www, /certs, /downloads and /logs mounted, and the network set up by its simulator; the endpoint image's
# setup.sh (from the runner's base image) routes traffic through it. This script only hands over to
# `ferry interop`, which reads the same variables and answers with the runner's exit codes: 0 done, 1 failed,
# 127 a case Ferry does not take part in.
set -euo pipefail

# The runner's base image provides setup.sh, which sets up routing through the simulator.
if [[ -x /setup.sh ]]; then
  /setup.sh
fi

if [[ ${ROLE:-} == client ]]; then
  # The runner's helper: wait until the simulator is ready before the first packet.
  if [[ -x /wait-for-it.sh ]]; then
    /wait-for-it.sh sim:57832 -s -t 30
  fi
fi

exec java ${FERRY_JAVA_OPTS:--Xmx512m} -jar /ferry/ferry.jar interop "${ROLE:?ROLE must be server or client}" \
  > >(tee -a /logs/ferry.stdout.log) 2> >(tee -a /logs/ferry.stderr.log >&2)
