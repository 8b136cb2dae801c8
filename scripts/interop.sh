#!/usr/bin/env bash
# Runs the local QUIC interop matrix: every server against every client for each case, in network namespaces
# (client, simulator, server), graded from the files and a capture, as docs/interop.md describes. Needs root.
#
#   scripts/interop.sh                                   # all stacks, the cases below, the runner's file sizes
#   scripts/interop.sh --cases handshake,http3 --servers ferry --clients quic-go,ngtcp2 --scale 0.1
#   scripts/interop.sh --scale 0.2 --measurement-scale 1     # every case, full-size measurements, about 80 minutes
#
# Results go to interop-results/<date-time>/ (override the parent with --out DIR): matrix.md, matrix.html and
# matrix.json for the QUIC cases, masque.md, masque.html and masque.json for the tunnel cases (Ferry's relay against
# Ferry's and kwik's clients), and a directory per case and pair with its files, logs, key logs and capture.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

servers=ferry,quic-go,ngtcp2,caddy,kwik
clients=ferry,quic-go,ngtcp2,kwik
cases=handshake,transfer,longrtt,chacha20,multiplexing,retry,resumption,zerortt,http3,blackhole,keyupdate,ecn,amplificationlimit,handshakeloss,transferloss,handshakecorruption,transfercorruption,ipv6,v2,rebind-port,rebind-addr,connectionmigration,multiconnect,goodput,crosstraffic
scale=1
measurement_scale=
repetitions=5
out=$PWD/interop-results
while [[ $# -gt 0 ]]; do
  case $1 in
    --servers) servers=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --measurement-scale) measurement_scale=$2; shift 2 ;;
    --repetitions) repetitions=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--servers LIST] [--clients LIST] [--cases LIST] [--scale X] [--measurement-scale X]" \
         "[--repetitions N] [--out DIR]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "interop: needs root (network namespaces, mounts)" >&2; exit 2; }

if [[ ${FERRY_SKIP_DEPS:-0} != 1 ]]; then
  scripts/install-deps.sh
  scripts/install-interop-peers.sh
fi
run_dir=$out/$(date +%Y-%m-%d-%H%M%S)
mkdir -p "$run_dir"
mvn -B -q -Dmaven.test.skip=true install
# Both matrices run even when the first has failing cells; the exit status says whether either did.
status=0
mvn -B verify -pl interop-tests -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='InteropMatrixIT#everyCell*' -Dinterop.servers="$servers" -Dinterop.clients="$clients" \
  -Dinterop.cases="$cases" -Dinterop.scale="$scale" -Dinterop.measurement.scale="${measurement_scale:-$scale}" \
  -Dinterop.repetitions="$repetitions" -Dinterop.timeout.minutes=600 -Dinterop.out="$run_dir" || status=1
mvn -B verify -pl interop-tests -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='MasqueMatrixIT#everyMasqueCellPasses' -Dinterop.scale="$scale" -Dinterop.out="$run_dir" || status=1
echo "interop: results in $run_dir"
exit $status
