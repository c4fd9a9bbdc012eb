#!/usr/bin/env bash
# Sets up mmaction-ts on a fresh Debian/Ubuntu machine, non-interactively:
#   1. installs the system packages it needs (only those missing): libtorch, FFmpeg's libraries
#      and CLI, a C++ toolchain, ccache, OpenBLAS (see below);  with --bench also the Python side of the benchmarks
#      (python3-torch, python3-opencv, python3-av);
#   2. runs `npm install` (which builds the native addon) unless node_modules is already there.
# Run as root, or as a user with sudo. Safe to run again: it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(libtorch-dev libavformat-dev libavcodec-dev libswscale-dev libswresample-dev libavutil-dev
      libavdevice-dev libavfilter-dev ffmpeg g++ make python3 ccache fonts-dejavu-core
      libopenblas0-openmp)
# libopenblas0-openmp: Debian's libtorch calls the system BLAS (libblas.so.3); without OpenBLAS that is the
# netlib reference BLAS, 10-30x slower for the matrix products behind linear layers and 1x1 / 3D convs.
for a in "$@"; do
  case "$a" in
    --bench) pkgs+=(python3-torch python3-numpy python3-opencv python3-av) ;;
    *) echo "setup.sh: unknown option $a (use --bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup.sh: missing packages (${missing[*]}) and no apt-get; install libtorch and FFmpeg's development files by hand, or set LIBTORCH." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup.sh: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup.sh: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if [ ! -d node_modules/tsx ] || [ ! -f build/Release/mmaction_native.node ]; then
  if [ -f package-lock.json ] && [ "${CI:-}" = "true" ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
else
  node scripts/build-native.mjs   # incremental: rebuilds only if native sources changed
fi
