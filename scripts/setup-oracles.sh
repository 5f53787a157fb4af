#!/bin/sh
# The oracles the tests compare with, from Debian (run as root, e.g. in CI before `npm test`).
# Helper "target": the per-target layout test (test/targets.test.ts) compiles the generated header and
# `_Static_assert`s of every fixture type's size, alignment and field offsets with each target's C
# compiler: clang for every target (`clang --target=T -ffreestanding`), and the GNU cross compilers.
set -eu
apt-get update
apt-get install -y clang gcc-mingw-w64-x86-64 gcc-multilib gcc-aarch64-linux-gnu
