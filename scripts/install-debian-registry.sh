#!/usr/bin/env bash
# Installs the source of every crate Debian packages (`librust-*-dev`, feature packages `librust-*+…-dev`
# aside) under /usr/share/cargo/registry, for the real-crate agreement run over the whole registry:
#   sudo scripts/install-debian-registry.sh && node out/test/bench/parity-real.js --registry --writes-ffi --jobs 2
# A few versioned packages break the unversioned one of the same crate (librust-ahash-0.7-dev against
# librust-ahash-dev): apt's simulation names them, and they are left out. Idempotent.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "install-debian-registry: run as root (apt-get install)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A stale package index names versions the mirror no longer has, and one of them (libarchive-dev against an
# installed libarchive13 from the security archive) made the whole install fail on a fresh machine.
apt-get update -qq
mapfile -t packages < <(apt-cache search --names-only '^librust-' | awk '{print $1}' | grep -v '+' | sort)
for _ in 1 2 3; do
  simulated=$(apt-get install -s "${packages[@]}" 2>&1 || true)
  mapfile -t breaking < <(printf '%s\n' "$simulated" | sed -n 's/^ *\(librust-[^ ]*\) : Breaks: .*/\1/p' | sort -u)
  [ ${#breaking[@]} -eq 0 ] && break
  echo "install-debian-registry: left out, they break another package: ${breaking[*]}" >&2
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" | grep -vxF -f <(printf '%s\n' "${breaking[@]}"))
done
echo "install-debian-registry: ${#packages[@]} source packages" >&2
apt-get install -y -qq "${packages[@]}" >/dev/null
echo "install-debian-registry: $(ls /usr/share/cargo/registry | wc -l) crate folders under /usr/share/cargo/registry" >&2
