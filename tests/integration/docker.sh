#!/usr/bin/env bash
# Docker and containerd end to end: `docker run --runtime=ward` against a real
# engine (started by hack/docker-up.sh when none is running, stopped again at
# the end), the scenarios users run, the refusals they must see, and
# containerd's runc shim driven directly with `ctr run --runc-binary`.
. "$(dirname "$0")/lib.sh"

DOCKER=/usr/bin/docker	# Debian's client, the daemon's own version
IMG=ward-busybox:latest	# no USER: runs as root unless -u is given
UIMG=ward-busybox:user	# USER 1000
LABEL=ward-test=docker-sh
CTR_NS=ward-test
STARTED=0
WROOT=/run/docker/runtime-runc/moby	# replaced by what the shim really uses
SHARED=$T_TMP/shared

dk() { "$DOCKER" "$@"; }
# dr ARGS...: docker run with ward and the suite's label.
dr() { dk run --runtime=ward --label "$LABEL" "$@"; }

docker_cleanup() {
	local ids
	ids=$(dk ps -aq --filter "label=$LABEL" 2>/dev/null)
	[ -n "$ids" ] && dk rm -f $ids >/dev/null 2>&1
	dk volume rm -f wt-vol >/dev/null 2>&1
	if command -v ctr >/dev/null; then
		ctr -n "$CTR_NS" task kill -s KILL wt-ctr >/dev/null 2>&1
		ctr -n "$CTR_NS" task rm -f wt-ctr >/dev/null 2>&1
		ctr -n "$CTR_NS" container rm wt-ctr wt-ctr-priv >/dev/null 2>&1
		ctr -n "$CTR_NS" images rm "docker.io/library/$UIMG" >/dev/null 2>&1
		ctr namespaces rm "$CTR_NS" >/dev/null 2>&1
	fi
	mountpoint -q "$SHARED" 2>/dev/null && umount -l "$SHARED"
	[ "$STARTED" = 1 ] && [ -e /run/ward-docker/state ] &&
		bash "$TOP/hack/docker-down.sh" >/dev/null 2>&1
}
trap 'docker_cleanup; cleanup' EXIT

# has_cmd NAME: does this ward have the subcommand Docker needs?
has_cmd() { "$WARD" help "$1" >/dev/null 2>&1; }

# nothing_left ID [ROOTFS]: no process, cgroup, mount, ward state, id block
# or shim of container ID (and its rootfs no longer mounted).
nothing_left() {
	local id=$1 rootfs=${2:-} p
	for p in /proc/[0-9]*/cgroup; do
		if grep -qs -- "$id" "$p"; then
			fail "$id: process ${p//[^0-9]/} is still in its cgroup"
			break
		fi
	done
	if compgen -G "/sys/fs/cgroup/*/docker/$id" >/dev/null ||
		compgen -G "/sys/fs/cgroup/docker/$id" >/dev/null; then
		fail "$id: cgroup left: $(compgen -G "/sys/fs/cgroup/*/docker/$id" | head -n 3)"
	fi
	grep -qs -- "$id" /proc/self/mountinfo && fail "$id: mount left: $(grep -- "$id" /proc/self/mountinfo | head -n 2)"
	[ -n "$rootfs" ] && grep -qsF " $rootfs " /proc/self/mountinfo && fail "$id: rootfs still mounted"
	[ -e "$WROOT/$id" ] && fail "$id: ward state dir $WROOT/$id left"
	W_list=$("$WARD" --root "$WROOT" list -q 2>/dev/null)
	grep -qx -- "$id" <<<"$W_list" && fail "$id: ward still lists it"
	grep -rqs -- "$id" /run/ward-idmap && fail "$id: its id block was not released"
	pgrep -f -- "-id $id" >/dev/null && fail "$id: its shim is still running"
}

# ---- the engine ----------------------------------------------------------
[ "$(id -u)" -eq 0 ] || { t "docker"; skip "needs root"; finish; exit; }
[ -x "$TOP/build/probe" ] || make -C "$TOP" build/probe >/dev/null 2>&1

ward_registered() { dk info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"ward"'; }

t "docker-up: an engine with ward registered"
if [ -x "$DOCKER" ] && dk info >/dev/null 2>&1; then
	ward_registered || { skip "a Docker engine without a ward runtime is running (dockerd --add-runtime ward=...)"; finish; exit; }
	# Reuses the engine as it is; only the images are (re)imported.
	run_rc out env WARD="$WARD" bash "$TOP/hack/docker-up.sh"
	expect_eq "$out_rc" 0 "docker-up.sh exit: $out"
else
	# The engine runs a copy: a rebuild of build/ward while the suite runs
	# must not swap the binary under containerd's shims.
	mkdir -p "$T_TMP/bin" && cp "$WARD" "$T_TMP/bin/ward" && WARD=$T_TMP/bin/ward
	# Ours from here, even half-started: the EXIT trap takes it down.
	STARTED=1
	run_rc out env WARD="$WARD" bash "$TOP/hack/docker-up.sh"
	if [ "$out_rc" = 3 ]; then
		skip "docker.io cannot be installed here: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
		finish
		exit
	fi
	expect_eq "$out_rc" 0 "docker-up.sh exit: $out"
	ward_registered || fail "ward is not in docker info's runtimes"
fi
[ "$T_OK" = 1 ] || { finish; exit; }
WARD_RT=$(dk info --format '{{json .Runtimes}}' | jq -r '.ward.path')
[ "$WARD_RT" = "$WARD" ] || echo "note: the engine's ward is $WARD_RT (this suite built $WARD)"
for i in "$IMG" "$UIMG"; do
	dk image inspect "$i" >/dev/null 2>&1 || fail "image $i was not imported"
done

# ---- Done-when: the sandbox as `docker run` shows it ------------------------
t "docker run -u 1000: uid 1000, a non-identity map never to host 0, NoNewPrivs 1, Seccomp 2, busybox owned by 0"
run_rc out dr --rm -u 1000 "$IMG" sh -c 'id; cat /proc/self/uid_map; grep -E "NoNewPrivs|Seccomp|CapEff" /proc/self/status; ls -ln /bin/busybox'
expect_eq "$out_rc" 0 "exit: $out"
expect_match "$out" '^uid=1000\(user\) gid=1000' "id"
map=$(grep -E '^ +[0-9]+ +[0-9]+ +[0-9]+$' <<<"$out" | head -n 1)
read -r m_in m_host m_len <<<"$map"
expect_eq "$m_in" 0 "uid_map container start"
[ "${m_host:-0}" -gt 0 ] 2>/dev/null || fail "uid_map maps to host ${m_host:-?} (identity or host 0): $map"
expect_eq "$m_len" 65536 "uid_map length"
expect_match "$out" 'NoNewPrivs:[[:space:]]+1'
expect_match "$out" 'Seccomp:[[:space:]]+2'
expect_match "$out" 'CapEff:[[:space:]]+0000000000000000'
expect_match "$out" '^-rwxr-xr-x +1 +0 +0 .*/bin/busybox$' "ls -ln /bin/busybox"

t "docker run --rm echo hi"
run_rc out dr --rm -u 1000 "$IMG" echo hi
expect_eq "$out_rc" 0 "exit"
expect_eq "$out" hi "output"

t "exit codes propagate (sh -c 'exit 3' gives 3)"
run_rc out dr --rm -u 1000 "$IMG" sh -c 'exit 3'
expect_eq "$out_rc" 3 "exit"

t "the image's owners inside, and uid 1000 writes only where the image lets it; writes land with the image's ids"
run_rc out dr --name wt-owners -u 1000 "$IMG" sh -c 'ls -lnd /home/user /etc /etc/hosts /etc/hostname /etc/resolv.conf; echo x >/home/user/made && ls -ln /home/user/made; echo y >/etc/nope; echo "etc=$?"'
expect_match "$out" '^drwxr-xr-x +2 +1000 +1000 .*/home/user$' "/home/user owner"
expect_match "$out" '^drwxr-xr-x .* 0 +0 .*/etc$' "/etc owner"
for f in hosts hostname resolv.conf; do
	expect_match "$out" "^-rw-r--r-- +1 +0 +0 .*/etc/$f\$" "/etc/$f (bound in by Docker) owner"
done
expect_match "$out" '^-rw-r--r-- +1 +1000 +1000 .*/home/user/made$' "new file inside"
expect_match "$out" 'etc=1' "write to /etc refused"
expect_match "$out" 'Permission denied' "write to /etc"
upper=$(dk inspect -f '{{.GraphDriver.Data.UpperDir}}' wt-owners 2>/dev/null)
expect_eq "$(stat -c '%u:%g' "$upper/home/user/made" 2>&1)" 1000:1000 "host owner of the new file in the upper layer"
expect_eq "$(stat -c '%u:%g' "$upper/home/user" 2>&1)" 1000:1000 "host owner of the copied-up dir"
dk rm -f wt-owners >/dev/null 2>&1

# ---- terminals -------------------------------------------------------------
t "docker run -t: a pty through the console socket"
run_rc out dr --rm -t -u 1000 "$IMG" sh -c 'tty; test -t 0 && echo stdin-is-tty'
expect_eq "$out_rc" 0 "exit"
expect_match "$out" '^/dev/pts/[0-9]+' "tty"
expect_match "$out" 'stdin-is-tty'

t "docker run -it: interactive pty, input in, exit code out"
if command -v script >/dev/null; then
	run_rc out script -qec "$DOCKER run --runtime=ward --label $LABEL --rm -it -u 1000 $IMG sh" /dev/null \
		<<<'echo "from-$((6 * 7))"; exit 5'
	expect_eq "$out_rc" 5 "exit"
	expect_match "$out" 'from-42' "shell output"
else
	skip "no script(1) to give docker a terminal"
fi

# ---- a detached container and everything Docker does to it ------------------
t "docker run -d, docker logs"
cid=$(dr -d --name wt-d -u 1000 "$IMG" sh -c 'echo started; exec sleep 600' 2>&1)
expect_match "$cid" '^[0-9a-f]{64}$' "container id"
for _ in $(seq 100); do [ "$(dk logs wt-d 2>&1)" = started ] && break; sleep 0.1; done
expect_eq "$(dk logs wt-d 2>&1)" started "logs"
expect_eq "$(dk inspect -f '{{.State.Status}}' wt-d 2>&1)" running "status"
bundle=/run/containerd/io.containerd.runtime.v2.task/moby/$cid
if [ -r "$bundle/options.json" ]; then
	WROOT=$(jq -r '.root' "$bundle/options.json")/moby
	expect_eq "$(jq -r '.binary_name' "$bundle/options.json")" "$WARD_RT" "shim's runtime binary"
fi
[ -d "$WROOT/$cid" ] || fail "no ward state for it under $WROOT"
init_pid=$(dk inspect -f '{{.State.Pid}}' wt-d)
grep -q "docker/$cid" "/proc/$init_pid/cgroup" || fail "init is not in the container's cgroup: $(cat "/proc/$init_pid/cgroup")"

t "docker exec: output and exit code"
if has_cmd exec; then
	run_rc out dk exec wt-d id
	expect_eq "$out_rc" 0 "exit"
	expect_match "$out" '^uid=1000' "id"
	run_rc out dk exec wt-d sh -c 'exit 6'
	expect_eq "$out_rc" 6 "exec exit code"
else
	skip "ward has no exec command yet"
fi

t "docker exec -t and -it"
if has_cmd exec && command -v script >/dev/null; then
	run_rc out dk exec -t wt-d tty
	expect_match "$out" '^/dev/pts/[0-9]+' "exec -t tty"
	run_rc out script -qec "$DOCKER exec -it wt-d sh" /dev/null <<<'echo "in-$((2 * 3))"; exit 4'
	expect_eq "$out_rc" 4 "exec -it exit"
	expect_match "$out" 'in-6' "exec -it output"
else
	skip "needs ward exec and script(1)"
fi

t "docker top"
if has_cmd ps; then
	run_rc out dk top wt-d
	expect_eq "$out_rc" 0 "exit: $out"
	expect_match "$out" 'sleep 600' "top"
else
	skip "ward has no ps command yet"
fi

t "docker stats --no-stream"
run_rc out dk stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' wt-d
expect_eq "$out_rc" 0 "exit: $out"
expect_match "$out" '^wt-d [0-9.]+[KMG]i?B / [0-9.]+[KMGT]i?B 1$' "stats"

t "docker pause / unpause"
if has_cmd pause; then
	run_rc out dk pause wt-d
	expect_eq "$out_rc" 0 "pause: $out"
	expect_eq "$(dk inspect -f '{{.State.Status}}' wt-d)" paused "status"
	fz=/sys/fs/cgroup/freezer/docker/$cid/freezer.state
	[ -r "$fz" ] && expect_eq "$(cat "$fz")" FROZEN "host freezer"
	run_rc out dk unpause wt-d
	expect_eq "$out_rc" 0 "unpause: $out"
	expect_eq "$(dk inspect -f '{{.State.Status}}' wt-d)" running "status"
	[ -r "$fz" ] && expect_eq "$(cat "$fz")" THAWED "host freezer"
else
	skip "ward has no pause command yet"
fi

t "docker update --memory reaches the cgroup"
if has_cmd update; then
	run_rc out dk update --memory 96m --memory-swap 96m wt-d
	expect_eq "$out_rc" 0 "update: $out"
	mem=/sys/fs/cgroup/memory/docker/$cid/memory.limit_in_bytes
	[ -r "$mem" ] || mem=/sys/fs/cgroup/docker/$cid/memory.max
	expect_eq "$(cat "$mem" 2>&1)" $((96 * 1024 * 1024)) "$mem"
else
	skip "ward has no update command yet"
fi

t "docker rm -f of a running container leaves nothing behind"
rootfs=$(dk inspect -f '{{.GraphDriver.Data.MergedDir}}' wt-d)
run_rc out dk rm -f wt-d
expect_eq "$out_rc" 0 "rm -f: $out"
nothing_left "$cid" "$rootfs"

# ---- signals ---------------------------------------------------------------
t "docker stop: SIGTERM reaches the process"
dr -d --name wt-term -u 1000 "$IMG" sh -c 'trap "exit 42" TERM; echo up; while :; do sleep 0.1; done' >/dev/null
for _ in $(seq 100); do [ "$(dk logs wt-term 2>&1)" = up ] && break; sleep 0.1; done
run_rc out dk stop -t 30 wt-term
expect_eq "$out_rc" 0 "stop"
expect_eq "$(dk inspect -f '{{.State.ExitCode}}' wt-term)" 42 "exit code (the trap ran)"
dk rm wt-term >/dev/null

t "docker stop: SIGKILL after the timeout"
# pid 1 of a pid namespace ignores a SIGTERM it has no handler for.
dr -d --name wt-kill -u 1000 "$IMG" sleep 600 >/dev/null
run_rc out dk stop -t 1 wt-kill
expect_eq "$out_rc" 0 "stop"
expect_eq "$(dk inspect -f '{{.State.ExitCode}}' wt-kill)" 137 "exit code"
dk rm wt-kill >/dev/null

t "docker kill -s USR1"
dr -d --name wt-usr1 -u 1000 "$IMG" sh -c 'trap "exit 7" USR1; echo up; while :; do sleep 0.1; done' >/dev/null
for _ in $(seq 100); do [ "$(dk logs wt-usr1 2>&1)" = up ] && break; sleep 0.1; done
run_rc out dk kill -s USR1 wt-usr1
expect_eq "$out_rc" 0 "kill"
expect_eq "$(dk wait wt-usr1)" 7 "exit code"
dk rm wt-usr1 >/dev/null

t "an OOM kill is reported (OOMKilled, exit 137)"
run_rc out dr --name wt-oom -u 1000 --memory 16m --memory-swap 16m "$IMG" \
	sh -c 'x=$(head -c 64000000 /dev/zero | tr "\0" a); echo survived'
expect_eq "$out_rc" 137 "exit"
expect_no_match "$out" survived
expect_eq "$(dk inspect -f '{{.State.OOMKilled}}' wt-oom)" true "OOMKilled"
dk rm wt-oom >/dev/null

# ---- filesystems -----------------------------------------------------------
t "--read-only with --tmpfs"
run_rc out dr --rm -u 1000 --read-only --tmpfs /scratch "$IMG" sh -c 'touch /x; echo "root=$?"; touch /scratch/y && echo scratch-ok'
expect_match "$out" 'Read-only file system'
expect_match "$out" 'root=1'
expect_match "$out" 'scratch-ok'

t "-v hostdir:/data: host owners inside, writes land as uid 1000 on the host"
hd=$T_TMP/hostdir
mkdir -p "$hd" && echo host >"$hd/from-host" && chown 1000:1000 "$hd"
run_rc out dr --rm -u 1000 -v "$hd:/data" "$IMG" sh -c 'ls -ln /data; echo c >/data/new && mkdir /data/sub && echo wrote'
expect_match "$out" 'wrote'
expect_match "$out" '^-rw-r--r-- +1 +0 +0 .*from-host$' "host root's file inside"
expect_eq "$(stat -c '%u:%g' "$hd/new" 2>&1)" 1000:1000 "host owner of the new file"
expect_eq "$(stat -c '%u:%g' "$hd/sub" 2>&1)" 1000:1000 "host owner of the new dir"

t "-v vol:/home/user: a named volume takes the image's owners and keeps the writes"
dk volume rm -f wt-vol >/dev/null 2>&1
run_rc out dr --rm -u 1000 -v wt-vol:/home/user "$IMG" sh -c 'ls -lnd /home/user; echo v >/home/user/f && echo wrote'
expect_match "$out" 'wrote'
expect_match "$out" '^drwxr-xr-x +[0-9]+ +1000 +1000 .*/home/user$' "volume root inside"
vdir=$(dk volume inspect -f '{{.Mountpoint}}' wt-vol 2>/dev/null)
expect_eq "$(stat -c '%u:%g' "$vdir/f" 2>&1)" 1000:1000 "host owner in the volume"
dk volume rm -f wt-vol >/dev/null 2>&1

# ---- networks --------------------------------------------------------------
t "--network none: loopback only"
run_rc out dr --rm -u 1000 --network none "$IMG" sh -c 'ls /sys/class/net'
expect_eq "$out_rc" 0 "exit"
expect_eq "$(tr '\n' ' ' <<<"$out")" "lo " "interfaces"

t "default bridge: a container reaches another by IP"
dr -d --name wt-srv --ipc shareable -u 1000 "$IMG" sh -c 'echo hello-bridge >/tmp/m; while :; do nc -l -p 8080 </tmp/m; done' >/dev/null
ip=$(dk inspect -f '{{.NetworkSettings.IPAddress}}' wt-srv)
expect_match "$ip" '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' "server IP"
run_rc out dr --rm -u 1000 "$IMG" sh -c "for i in \$(seq 50); do nc $ip 8080 </dev/null && exit 0; sleep 0.1; done; exit 1"
expect_eq "$out_rc" 0 "client exit"
expect_match "$out" 'hello-bridge' "reply"

t "--network container:X shares X's network namespace"
run_rc out dr --rm -u 1000 --network container:wt-srv "$IMG" sh -c 'ip -4 -o addr show eth0'
expect_match "$out" "inet $ip/" "same address"

t "--ipc container:X and --pid container:X share X's user namespace (a pod)"
run_rc out dr --rm -u 1000 --ipc container:wt-srv --pid container:wt-srv "$IMG" \
	sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/user; ps -o pid,args | grep -c "nc -l"'
expect_eq "$out_rc" 0 "exit"
srvpid=$(dk inspect -f '{{.State.Pid}}' wt-srv)
expect_eq "$(sed -n 1p <<<"$out")" "$(readlink /proc/"$srvpid"/ns/ipc)" "ipc namespace"
expect_eq "$(sed -n 2p <<<"$out")" "$(readlink /proc/"$srvpid"/ns/user)" "user namespace"
dk rm -f wt-srv >/dev/null

# ---- resources and process settings -----------------------------------------
t "--memory, --pids-limit, --cpus reach the container's cgroup"
cid=$(dr -d -u 1000 --memory 64m --pids-limit 50 --cpus 1.5 "$IMG" sleep 600)
cg=/sys/fs/cgroup
if [ -d "$cg/memory/docker/$cid" ]; then
	expect_eq "$(cat "$cg/memory/docker/$cid/memory.limit_in_bytes")" 67108864 "memory"
	expect_eq "$(cat "$cg/pids/docker/$cid/pids.max")" 50 "pids"
	expect_eq "$(cat "$cg/cpu/docker/$cid/cpu.cfs_quota_us")" 150000 "cpu quota"
	expect_eq "$(cat "$cg/cpu/docker/$cid/cpu.cfs_period_us")" 100000 "cpu period"
elif [ -d "$cg/docker/$cid" ]; then
	expect_eq "$(cat "$cg/docker/$cid/memory.max")" 67108864 "memory"
	expect_eq "$(cat "$cg/docker/$cid/pids.max")" 50 "pids"
	expect_eq "$(cat "$cg/docker/$cid/cpu.max")" "150000 100000" "cpu"
else
	fail "no cgroup docker/$cid"
fi
dk rm -f "$cid" >/dev/null

t "--cap-drop ALL and --security-opt no-new-privileges"
run_rc out dr --rm -u 1000 --cap-drop ALL --security-opt no-new-privileges "$IMG" grep -E 'CapBnd|CapPrm|NoNewPrivs' /proc/self/status
expect_match "$out" 'CapBnd:[[:space:]]+0000000000000000'
expect_match "$out" 'CapPrm:[[:space:]]+0000000000000000'
expect_match "$out" 'NoNewPrivs:[[:space:]]+1'

t "--user 1000:1000 --group-add 2000, -w, -e"
run_rc out dr --rm --user 1000:1000 --group-add 2000 -w /tmp -e WT_VAR=wt-value "$IMG" sh -c 'id; pwd; echo "$WT_VAR"'
expect_match "$out" '^uid=1000\(user\) gid=1000\(user\) groups=1000\(user\),2000$' "id"
expect_match "$out" '^/tmp$' "cwd"
expect_match "$out" '^wt-value$' "env"

t "--init: docker-init is pid 1"
run_rc out dr --rm -u 1000 --init "$IMG" sh -c 'cat /proc/1/comm; ls -ln /sbin/docker-init'
expect_eq "$out_rc" 0 "exit: $out"
expect_match "$out" '^docker-init$' "pid 1"
expect_match "$out" ' 0 +0 .*/sbin/docker-init$' "docker-init owner"

t "--security-opt seccomp=unconfined: the baseline still filters (DESIGN §3)"
run_rc out dr --rm -u 1000 --security-opt seccomp=unconfined "$IMG" grep -E 'Seccomp:' /proc/self/status
expect_eq "$out_rc" 0 "exit: $out"
expect_match "$out" 'Seccomp:[[:space:]]+2'

t "an image with USER 1000 runs without -u"
run_rc out dr --rm "$UIMG" id -u
expect_eq "$out_rc" 0 "exit: $out"
expect_eq "$out" 1000 "uid"

t "8 containers started in parallel, all removed cleanly"
pids=()
for i in 1 2 3 4 5 6 7 8; do
	dr -d --name "wt-par-$i" -u 1000 "$IMG" sh -c "echo par-$i; exec sleep 600" >"$T_TMP/par-$i" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a parallel docker run failed"; done
ids=()
for i in 1 2 3 4 5 6 7 8; do
	id=$(cat "$T_TMP/par-$i")
	expect_match "$id" '^[0-9a-f]{64}$' "wt-par-$i"
	ids+=("$id")
	expect_eq "$(dk inspect -f '{{.State.Status}}' "wt-par-$i" 2>&1)" running "wt-par-$i status"
done
for i in 1 2 3 4 5 6 7 8; do
	for _ in $(seq 100); do [ "$(dk logs "wt-par-$i" 2>&1)" = "par-$i" ] && break; sleep 0.1; done
	expect_eq "$(dk logs "wt-par-$i" 2>&1)" "par-$i" "wt-par-$i logs"
done
pids=()
for i in 1 2 3 4 5 6 7 8; do dk rm -f "wt-par-$i" >/dev/null 2>&1 & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail "a parallel docker rm -f failed"; done
for id in "${ids[@]}"; do nothing_left "$id"; done

# ---- refusals --------------------------------------------------------------
# refuse NAME RULE_REGEX ARGS...: docker run fails with ward's message (rule,
# fix) and leaves nothing behind.
refuse_n=0
refuse() {
	local name=$1 rule=$2 id rootfs
	shift 2
	refuse_n=$((refuse_n + 1))
	t "refused: $name"
	run_rc out dk run --runtime=ward --label "$LABEL" --name "wt-refuse-$refuse_n" "$@"
	expect_eq "$out_rc" 125 "docker run exit"
	expect_match "$out" "refused: ($rule) \[CIS [0-9.]+\]" "error text"
	expect_match "$out" ' — fix: ' "error text"
	id=$(dk inspect -f '{{.Id}}' "wt-refuse-$refuse_n" 2>/dev/null)
	rootfs=$(dk inspect -f '{{.GraphDriver.Data.MergedDir}}' "wt-refuse-$refuse_n" 2>/dev/null)
	if [ -n "$id" ]; then
		nothing_left "$id" "$rootfs"
		dk rm -f "wt-refuse-$refuse_n" >/dev/null 2>&1
	else
		fail "no container record to check"
	fi
}

refuse "--privileged" caps -u 1000 --privileged "$IMG" true
refuse "-u 0" root-user -u 0 "$IMG" true
refuse "an image with no USER, run without -u" root-user "$IMG" true
refuse "-v /var/run/docker.sock" engine-socket -u 1000 -v /var/run/docker.sock:/var/run/docker.sock "$IMG" true
refuse "--net host" host-ns -u 1000 --net host "$IMG" true
refuse "--pid host" host-ns -u 1000 --pid host "$IMG" true
refuse "--ipc host" host-ns -u 1000 --ipc host "$IMG" true
refuse "--uts host" host-ns -u 1000 --uts host "$IMG" true
refuse "--cap-add SYS_ADMIN" caps -u 1000 --cap-add SYS_ADMIN "$IMG" true
blk=
for d in /dev/sda /dev/vda /dev/nvme0n1 /dev/xvda; do [ -b "$d" ] && { blk=$d; break; }; done
if [ -n "$blk" ]; then
	refuse "--device $blk" devices -u 1000 --device "$blk" "$IMG" true
else
	t "refused: --device"; skip "no block device to pass"
fi
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}' >"$T_TMP/allow.json"
refuse "a seccomp profile that allows by default" seccomp -u 1000 --security-opt "seccomp=$T_TMP/allow.json" "$IMG" true
refuse "-v /:/host" 'host-paths|engine-socket' -u 1000 -v /:/host "$IMG" true
refuse "-v /etc:/etc" host-paths -u 1000 -v /etc:/etc "$IMG" true
# Docker itself insists the source sits on a shared mount.
mkdir -p "$SHARED"
if mount -t tmpfs wt-shared "$SHARED" && mount --make-shared "$SHARED"; then
	refuse "--mount bind-propagation=rshared" propagation -u 1000 \
		--mount "type=bind,src=$SHARED,dst=/mnt,bind-propagation=rshared" "$IMG" true
	umount -l "$SHARED"
else
	t "refused: rshared"; fail "cannot make a shared tmpfs"
fi

t "refused: docker exec -u 0 and docker exec --privileged"
if has_cmd exec; then
	cid=$(dr -d --name wt-exec -u 1000 "$IMG" sleep 600)
	procs=$(cat "/sys/fs/cgroup/pids/docker/$cid/cgroup.procs" 2>/dev/null | wc -l)
	run_rc out dk exec -u 0 wt-exec id
	expect_eq "$out_rc" 126 "exec -u 0 exit"
	expect_match "$out" 'refused: root-user \[CIS [0-9.]+\]' "exec -u 0 error"
	expect_match "$out" ' — fix: ' "exec -u 0 error"
	run_rc out dk exec --privileged wt-exec id
	expect_eq "$out_rc" 126 "exec --privileged exit"
	expect_match "$out" 'refused: caps \[CIS [0-9.]+\]' "exec --privileged error"
	[ -r "/sys/fs/cgroup/pids/docker/$cid/cgroup.procs" ] &&
		expect_eq "$(wc -l <"/sys/fs/cgroup/pids/docker/$cid/cgroup.procs")" "$procs" "processes in the container"
	expect_eq "$(dk inspect -f '{{.State.Status}}' wt-exec)" running "container after the refusals"
	dk rm -f wt-exec >/dev/null
else
	skip "ward has no exec command yet"
fi

# ---- containerd directly ---------------------------------------------------
t "ctr run --runc-binary ward (containerd's runc shim)"
if command -v ctr >/dev/null; then
	ctr -n "$CTR_NS" images rm "docker.io/library/$UIMG" >/dev/null 2>&1
	dk save "$UIMG" | ctr -n "$CTR_NS" images import - >/dev/null 2>&1 || fail "ctr images import"
	run_rc out ctr -n "$CTR_NS" run --rm --runc-binary "$WARD_RT" "docker.io/library/$UIMG" wt-ctr \
		sh -c 'id; cat /proc/self/uid_map; grep -E "NoNewPrivs|Seccomp:" /proc/self/status; ls -ln /bin/busybox; echo x >/home/user/f && echo wrote'
	expect_eq "$out_rc" 0 "exit: $out"
	expect_match "$out" '^uid=1000' "id"
	expect_match "$out" '^ +0 +[1-9][0-9]* +65536$' "uid_map"
	expect_match "$out" 'NoNewPrivs:[[:space:]]+1'
	expect_match "$out" 'Seccomp:[[:space:]]+2'
	expect_match "$out" '^-rwxr-xr-x +1 +0 +0 .*/bin/busybox$' "busybox owner"
	expect_match "$out" 'wrote'
	expect_eq "$("$WARD_RT" --root "/run/containerd/runc/$CTR_NS" list -q 2>&1)" "" "ward containers left"
	expect_eq "$(ctr -n "$CTR_NS" containers ls -q)" "" "containerd containers left"
else
	skip "no ctr"
fi

t "ctr run --privileged is refused with ward's message"
if command -v ctr >/dev/null; then
	run_rc out ctr -n "$CTR_NS" run --rm --privileged --runc-binary "$WARD_RT" "docker.io/library/$UIMG" wt-ctr-priv true
	[ "$out_rc" -ne 0 ] || fail "ctr run --privileged succeeded"
	expect_match "$out" 'refused: caps' "error"
	ctr -n "$CTR_NS" containers rm wt-ctr-priv >/dev/null 2>&1
	expect_eq "$("$WARD_RT" --root "/run/containerd/runc/$CTR_NS" list -q 2>&1)" "" "ward containers left"
else
	skip "no ctr"
fi

t "containerd reads config/containerd-ward.toml: runtimes.ward, runc shim, BinaryName"
if command -v containerd >/dev/null; then
	run_rc out containerd --config "$TOP/config/containerd-ward.toml" config dump
	expect_eq "$out_rc" 0 "containerd config dump"
	sect=$(sed -n '/runtimes\.ward\]/,/untrusted_workload_runtime\]/p' <<<"$out")
	expect_match "$sect" 'runtime_type = "io.containerd.runc.v2"' "runtime_type"
	expect_match "$sect" 'BinaryName = "/usr/local/bin/ward"' "BinaryName"
else
	skip "no containerd"
fi

# ---- the engine goes away cleanly ------------------------------------------
t "docker-down: no process, mount, docker0 or iptables rule left"
REMAP_OK=0 REMAP_WHY="the engine was running before this suite: its options are not ours to change"
if [ "$STARTED" = 1 ]; then
	REMAP_OK=1
	left=$(dk ps -aq --filter "label=$LABEL" 2>/dev/null)
	[ -n "$left" ] && dk rm -f $left >/dev/null 2>&1
	ctr namespaces rm "$CTR_NS" >/dev/null 2>&1
	st=$(cat /run/ward-docker/state)
	dpid=$(sed -n 's/^DOCKERD_PID=//p' <<<"$st")
	cpid=$(sed -n 's/^CONTAINERD_PID=//p' <<<"$st")
	had0=$(sed -n 's/^HAD_DOCKER0=//p' <<<"$st")
	run_rc out bash "$TOP/hack/docker-down.sh"
	STARTED=0
	expect_eq "$out_rc" 0 "docker-down exit: $out"
	kill -0 "$dpid" 2>/dev/null && fail "dockerd $dpid still running"
	kill -0 "$cpid" 2>/dev/null && fail "containerd $cpid still running"
	pgrep -f 'containerd-shim-runc-v2 .*-address /run/containerd/containerd.sock' >/dev/null &&
		fail "shims left: $(pgrep -af containerd-shim-runc-v2)"
	left=$(awk '{ print $5 }' /proc/self/mountinfo | grep -E '^(/run/docker|/var/lib/docker|/run/containerd|/var/lib/containerd)(/|$)')
	expect_eq "$left" "" "mounts left"
	if [ "$had0" = 0 ]; then ip link show docker0 >/dev/null 2>&1 && fail "docker0 left"; fi
	iptables-save 2>/dev/null | grep -q DOCKER && fail "iptables rules left: $(iptables-save | grep DOCKER | head -n 3)"
	[ -e /run/ward-docker/state ] && fail "state file left"
else
	skip "the engine was running before this suite: left as it was"
fi

t "dockerd --userns-remap: ward uses Docker's own mappings, owners and writes right"
if [ "$REMAP_OK" = 1 ]; then
	STARTED=1
	run_rc out env WARD="$WARD" DOCKERD_ARGS=--userns-remap=default bash "$TOP/hack/docker-up.sh"
	expect_eq "$out_rc" 0 "docker-up.sh --userns-remap: $out"
	sub=$(sed -n 's/^dockremap:\([0-9]*\):.*/\1/p' /etc/subuid | head -n 1)
	run_rc out dr --rm -u 1000 "$IMG" sh -c 'cat /proc/self/uid_map; ls -ln /bin/busybox; ls -lnd /home/user; echo x >/home/user/f && echo wrote'
	expect_eq "$out_rc" 0 "exit: $out"
	expect_match "$out" "^ +0 +${sub:-none} +65536\$" "uid_map is dockremap's range"
	expect_match "$out" '^-rwxr-xr-x +1 +0 +0 .*/bin/busybox$' "busybox owner"
	expect_match "$out" '^drwxr-xr-x .* 1000 +1000 .*/home/user$' "/home/user owner"
	expect_match "$out" 'wrote'
	run_rc out dr --rm -u 0 "$IMG" true
	expect_match "$out" 'refused: root-user' "-u 0 still refused"
	run_rc out bash "$TOP/hack/docker-down.sh"
	STARTED=0
	left=$(awk '{ print $5 }' /proc/self/mountinfo | grep -E '^(/run/docker|/var/lib/docker|/run/containerd|/var/lib/containerd)(/|$)')
	expect_eq "$left" "" "mounts left"
else
	skip "$REMAP_WHY"
fi

finish
