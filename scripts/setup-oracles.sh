#!/usr/bin/env bash
# The oracles the tests compare against that npm does not bring: cbindgen (Debian's 0.24.3), for the
# header's differential test (test/header-cbindgen.test.ts). Idempotent, and quiet when already installed.
set -euo pipefail
if command -v cbindgen >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-oracles: cbindgen is missing; install it as root: apt-get install -y cbindgen" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq cbindgen >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq cbindgen >/dev/null
fi
command -v cbindgen >/dev/null
