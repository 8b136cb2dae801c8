#!/usr/bin/env bash
# Installs and builds the QUIC interop peers for the interop runner, from Debian 12 (bookworm) packages
# only: quic-go's interop endpoints built from source with Debian's Go, plus ngtcp2's gtlsclient and
# gtlsserver, tcpdump and tshark (through scripts/install-deps.sh).
#
# Idempotent: packages are installed only when missing and the quic-go binaries are built only when
# absent, so on a prepared machine this touches nothing and needs no network. Prints the binaries' paths.
#
#   FERRY_PEERS_DIR   where built peers go (default ~/.cache/ferry/peers); quic-go's end up in
#                     $FERRY_PEERS_DIR/quic-go/{client,server}. Delete them to force a rebuild.
#
# Running the quic-go endpoints (quic-go 0.29, interop/{server,client}/main.go; both run as root):
#   - Paths are hard-coded: the server serves /www and reads /certs/cert.pem + /certs/priv.key; the
#     client writes /downloads/<URL path> (files only: no directories are created); both write
#     /logs/log.txt and exit 1 if they cannot. scripts/interop/with-mounts.sh maps per-test
#     directories onto them without touching the real /.
#   - Environment: TESTCASE (required); QLOGDIR (required in practice: unset, the first connection
#     panics on a nil qlog callback, exit 2; if missing it is created with mode 0666, so pre-create it
#     for non-root readers); SSLKEYLOGFILE (optional key log).
#   - The server listens on UDP :443, fixed: run each test in its own network namespace
#     (ip netns add NAME; ip netns exec NAME ip link set lo up). It never exits by itself.
#   - The client takes the URLs as arguments (the runner's $REQUESTS, split); it ignores the
#     REQUESTS variable and does not verify the server's certificate.
#   - TESTCASE, server: handshake transfer retry resumption zerortt multiconnect versionnegotiation
#     chacha20 (ALPN hq-interop) and http3 (ALPN h3). Client: the same plus keyupdate. Exit codes:
#     0 success, 1 failure, 127 unsupported test case (also for an empty TESTCASE). Known bug in 0.29:
#     client versionnegotiation exits 1 even when negotiation fails as it should (it matches
#     "No compatible QUIC version found", the error says "no compatible ...").
#   - tcpdump inside a network namespace needs --immediate-mode, or the capture may stay empty.
#   Example (server; the client likewise with /downloads and /logs, and URLs as arguments):
#     ip netns exec NS env TESTCASE=transfer QLOGDIR=/logs/qlog SSLKEYLOGFILE=/logs/keys.log \
#       scripts/interop/with-mounts.sh /www=WWW /certs=CERTS /logs=SLOGS -- "$FERRY_PEERS_DIR/quic-go/server"
#     ... env TESTCASE=transfer QLOGDIR=/logs/qlog scripts/interop/with-mounts.sh /downloads=DL \
#       /logs=CLOGS -- "$FERRY_PEERS_DIR/quic-go/client" https://127.0.0.1:443/FILE
#
# Debian's ngtcp2 0.12 gtlsclient/gtlsserver speak HTTP/3 only: no hq-interop ALPN option.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
peers_dir=${FERRY_PEERS_DIR:-$HOME/.cache/ferry/peers}
quic_go_out=$peers_dir/quic-go

log() { printf 'install-interop-peers: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Binaries: the capture tools and ngtcp2 peers the runner drives, the Go toolchain, and what the
# namespace/mount plumbing and certificate generation use.
"$here/install-deps.sh" \
  gtlsclient:ngtcp2-client \
  gtlsserver:ngtcp2-server \
  tcpdump:tcpdump \
  tshark:tshark \
  go:golang-go \
  ip:iproute2 \
  unshare:util-linux \
  openssl:openssl

# Source packages for the quic-go endpoints, GOPATH layout under /usr/share/gocode. quic-go's own
# package depends on the rest; they are listed because the endpoints import them (found with
# `go list -deps` and `dpkg -S`), so a dependency dropped from Debian's package fails here, clearly.
quic_go_src=/usr/share/gocode/src/github.com/lucas-clemente/quic-go
GO_PACKAGES=(
  golang-github-lucas-clemente-quic-go-dev        # github.com/lucas-clemente/quic-go 0.29
  golang-github-marten-seemann-qtls-go1-19-dev    # TLS 1.3 fork quic-go 0.29 needs with Go 1.19
  golang-github-marten-seemann-qpack-dev          # HTTP/3 header compression
  golang-github-francoispqt-gojay-dev             # qlog JSON encoding
  golang-golang-x-crypto-dev                      # chacha20poly1305, hkdf, cryptobyte
  golang-golang-x-exp-dev                         # constraints
  golang-golang-x-net-dev                         # ipv4/ipv6 socket options, httpguts
  golang-golang-x-sync-dev                        # errgroup (client)
  golang-golang-x-sys-dev                         # unix, cpu
  golang-golang-x-text-dev                        # idna, via x/net
)
missing_packages=()
for package in "${GO_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f '${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ $status == installed ]] || missing_packages+=("$package")
done
if [[ ${#missing_packages[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    die "need root to install ${missing_packages[*]}: run as root, install sudo, or install them by hand"
  fi
  log "installing ${missing_packages[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing_packages[@]}"
fi
[[ -f $quic_go_src/interop/server/main.go && -f $quic_go_src/interop/client/main.go ]] \
  || die "$quic_go_src/interop/{server,client} missing after installing golang-github-lucas-clemente-quic-go-dev"

# quic-go 0.29 builds with Go 1.18 or 1.19 only (internal/qtls refuses anything else); bookworm has 1.19.
go_version=$(go env GOVERSION)
[[ $go_version == go1.19 || $go_version == go1.19.* ]] \
  || die "quic-go 0.29 needs Go 1.19, found $go_version (Debian 12's golang-go is 1.19)"

# Build in GOPATH mode: no go.mod, no module proxy, imports resolved from /usr/share/gocode only. The
# writable first GOPATH entry and GOCACHE keep the build out of the read-only system tree.
build_dir=$peers_dir/.build
for endpoint in client server; do
  binary=$quic_go_out/$endpoint
  if [[ -x $binary ]]; then
    log "quic-go $endpoint present"
    continue
  fi
  log "building quic-go $endpoint (a minute or so the first time)"
  mkdir -p "$quic_go_out" "$build_dir/gopath" "$build_dir/cache"
  GO111MODULE=off GOFLAGS='' GOPATH="$build_dir/gopath:/usr/share/gocode" GOCACHE="$build_dir/cache" \
    GOPROXY=off CGO_ENABLED=0 \
    go build -trimpath -o "$binary.tmp" "github.com/lucas-clemente/quic-go/interop/$endpoint"
  mv -f "$binary.tmp" "$binary"  # only a complete binary counts as present
done

printf 'quic-go server: %s\n' "$quic_go_out/server"
printf 'quic-go client: %s\n' "$quic_go_out/client"
# gtlsserver is in /usr/sbin, which a non-root PATH may lack.
where() { command -v "$1" 2>/dev/null || { [[ -x /usr/sbin/$1 ]] && echo "/usr/sbin/$1"; } || echo "$1"; }
printf 'ngtcp2 server: %s\n' "$(where gtlsserver)"
printf 'ngtcp2 client: %s\n' "$(where gtlsclient)"
