#!/usr/bin/env bash
# The action's launcher: runs the crier release binary for this runner (RUNNER_OS and
# RUNNER_ARCH), after checking it against the checksums committed with the action in
# SHA256SUMS, so a changed release asset is never run. The binary is kept in the tool cache
# between jobs on the same runner. The step's inputs reach crier as INPUT_* variables, and its
# outputs, summary, annotations and exit status are crier's own.
#
# TOWN_CRIER_BINARY runs a binary already on the runner instead (the project's own workflow, on
# `uses: ./`); TOWN_CRIER_RELEASE_URL fetches the release assets from elsewhere (a mirror, tests).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -n "${TOWN_CRIER_BINARY:-}" ]; then
  exec "$TOWN_CRIER_BINARY" "$@"
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) asset=crier-linux-amd64 ;;
  Linux/ARM64) asset=crier-linux-arm64 ;;
  macOS/X64) asset=crier-macos-amd64 ;;
  macOS/ARM64) asset=crier-macos-arm64 ;;
  Windows/X64) asset=crier-windows-amd64.exe ;;
  *)
    echo "::error::Town Crier has no binary for ${RUNNER_OS:-an unknown OS} on ${RUNNER_ARCH:-an unknown architecture}: it runs on Linux (X64, ARM64), macOS (X64, ARM64) and Windows (X64) runners; elsewhere, use its container image"
    exit 2
    ;;
esac

version=$(tr -d '[:space:]' < "$here/VERSION")
expected=$(awk -v a="$asset" '$2 == a || $2 == "*" a { print $1 }' "$here/SHA256SUMS")
if [ -z "$expected" ]; then
  echo "::error::the action lists no checksum for $asset (release $version); it runs no binary it cannot check"
  exit 2
fi

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

cache="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/town-crier/$version"
binary="$cache/$asset"
if [ ! -f "$binary" ] || [ "$(sha256 "$binary")" != "$expected" ]; then
  mkdir -p "$cache"
  base="${TOWN_CRIER_RELEASE_URL:-https://github.com/town-crier/town-crier/releases/download/$version}"
  if ! curl -fsSL --retry 3 --max-time 60 -o "$binary.part" "$base/$asset"; then
    rm -f "$binary.part"
    echo "::error::cannot download $asset of Town Crier $version"
    exit 2
  fi
  actual=$(sha256 "$binary.part")
  if [ "$actual" != "$expected" ]; then
    rm -f "$binary.part"
    echo "::error::$asset does not match the checksum the action was released with (expected $expected, got $actual); it was not run"
    exit 2
  fi
  chmod +x "$binary.part"
  mv -f "$binary.part" "$binary"
fi
exec "$binary" "$@"
