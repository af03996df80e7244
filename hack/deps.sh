#!/usr/bin/env bash
# Install every Debian package ward's build, tests, demo and benchmarks need.
# Idempotent: `apt-get update` runs only when something is missing.
set -euo pipefail

pkgs=(
	build-essential pkg-config
	libseccomp-dev libcap-ng-dev libmnl-dev libyajl-dev check
	busybox-static jq iproute2 util-linux procps
	runc crun hyperfine
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "hack/deps.sh: missing packages: ${missing[*]} (run as root to install)" >&2
	exit 1
fi
echo "hack/deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
