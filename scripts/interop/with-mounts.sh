#!/usr/bin/env bash
# Runs a command with per-test directories mounted at fixed top-level paths such as /www and /certs,
# without creating or changing anything at those paths on the real root filesystem.
#
#   scripts/interop/with-mounts.sh /www=DIR /certs=DIR /downloads=DIR /logs=DIR -- COMMAND [ARGS...]
#
# Interop endpoints (quic-go's interop/server and interop/client) hard-code /www, /certs, /downloads
# and /logs. This script gives the command its own mount namespace (private propagation) and a
# "shadow root": a tmpfs that holds every entry of the real / (directories recursively bind-mounted,
# symlinks copied) plus one bind mount per TARGET=DIR pair, which hides a real entry of that name if
# there is one. COMMAND runs chrooted into it, in the current working directory, with its exit code
# passed through. Everything disappears with the namespace; the only trace on the host is an empty
# directory under ${TMPDIR:-/tmp} while the command runs, removed afterwards.
#
# Needs root (unshare, mount, chroot). Combine with a network namespace by running this script under
# `ip netns exec NAME`. TARGETs are top-level paths (/name); DIRs must exist.
set -euo pipefail

log() { printf 'with-mounts: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
usage() { die "usage: $0 /TARGET=DIR... -- COMMAND [ARGS...]"; }

if [[ ${1-} == --inner ]]; then
  # Second stage, already inside the new mount namespace: --inner ROOT /TARGET=DIR... -- COMMAND...
  shift
  root=$1
  shift
  targets=()
  sources=()
  while [[ $1 != -- ]]; do
    targets+=("${1%%=*}")
    sources+=("${1#*=}")
    shift
  done
  shift
  # tmpfs first so that the binds below land in it rather than in the host's ROOT directory.
  mount -t tmpfs -o mode=0755 ferry-shadow-root "$root"
  shopt -s dotglob nullglob
  for entry in /*; do
    name=${entry#/}
    [[ " ${targets[*]} " == *" /$name "* ]] && continue
    if [[ -L $entry ]]; then
      ln -s "$(readlink "$entry")" "$root/$name"
    elif [[ -d $entry ]]; then
      mkdir "$root/$name"
      mount --rbind "$entry" "$root/$name"
    else
      touch "$root/$name"
      mount --bind "$entry" "$root/$name"
    fi
  done
  # The recursive bind of ROOT's parent (e.g. /tmp) copied a partial shadow root into the shadow
  # root; drop that copy so the command sees an empty ROOT directory, as on the host.
  if mountpoint -q "$root$root"; then umount --recursive --lazy "$root$root"; fi
  for i in "${!targets[@]}"; do
    mkdir "$root${targets[$i]}"
    mount --bind "${sources[$i]}" "$root${targets[$i]}"
  done
  exec chroot "$root" /usr/bin/env -C "$PWD" -- "$@"
fi

[[ $(id -u) -eq 0 ]] || die "needs root (mount namespaces, bind mounts, chroot)"
pairs=()
while [[ $# -gt 0 && $1 != -- ]]; do
  [[ $1 == /*=* ]] || usage
  target=${1%%=*}
  source=${1#*=}
  [[ $target =~ ^/[A-Za-z0-9._-]+$ && $target != /. && $target != /.. ]] \
    || die "target $target must be a top-level path such as /www"
  [[ -d $source ]] || die "$source (for $target) is not a directory"
  pairs+=("$target=$(cd "$source" && pwd -P)")
  shift
done
[[ $# -ge 2 && ${#pairs[@]} -gt 0 ]] || usage
shift  # the --

root=$(mktemp -d "${TMPDIR:-/tmp}/with-mounts.XXXXXX")
trap 'rmdir "$root" 2>/dev/null || true' EXIT
# Not exec'd, so that ROOT can be removed afterwards; unshare (no --fork) execs the second stage, which
# execs COMMAND, so $child is COMMAND's pid and TERM/INT/HUP sent to this script are passed on to it.
unshare --mount --propagation private -- "$(readlink -f "$0")" --inner "$root" "${pairs[@]}" -- "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT HUP
while :; do
  status=0
  wait "$child" || status=$?
  kill -0 "$child" 2>/dev/null || break  # a trapped signal interrupted wait: wait again
done
exit "$status"
