#!/usr/bin/env bash
# Stop what hack/docker-up.sh started, by the pids it recorded in
# /run/ward-docker/state, and undo what the daemons leave behind: ward
# containers still registered, leftover containerd shims (started by that
# containerd), mounts under Docker's and containerd's directories (netns,
# overlay rootfs, shm), docker0 and Docker's iptables rules, the sysctls
# dockerd changed. An engine the script did not start is never touched.
set -uo pipefail

STATE_DIR=/run/ward-docker
STATE=$STATE_DIR/state
CONTAINERD_SOCK=/run/containerd/containerd.sock

log() { echo "docker-down: $*" >&2; }

[ "$(id -u)" -eq 0 ] || { log "run as root"; exit 1; }
if [ ! -e "$STATE" ]; then
	log "nothing to stop (no $STATE)"
	exit 0
fi
DIR='' WARD_BIN='' CONTAINERD_PID='' CONTAINERD_START='' DOCKERD_PID=''
IP_FORWARD=- BRIDGE_NF_IPT=- BRIDGE_NF_IP6T=- HAD_DOCKER0=1
# shellcheck disable=SC1090
. "$STATE"

# start_time PID: field 22 of /proc/PID/stat (after the parenthesised comm).
start_time() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	awk '{ print $20 }' <<<"$s"
}

# stop PID NAME: SIGTERM, wait for it to exit, SIGKILL if it does not.
stop() {
	local pid=$1 name=$2 _
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	log "$name (pid $pid) ignored SIGTERM for 30 s: SIGKILL"
	kill -KILL "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	log "$name (pid $pid) is still there"
}

# Containers ward still knows about under the roots containerd's shims use.
delete_ward_containers() {
	local root id
	[ -n "$WARD_BIN" ] && [ -x "$WARD_BIN" ] || return 0
	for root in /run/docker/runtime-*/* /run/containerd/runc/*; do
		[ -d "$root" ] || continue
		for id in $("$WARD_BIN" --root "$root" list -q 2>/dev/null); do
			log "deleting leftover ward container $id ($root)"
			"$WARD_BIN" --root "$root" delete --force "$id" >/dev/null 2>&1
		done
	done
}

# Shims that outlived their containerd: only those born after it started
# (so a shim of an engine we did not start is never touched).
stop_shims() {
	local p exe st
	[ -n "$CONTAINERD_START" ] || return 0
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		[ "${exe##*/}" = containerd-shim-runc-v2 ] || continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "-address $CONTAINERD_SOCK " ||
			continue
		st=$(start_time "${p#/proc/}") || continue
		[ "$st" -ge "$CONTAINERD_START" ] || continue
		log "stopping leftover shim ${p#/proc/}"
		stop "${p#/proc/}" shim
	done
}

# Mounts the daemons left (netns files, overlay rootfs, shm), deepest first.
unmount_leftovers() {
	local m
	awk '{ print $5 }' /proc/self/mountinfo |
		grep -E '^(/run/docker|/var/lib/docker|/run/containerd|/var/lib/containerd)(/|$)' |
		sort -r | while read -r m; do
		m=$(printf '%b' "$m")	# mountinfo escapes spaces as \040
		umount -l "$m" 2>/dev/null && log "unmounted $m"
	done
}

# dockerd's chains and every rule naming them or docker0; the rest stays.
remove_iptables_rules() {
	local saved filtered
	command -v iptables-save >/dev/null || return 0
	saved=$(iptables-save 2>/dev/null) || return 0
	grep -qE 'DOCKER|docker0' <<<"$saved" || return 0
	filtered=$(grep -vE 'DOCKER|docker0' <<<"$saved")
	iptables-restore <<<"$filtered" || log "iptables-restore failed"
}

sysctl_set() {
	local f=/proc/sys/${1//.//}
	[ "$2" = - ] || [ ! -w "$f" ] || echo "$2" >"$f"
}

stop "$DOCKERD_PID" dockerd
delete_ward_containers
stop "$CONTAINERD_PID" containerd
stop_shims
unmount_leftovers
if [ "$HAD_DOCKER0" = 0 ] && ip link show docker0 >/dev/null 2>&1; then
	ip link del docker0 && log "removed docker0"
fi
remove_iptables_rules
sysctl_set net.ipv4.ip_forward "$IP_FORWARD"
sysctl_set net.bridge.bridge-nf-call-iptables "$BRIDGE_NF_IPT"
sysctl_set net.bridge.bridge-nf-call-ip6tables "$BRIDGE_NF_IP6T"
rm -f /var/run/docker.sock "$CONTAINERD_SOCK" "$CONTAINERD_SOCK.ttrpc"
# KEEP_LOGS=1 keeps the daemons' logs for a post-mortem.
if [ -z "${KEEP_LOGS:-}" ] && [ -n "$DIR" ] && [ -d "$DIR" ]; then
	case $DIR in /tmp/ward-docker.*) rm -rf "$DIR" ;; esac
fi
rm -f "$STATE"
log "down"
