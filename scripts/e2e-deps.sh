#!/usr/bin/env bash
# Install what the browser tests (tests/e2e) need, only what is missing:
#   - Debian's chromium package (/usr/bin/chromium), through apt-get, as root
#     or through sudo;
#   - Debian's fonts-noto-cjk, so that pages and plots in Chinese show their
#     glyphs (not empty boxes) in the screenshots;
#   - playwright-core from npm, pinned by tests/e2e/package-lock.json, with
#     `npm ci` when tests/e2e/node_modules is absent.
# Never downloads a browser build: playwright-core alone is installed, and the
# tests launch /usr/bin/chromium through its executablePath.  Idempotent and
# quiet when everything is present.  Exits non-zero when something cannot be
# installed.
#   scripts/e2e-deps.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

# apt_install PKG...: install Debian packages with apt-get (sudo when not root).
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "hccstudy: missing $* (no apt-get here; install by hand)" >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "hccstudy: missing $*; run as root or install sudo" >&2
      exit 1
    fi
  fi
  echo "hccstudy: installing Debian packages: $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

[ -x /usr/bin/chromium ] || apt_install chromium
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" ||
  apt_install fonts-noto-cjk
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
if [ ! -d "$root/tests/e2e/node_modules/playwright-core" ]; then
  echo "hccstudy: installing playwright-core (npm ci in tests/e2e)" >&2
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: belt and braces; playwright-core has no
  # install hook, and no browser may be fetched.
  (cd "$root/tests/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
     npm ci --no-audit --no-fund --loglevel=error >&2)
fi
