#!/usr/bin/env bash
# The oracles the tests compare against that npm does not bring, for the header's differential test
# (test/header-cbindgen.test.ts): cbindgen (Debian's 0.24.3) and the Debian-packaged sources of real
# crates that export a C API (installed under /usr/share/cargo/registry); and for the per-target layout
# test (test/targets.test.ts), each target's C compiler: clang for every target
# (`clang --target=T -ffreestanding`), MinGW for Windows GNU, and gcc's 32-bit multilib for i686 Linux;
# and libloading's source, which the plugin example's host is built with offline (test/plugin-example.test.ts).
# Idempotent, and quiet when everything is already installed.
set -euo pipefail
PACKAGES=(cbindgen librust-sysinfo-dev librust-brotli-decompressor-dev librust-rav1e-dev clang gcc-mingw-w64-x86-64 gcc-multilib librust-libloading-dev)
REGISTRY=/usr/share/cargo/registry
missing=()
command -v cbindgen >/dev/null 2>&1 || missing+=(cbindgen)
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
dpkg -s gcc-multilib >/dev/null 2>&1 || missing+=(gcc-multilib)
for crate in sysinfo brotli-decompressor rav1e libloading; do
  if ! compgen -G "$REGISTRY/$crate-[0-9]*" >/dev/null; then
    missing+=("librust-$crate-dev")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-oracles: missing ${missing[*]}; install them as root: apt-get install -y ${PACKAGES[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cbindgen >/dev/null
