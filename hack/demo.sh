#!/usr/bin/env bash
# make demo: build a busybox bundle with a hardened config, show the policy at
# work, then run a container and print what the kernel applied to it.
set -euo pipefail
cd "$(dirname "$0")/.."
WARD=$PWD/build/ward
demo=$(mktemp -d /tmp/ward-demo.XXXXXX)
root=$demo/state
trap 'rm -rf "$demo"' EXIT

echo "== a busybox bundle from Debian's busybox-static"
bash hack/mkrootfs.sh "$demo/bundle" >/dev/null
"$WARD" spec --bundle "$demo/bundle" --args /bin/probe
echo
echo "== ward check accepts the hardened config ward spec wrote"
"$WARD" check --bundle "$demo/bundle"
echo
echo "== ward check refuses a privileged variant (uid 0, CAP_SYS_ADMIN, host network)"
mkdir -p "$demo/bad"
jq '.process.user.uid = 0
    | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
    | .linux.namespaces |= map(select(.type != "network"))' \
	"$demo/bundle/config.json" >"$demo/bad/config.json"
if "$WARD" check --bundle "$demo/bad"; then
	echo "demo: the privileged config was not refused" >&2
	exit 1
fi
echo
echo "== ward run: the container's own report (probe, inside the sandbox)"
"$WARD" --root "$root" run --bundle "$demo/bundle" demo
