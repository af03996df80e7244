#!/usr/bin/env bash
# Start-up benchmark: `run` of /bin/true on the same bundle with ward, crun
# and runc, in one invocation, N times each (interleaved, so drift hits all
# three alike). Prints medians, the ratios ward/crun and ward/runc, and peak
# RSS, for a bundle without linux.seccomp and one with Docker's default
# profile (converted from moby's default.json for a default container on
# this architecture, as dockerd would emit it).
#
#   hack/bench.sh [N] [--favordynmods]   (default N=40; run as root)
#
# On these hybrid hosts the first migration into a v1 cgroup waits for an
# RCU grace period (5-20 ms), paid by all three runtimes and dominating the
# spread. --favordynmods remounts the cgroup2 hierarchy with that option for
# the run (the kernel then skips the wait) and restores it on exit, to show
# the runtimes' own costs.
set -euo pipefail
cd "$(dirname "$0")/.."

# crun 1.8 refuses a hybrid host whose cgroup2 lists any controller (on
# these VMs, hugetlb: the one controller no v1 hierarchy binds). All three
# runtimes then run in a private mount namespace where that list reads
# empty; nothing on the host changes (moving hugetlb to a v1 mount and back
# would leave a hierarchy that breaks containerd's cgroup code until reboot).
if [ -z "${WARD_BENCH_INNER:-}" ] &&
	[ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
	exec unshare -m --propagation private env WARD_BENCH_INNER=1 bash "$0" "$@"
fi
if [ -n "${WARD_BENCH_INNER:-}" ]; then
	mount --bind /dev/null /sys/fs/cgroup/unified/cgroup.controllers
	echo "note: runtimes run in a private mount namespace where cgroup2 lists no controllers (for crun)"
fi
N=40
favor=false
for a in "$@"; do
	case $a in
	--favordynmods) favor=true ;;
	*) N=$a ;;
	esac
done
WARD=$PWD/build/ward
DOCKER_PROFILE=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json

need=()
command -v runc >/dev/null || need+=(runc)
command -v crun >/dev/null || need+=(crun)
[ -x /usr/bin/time ] || need+=(time)
[ -f "$DOCKER_PROFILE" ] || need+=(golang-github-docker-docker-dev)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$WARD" ] || make -s build/ward build/probe

work=$(mktemp -d /tmp/ward-bench.XXXXXX)
# runc and crun reach the rootfs as the mapped uid: the path must be open.
chmod 755 "$work"
# crun 1.8 chowns the host's device nodes it binds into a user-namespaced
# container to the container user (seen on /dev/null): remember and restore.
devnodes=(/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)
declare -A devowner=()
for n in "${devnodes[@]}"; do devowner[$n]=$(stat -c %u:%g "$n"); done

cleanup() {
	local r id b n
	for r in ward crun runc; do
		b=$r; [ "$r" = ward ] && b=$WARD
		for id in $("$b" --root "$work/root-$r" list -q 2>/dev/null); do
			"$b" --root "$work/root-$r" delete -f "$id" >/dev/null 2>&1
		done
	done
	rm -rf "$work"
	for n in "${devnodes[@]}"; do
		if [ "$(stat -c %u:%g "$n")" != "${devowner[$n]}" ]; then
			chown "${devowner[$n]}" "$n"
			echo "note: restored the owner of $n (changed by a runtime under test)"
		fi
	done
	if $favor; then
		mount --options-mode=ignore -o remount,rw,relatime /sys/fs/cgroup/unified
	fi
}
trap cleanup EXIT

# One bundle every runtime accepts: ward's hardened config with an explicit
# user namespace mapping (outside ward's own allocation range), so all three
# build the same namespaces, mounts and limits.
bash hack/mkrootfs.sh "$work/plain" >/dev/null
"$WARD" spec --bundle "$work/plain" --args /bin/true >/dev/null
jq '.ociVersion = "1.0.2" | .process.terminal = false
    | .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
    | .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]' \
	"$work/plain/config.json" >"$work/c.json" && mv "$work/c.json" "$work/plain/config.json"

# Docker's default profile for a container with Docker's default caps on
# x86_64: rules kept or dropped by their includes/excludes, as moby does.
docker_profile() {
	jq --argjson caps '["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]' '
	def has_arch: (. // []) as $a | ($a | length == 0) or ($a | index("amd64")) != null;
	def caps_ok($c): (. // []) | all(. as $x | $c | index($x) != null);
	def none_of($c): (. // []) | all(. as $x | $c | index($x) == null);
	{defaultAction, defaultErrnoRet: 1,
	 architectures: (.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
			  | [.architecture] + .subArchitectures),
	 syscalls: [.syscalls[]
		| select((.includes.arches | has_arch) and (.includes.caps | caps_ok($caps)))
		| select(((.excludes.arches // []) | index("amd64")) == null)
		| select(.excludes.caps | none_of($caps) | not | not)
		| select(((.excludes.caps // []) | map(. as $x | $caps | index($x)) | all(. == null)))
		| {names, action} + (if .args then {args} else {} end)
		  + (if .errnoRet then {errnoRet} else {} end)]}' "$DOCKER_PROFILE"
}
mkdir -p "$work/docker"

jq --slurpfile p <(docker_profile) --arg r "$work/plain/rootfs" '.linux.seccomp = $p[0] | .root.path = $r' "$work/plain/config.json" \
	>"$work/docker/config.json"

"$WARD" check --bundle "$work/plain" >/dev/null
"$WARD" check --bundle "$work/docker" >/dev/null

crun_rt() { crun "$@"; }
if $favor && grep -q ' /sys/fs/cgroup/unified .*favordynmods' /proc/mounts; then
	favor=false	# already so: nothing to set or restore
	echo "note: cgroup2 already has favordynmods"
elif $favor; then
	mount -o remount,favordynmods /sys/fs/cgroup/unified
	echo "note: cgroup2 remounted with favordynmods for this run"
fi
declare -A BIN=([ward]="$WARD" [crun]=crun_rt [runc]=runc)
# /usr/bin/time needs an executable, not a shell function.
declare -A RSSBIN=([ward]="$WARD" [crun]="crun" [runc]=runc)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b - a) * 1000}'; }

bench_bundle() {
	local bundle=$1 label=$2 tag=$3 r i t0 t1
	declare -A times=()
	for r in ward crun runc; do
		mkdir -p "$work/root-$r"
		# warm-up (and the ward seccomp cache's first fill)
		"${BIN[$r]}" --root "$work/root-$r" run --bundle "$bundle" "warm-$tag" >/dev/null
	done
	for ((i = 0; i < N; i++)); do
		for r in ward crun runc; do
			t0=$EPOCHREALTIME
			"${BIN[$r]}" --root "$work/root-$r" run --bundle "$bundle" "b$i-$tag" >/dev/null
			t1=$EPOCHREALTIME
			times[$r]+="$(ms "$t0" "$t1") "
		done
	done
	declare -A med=() rss=()
	for r in ward crun runc; do
		med[$r]=$(tr ' ' '\n' <<<"${times[$r]}" | grep . | median)
		rss[$r]=$(/usr/bin/time -f %M "${RSSBIN[$r]}" --root "$work/root-$r" \
			run --bundle "$bundle" "rss-$tag" 2>&1 >/dev/null | tail -n 1)
	done
	printf '%-28s %10s %10s %10s   %9s %9s\n' "$label (median ms, N=$N)" ward crun runc ward/crun ward/runc
	printf '%-28s %10s %10s %10s   %9.2f %9.2f\n' "run /bin/true" "${med[ward]}" "${med[crun]}" "${med[runc]}" \
		"$(awk -v a="${med[ward]}" -v b="${med[crun]}" 'BEGIN {print a / b}')" \
		"$(awk -v a="${med[ward]}" -v b="${med[runc]}" 'BEGIN {print a / b}')"
	printf '%-28s %10s %10s %10s   %9.2f %9.2f\n' "peak RSS (KiB)" "${rss[ward]}" "${rss[crun]}" "${rss[runc]}" \
		"$(awk -v a="${rss[ward]}" -v b="${rss[crun]}" 'BEGIN {print a / b}')" \
		"$(awk -v a="${rss[ward]}" -v b="${rss[runc]}" 'BEGIN {print a / b}')"
}

echo "ward $("$WARD" --version | head -n 1 | cut -d' ' -f3), $(crun --version | head -n 1), $(runc --version | head -n 1)"
bench_bundle "$work/plain" "no linux.seccomp" plain
echo
bench_bundle "$work/docker" "Docker's default profile" docker
