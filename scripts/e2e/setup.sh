#!/usr/bin/env bash
# Installs what the end-to-end test needs, idempotently, into a cache outside the checkout so that every
# clone on this machine reuses it (recipe: issue 6):
#   - Debian packages (only those missing; apt-get update only when something is missing);
#   - code-server (pinned: newer ones want Node 24) with its VS Code's dependencies, playwright-core and
#     node-gyp, from the npm registry, into $FFI_GUARD_E2E_CACHE (default ~/.cache/ffi-guard-e2e);
#   - code-server's native modules rebuilt against the local Node headers (no prebuilt-binary download),
#     Debian's ripgrep in place of @vscode/ripgrep's download, and the links of code-server's postinstall.sh.
# A finished install leaves a stamp naming the versions; a run that finds the same stamp does nothing.
# Any failure stops the script with a message saying which step failed: nothing is skipped silently.
# Prints the cache directory as its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_CORE_VERSION=1.65.1
NODE_GYP_VERSION=12.4.0
APT_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium build-essential python3)

CACHE="${FFI_GUARD_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ffi-guard-e2e}"
STAMP_TEXT="code-server ${CODE_SERVER_VERSION}; playwright-core ${PLAYWRIGHT_CORE_VERSION}; node-gyp ${NODE_GYP_VERSION}; node $(node --version) $(node -p process.arch)"

log() { printf '[e2e setup] %s\n' "$*" >&2; }
die() {
  printf '\n[e2e setup] FAILED: %s\n' "$*" >&2
  exit 1
}
step() {
  # step "what" cmd…: runs cmd, its output in a log file; on failure prints the log's end and stops.
  local what="$1"
  shift
  local logfile="$CACHE/logs/$(printf '%s' "$what" | tr -c 'A-Za-z0-9' '_').log"
  mkdir -p "$CACHE/logs"
  if ! "$@" >"$logfile" 2>&1; then
    tail -n 40 "$logfile" >&2 || true
    die "$what (full log: $logfile)"
  fi
}

# --- Debian packages -------------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || die "Debian packages missing (${missing[*]}) and there is no apt-get to install them"
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "Debian packages missing (${missing[*]}): run as root or install them first"
    SUDO=(sudo -n)
  fi
  # apt's signature check runs gpgv as the _apt user with output to /dev/null; if /dev/null has been replaced
  # by a plain file (rustc -o /dev/null run as root does that) it fails with a misleading "gpgv … not installed".
  [ -c /dev/null ] || die "Debian packages missing (${missing[*]}), and apt-get cannot work: /dev/null is not a character device (restore it as root: mknod -m 666 /dev/null.new c 1 3 && mv -f /dev/null.new /dev/null)"
  log "installing Debian packages: ${missing[*]}"
  mkdir -p "$CACHE/logs"
  "${SUDO[@]}" apt-get update >"$CACHE/logs/apt-get-update.log" 2>&1 || {
    tail -n 20 "$CACHE/logs/apt-get-update.log" >&2
    die "apt-get update"
  }
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y "${missing[@]}" >"$CACHE/logs/apt-get-install.log" 2>&1 || {
    tail -n 20 "$CACHE/logs/apt-get-install.log" >&2
    die "apt-get install -y ${missing[*]}"
  }
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing although the chromium package is installed"
command -v rg >/dev/null || die "rg (ripgrep) is missing although the ripgrep package is installed"

# --- code-server, playwright-core, node-gyp into the cache ----------------------------------------
# One install at a time: two checkouts testing at once share the cache.
mkdir -p "$(dirname "$CACHE")"
exec 9>"$CACHE.lock"
flock -w 600 9 || die "another install into $CACHE has held $CACHE.lock for 10 minutes"
if [ -f "$CACHE/ready" ] && [ "$(cat "$CACHE/ready")" = "$STAMP_TEXT" ]; then
  log "cached: $STAMP_TEXT in $CACHE"
  echo "$CACHE"
  exit 0
fi
NODE_INCLUDE="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$NODE_INCLUDE/include/node/node_api.h" ] ||
  die "Node's headers are not in $NODE_INCLUDE/include/node: the native modules cannot be built without downloading them"

log "installing code-server ${CODE_SERVER_VERSION}, playwright-core ${PLAYWRIGHT_CORE_VERSION}, node-gyp ${NODE_GYP_VERSION} into $CACHE"
rm -f "$CACHE/ready"
mkdir -p "$CACHE"
cat >"$CACHE/package.json" <<EOF
{
  "name": "ffi-guard-e2e-cache",
  "private": true,
  "description": "What scripts/e2e/setup.sh of Rust FFI Guard installs; safe to delete.",
  "dependencies": {
    "code-server": "${CODE_SERVER_VERSION}",
    "playwright-core": "${PLAYWRIGHT_CORE_VERSION}",
    "node-gyp": "${NODE_GYP_VERSION}"
  }
}
EOF
NPM_INSTALL=(npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
step "npm install code-server playwright-core node-gyp" bash -c "cd '$CACHE' && ${NPM_INSTALL[*]}"

CS="$CACHE/node_modules/code-server"
VS="$CS/lib/vscode"
[ -f "$CS/out/node/entry.js" ] || die "code-server installed without out/node/entry.js"
# VS Code's own dependencies and its built-in extensions' (their install scripts download binaries: skipped).
step "npm install in code-server/lib/vscode" bash -c "cd '$VS' && ${NPM_INSTALL[*]} --omit=dev"
step "npm install in code-server/lib/vscode/extensions" bash -c "cd '$VS/extensions' && ${NPM_INSTALL[*]} --omit=dev"

# ripgrep: @vscode/ripgrep's postinstall would download it; Debian's does the same job.
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp -f "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"

# Native modules, built against the local headers.
GYP=(node "$CACHE/node_modules/node-gyp/bin/node-gyp.js" rebuild "--nodedir=$NODE_INCLUDE" --jobs=max)
for m in kerberos node-pty @vscode/spdlog; do
  [ -d "$VS/node_modules/$m" ] || die "code-server's VS Code has no node_modules/$m"
  log "building $m"
  step "node-gyp rebuild $m" bash -c "cd '$VS/node_modules/$m' && ${GYP[*]}"
done
ARGON2="$CS/node_modules/argon2"
[ -d "$ARGON2" ] || ARGON2="$CACHE/node_modules/argon2"
[ -d "$ARGON2" ] || die "argon2 (a code-server dependency) is not installed"
log "building argon2"
step "node-gyp rebuild argon2" bash -c "cd '$ARGON2' && ${GYP[*]} --module_name=argon2 --module_path='$ARGON2/lib/binding/napi-v3' --napi_build_version=3"

# What code-server's postinstall.sh does.
ln -sfn node_modules "$VS/node_modules.asar"
ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"

# A quick check that it starts at all.
# (Its config and logs go to the cache, not to ~/.config and ~/.local.)
mkdir -p "$CACHE/check"
printf 'auth: none\ncert: false\n' >"$CACHE/check/config.yaml"
step "code-server --version" env XDG_CONFIG_HOME="$CACHE/check" XDG_DATA_HOME="$CACHE/check" \
  node "$CS/out/node/entry.js" --config "$CACHE/check/config.yaml" --version
node -e "require('$CACHE/node_modules/playwright-core')" || die "playwright-core does not load"

printf '%s' "$STAMP_TEXT" >"$CACHE/ready"
log "ready: $STAMP_TEXT"
echo "$CACHE"
