#!/usr/bin/env bash
# Install the Debian packages hccstudy needs, only those missing.
#   scripts/deps.sh build   libraries and tools to build hccstudy
#   scripts/deps.sh test    plus what the test layers use (R + survival,
#                           haven, foreign and pandas for the exports)
#   scripts/deps.sh fuzz    clang and libFuzzer for the harnesses of
#                           tests/fuzz/ (make fuzz, make fuzz-ci)
# Runs apt-get as root, or through sudo otherwise.  Idempotent and quiet when
# everything is present.
set -eu
what=${1:-build}

build_pkgs="gcc make pkg-config libjansson-dev libgsl-dev libsqlite3-dev libpq-dev libsodium-dev libmicrohttpd-dev libreadstat-dev libxml2-dev"
test_pkgs="jq time curl openssl libxml2-utils unzip procps sqlite3 postgresql-15 postgresql-client-15 r-base-core r-cran-survival r-cran-matchit r-cran-rpact r-cran-haven r-cran-foreign python3-pandas r-cran-httr r-cran-jsonlite"

fuzz_pkgs="clang libclang-rt-14-dev"

pkgs=$build_pkgs
[ "$what" = test ] && pkgs="$test_pkgs"
[ "$what" = fuzz ] && pkgs="$fuzz_pkgs"

missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "hccstudy: missing packages:$missing (no apt-get here; install them by hand)" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "hccstudy: missing packages:$missing; run as root or install sudo" >&2
    exit 1
  fi
fi
echo "hccstudy: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
