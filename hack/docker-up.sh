#!/usr/bin/env bash
# Start containerd and dockerd by hand with ward registered as a runtime, and
# import the busybox images the Docker tests use.
#
#   hack/docker-up.sh            start (or reuse a running engine), import images
#   WARD=/path/to/ward hack/docker-up.sh
#   DOCKERD_ARGS="--userns-remap=default" hack/docker-up.sh   (extra dockerd options)
#
# - Installs Debian's docker.io and containerd when missing (exit 3 when they
#   cannot be installed: callers skip rather than fail).
# - When `docker info` already answers, nothing is started: the running engine
#   is used as it is (it must have a "ward" runtime for the tests).
# - Otherwise containerd and dockerd run in the background, listening only on
#   their unix sockets, with logs, pid files and their configs in a temporary
#   directory. /run/ward-docker/state records that directory, the pids and
#   what the host looked like before (sysctls, docker0, iptables) so that
#   hack/docker-down.sh stops exactly these processes and undoes the rest.
# - Images: ward-busybox:latest (no USER) and ward-busybox:user (USER 1000),
#   built from Debian's busybox-static by hack/mkrootfs.sh: /bin/busybox and
#   its applet links, /etc/passwd with user 1000, build/probe as /bin/probe,
#   and /home/user, the one directory owned by (and writable for) uid 1000.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=/run/ward-docker
STATE=$STATE_DIR/state
CONTAINERD_SOCK=/run/containerd/containerd.sock
DOCKER_SOCK=/var/run/docker.sock
IMAGE=ward-busybox

log() { echo "docker-up: $*" >&2; }
die() {
	log "$*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root"

if [ -z "${WARD:-}" ]; then
	if [ -x "$TOP/build/ward" ]; then
		WARD=$TOP/build/ward
	elif [ -x /usr/local/bin/ward ]; then
		WARD=/usr/local/bin/ward
	else
		die "no ward binary: run make, or set WARD="
	fi
fi
WARD=$(realpath "$WARD")

# Debian's client; a client elsewhere on PATH may be of another version.
docker() { /usr/bin/docker -H "unix://$DOCKER_SOCK" "$@"; }

install_engine() {
	local missing=() p
	for p in docker.io containerd iptables tini; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# The packages' own service start fails without systemd: harmless, we
	# start the daemons below.
	if ! { apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
		{ apt-get update -qq &&
			apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; } \
		>"$STATE_DIR/apt.log" 2>&1; then
		tail -n 20 "$STATE_DIR/apt.log" >&2
		log "cannot install ${missing[*]}"
		exit 3
	fi
}

# sysctl_get NAME: its value, or "-" when the host has no such sysctl.
sysctl_get() {
	local f=/proc/sys/${1//.//}
	if [ -r "$f" ]; then cat "$f"; else echo -; fi
}

# start_time PID: field 22 of /proc/PID/stat (after the parenthesised comm).
start_time() {
	local s
	s=$(cat "/proc/$1/stat")
	s=${s##*) }
	awk '{ print $20 }' <<<"$s"
}

# wait_for WHAT PID CMD...: poll CMD until it succeeds; give up if PID dies.
wait_for() {
	local what=$1 pid=$2 _
	shift 2
	for _ in $(seq 600); do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	log "$what did not answer within 60 s"
	return 1
}

start_containerd() {
	local dir=$1 pid
	cat >"$dir/containerd.toml" <<-EOF
		version = 2
		# Docker and ctr only: no CRI (Kubernetes) plugin, no TCP listener.
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CONTAINERD_SOCK"
		[ttrpc]
		  address = "$CONTAINERD_SOCK.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	containerd --config "$dir/containerd.toml" >"$dir/containerd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/containerd.pid"
	echo "CONTAINERD_PID=$pid" >>"$STATE"
	# docker-down.sh stops only the shims born after this containerd.
	echo "CONTAINERD_START=$(start_time "$pid")" >>"$STATE"
	if ! wait_for containerd "$pid" ctr --address "$CONTAINERD_SOCK" version; then
		tail -n 30 "$dir/containerd.log" >&2
		die "containerd did not start (log: $dir/containerd.log)"
	fi
}

start_dockerd() {
	local dir=$1 pid
	# Unix socket only (no -H tcp://); our containerd, not one of its own;
	# the default bridge network: docker0 plus its NAT rules.
	dockerd --containerd "$CONTAINERD_SOCK" -H "unix://$DOCKER_SOCK" \
		--pidfile "$dir/dockerd.pid" --add-runtime "ward=$WARD" \
		--iptables=true --ip-forward=true --bridge=docker0 \
		--userland-proxy=false --log-level info ${DOCKERD_ARGS:-} \
		>"$dir/dockerd.log" 2>&1 &
	pid=$!
	echo "DOCKERD_PID=$pid" >>"$STATE"
	if ! wait_for dockerd "$pid" docker info; then
		tail -n 30 "$dir/dockerd.log" >&2
		die "dockerd did not start (log: $dir/dockerd.log)"
	fi
}

# The tests' images: busybox from Debian's busybox-static, no registry needed.
import_images() {
	local dir=$1
	[ -x "$TOP/build/probe" ] || make -C "$TOP" build/probe >/dev/null
	rm -rf "$dir/image"
	bash "$TOP/hack/mkrootfs.sh" "$dir/image" >/dev/null
	tar -C "$dir/image/rootfs" --numeric-owner -cf "$dir/image.tar" .
	docker import -m "ward test image" "$dir/image.tar" "$IMAGE:latest" >/dev/null
	docker import -m "ward test image, USER 1000" -c 'USER 1000' \
		"$dir/image.tar" "$IMAGE:user" >/dev/null
	rm -rf "$dir/image" "$dir/image.tar"
	# Re-imports leave the previous images dangling.
	docker image prune -f >/dev/null 2>&1 || true
}

main() {
	local dir
	mkdir -p "$STATE_DIR"
	chmod 0700 "$STATE_DIR"
	if [ -e "$STATE" ]; then
		# shellcheck disable=SC1090
		. "$STATE"
		if kill -0 "${DOCKERD_PID:-0}" 2>/dev/null && docker info >/dev/null 2>&1; then
			log "already up (pid ${DOCKERD_PID}, logs in $DIR)"
			import_images "$DIR"
			exit 0
		fi
		log "stale $STATE: running docker-down.sh first"
		bash "$TOP/hack/docker-down.sh"
	fi
	install_engine
	if docker info >/dev/null 2>&1; then
		log "a Docker engine not started by this script is running; using it as it is"
		dir=$(mktemp -d /tmp/ward-docker.XXXXXX)
		import_images "$dir"
		rm -rf "$dir"
		exit 0
	fi
	dir=$(mktemp -d /tmp/ward-docker.XXXXXX)
	{
		echo "DIR=$dir"
		echo "WARD_BIN=$WARD"
		echo "IP_FORWARD=$(sysctl_get net.ipv4.ip_forward)"
		echo "BRIDGE_NF_IPT=$(sysctl_get net.bridge.bridge-nf-call-iptables)"
		echo "BRIDGE_NF_IP6T=$(sysctl_get net.bridge.bridge-nf-call-ip6tables)"
		if ip link show docker0 >/dev/null 2>&1; then
			echo HAD_DOCKER0=1
		else
			echo HAD_DOCKER0=0
		fi
		echo "STARTED=$(date +%s)"
	} >"$STATE"
	start_containerd "$dir"
	start_dockerd "$dir"
	import_images "$dir"
	log "up: dockerd pid $(sed -n 's/^DOCKERD_PID=//p' "$STATE"), ward=$WARD, logs in $dir"
}

main "$@"
