#!/usr/bin/env bash
# Operations on a live container: ps, pause/resume, update, events; limits
# seen from the host's cgroup files; a fork bomb and a memory hog contained.
. "$(dirname "$0")/lib.sh"

B=$T_TMP/bundle
# The init counts on stdout: a frozen container's output stops growing.
make_bundle "$B" /bin/sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done' ||
	{ echo "cannot build a bundle"; echo "0 passed, 1 failed"; exit 1; }
W run -d --bundle "$B" o1 >"$T_TMP/o1.out" 2>&1
init=$(W state o1 | jq -r .pid)

# cg_file PID CONTROLLER V1FILE V2FILE: a file of PID's cgroup, as the host sees it.
cg_file() {
	local p
	p=$(awk -F: -v c="$2" '$2 == c {print $3}' "/proc/$1/cgroup")
	if [ -n "$p" ] && [ -d "/sys/fs/cgroup/$2" ]; then
		echo "/sys/fs/cgroup/$2$p/$3"
	else
		echo "/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$1/cgroup")/$4"
	fi
}
# every cgroup directory of PID (one per hierarchy), for the leak check.
cg_dirs() {
	awk -F: '{ c = $2; sub(/^name=/, "", c); if (c == "") c = "unified"; print c ":" $3 }' "/proc/$1/cgroup" |
		while IFS=: read -r c p; do
			for d in "/sys/fs/cgroup/$c$p" "/sys/fs/cgroup$p"; do [ -d "$d" ] && echo "$d" && break; done
		done | sort -u
}
lines() { wc -l <"$T_TMP/o1.out"; }
wait_status() { for _ in $(seq 100); do [ "$(W state "$1" | jq -r .status)" = "$2" ] && return 0; sleep 0.05; done; return 1; }

t "ps --format json: the init, then an exec'd process too"
json=$(W ps --format json o1)
expect_eq "$(jq -r 'type' <<<"$json")" array "type"
jq -e --argjson p "$init" 'index($p) != null' <<<"$json" >/dev/null || fail "init $init not in $json"
W exec -d --pid-file "$T_TMP/epid" o1 /bin/sleep 30 >/dev/null 2>&1
epid=$(cat "$T_TMP/epid")
jq -e --argjson p "$epid" 'index($p) != null' <<<"$(W ps --format json o1)" >/dev/null ||
	fail "exec'd $epid not in the list"
jq -e --argjson p $$ 'index($p) == null' <<<"$(W ps --format json o1)" >/dev/null || fail "the test shell is listed"

t "ps: host ps -ef filtered to the container; ps options after the id"
out=$(W ps o1)
expect_match "$(head -n1 <<<"$out")" "^UID +PID +PPID" "header"
expect_match "$out" "^[^ ]+ +$init " "init line"
expect_match "$out" "^[^ ]+ +$epid .*sleep 30" "exec'd line"
expect_no_match "$out" "^[^ ]+ +$$ " "test shell"
out=$(W ps o1 -- -e -o pid,comm)
expect_match "$(head -n1 <<<"$out")" "^ *PID +COMMAND" "custom header"
expect_match "$out" "^ *$epid +sleep$" "custom line"
kill -KILL "$epid"
run_rc out W ps --format yaml o1
expect_eq "$out_rc" 2 "bad format"

t "pause: frozen, state paused, the output stops"
run_rc out W pause o1
expect_eq "$out_rc" 0 "pause"
expect_match "$(cat "$(cg_file "$init" freezer freezer.state cgroup.freeze)")" "^(FROZEN|1)$" "freezer"
expect_eq "$(W state o1 | jq -r .status)" paused "state"
expect_eq "$(W list --format json | jq -r '.[] | select(.id == "o1") | .status')" paused "list"
n1=$(lines); sleep 0.5; n2=$(lines)
expect_eq "$n2" "$n1" "output while paused"

t "pause/resume errors are runc's"
run_rc out W pause o1
expect_eq "$out_rc" 1 "pause twice"
expect_match "$out" "container not running"

t "resume: thawed, running, the output goes on"
run_rc out W resume o1
expect_eq "$out_rc" 0 "resume"
expect_eq "$(W state o1 | jq -r .status)" running "state"
n1=$(lines); sleep 0.5; n2=$(lines)
[ "$n2" -gt "$n1" ] || fail "output did not resume ($n1 -> $n2)"
run_rc out W resume o1
expect_eq "$out_rc" 1 "resume a running container"
expect_match "$out" "container not paused"

t "update --memory / --pids-limit: in the cgroup and in config.json"
run_rc out W update --memory 64m --pids-limit 50 o1
expect_eq "$out_rc" 0 "update"
expect_eq "$(cat "$(cg_file "$init" memory memory.limit_in_bytes memory.max)")" 67108864 "memory limit"
expect_eq "$(cat "$(cg_file "$init" pids pids.max pids.max)")" 50 "pids.max"
expect_eq "$(jq -c '[.linux.resources.memory.limit, .linux.resources.pids.limit]' "$T_ROOT/o1/config.json")" "[67108864,50]" "saved"
run_rc out W update --cpu-shares 512 --cpu-quota 50000 --cpu-period 100000 o1
expect_eq "$out_rc" 0 "cpu"
expect_eq "$(cat "$(cg_file "$init" cpu cpu.cfs_quota_us cpu.max | sed 's/ .*//')")" 50000 "quota"

t "update --resources -: a linux.resources document, flags win"
run_rc out W update --resources - --pids-limit 60 o1 <<<'{"pids":{"limit":40},"memory":{"limit":100663296}}'
expect_eq "$out_rc" 0 "update"
expect_eq "$(cat "$(cg_file "$init" pids pids.max pids.max)")" 60 "pids.max (flag)"
expect_eq "$(cat "$(cg_file "$init" memory memory.limit_in_bytes memory.max)")" 100663296 "memory (document)"
echo '{"pids":{"limit":45}}' >"$T_TMP/res.json"
W update -r "$T_TMP/res.json" o1
expect_eq "$(cat "$(cg_file "$init" pids pids.max pids.max)")" 45 "pids.max (file)"
expect_eq "$(jq -c .linux.resources.memory.limit "$T_ROOT/o1/config.json")" 100663296 "earlier update kept"

t "update: removing the pids limit is refused; bad values are errors"
for v in -1 0; do
	run_rc out W update --pids-limit "$v" o1
	expect_eq "$out_rc" 1 "pids-limit $v"
	expect_match "$out" "refused: pids-limit \[CIS 5.29\]"
done
run_rc out W update -r - o1 <<<'{"unified":{"pids.max":"max"}}'
expect_eq "$out_rc" 1 "unified pids.max"
expect_eq "$(cat "$(cg_file "$init" pids pids.max pids.max)")" 45 "pids.max unchanged"
run_rc out W update --memory lots o1
expect_eq "$out_rc" 2 "bad size"
run_rc out W update -r - o1 <<<'{"pids":{"limit":"many"}}'
expect_eq "$out_rc" 1 "bad document"
expect_match "$out" "linux.resources.pids.limit"

t "a fork bomb stops at the pids limit; the container survives"
W update --pids-limit 12 o1
run_rc out W exec o1 /bin/sh -c 'i=0; while [ $i -lt 40 ]; do sleep 2 & i=$((i+1)); done'
expect_match "$out" "can't fork" "fork failure"
cur=$(cat "$(cg_file "$init" pids pids.current pids.current)")
[ "$cur" -le 12 ] || fail "pids.current $cur above the limit"
expect_match "$(cat "$(cg_file "$init" pids pids.events pids.events)")" "max [1-9]" "pids.events"
expect_eq "$(W state o1 | jq -r .status)" running "container"
sleep 2.2
W update --pids-limit 100 o1
run_rc out W exec o1 /bin/true
expect_eq "$out_rc" 0 "exec after the bomb"

t "events --stats: go-runc's Stats shape"
st=$(W events --stats o1)
jq -e '.type == "stats" and .id == "o1"' <<<"$st" >/dev/null || fail "type/id: $st"
jq -e '.data.pids.current >= 1 and .data.pids.limit == 100' <<<"$st" >/dev/null || fail "pids: $(jq -c .data.pids <<<"$st")"
jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage.percpu | type) == "array"
	and (.data.cpu.usage.kernel | type) == "number" and (.data.cpu.usage.user | type) == "number"
	and (.data.cpu.throttling.periods | type) == "number"' <<<"$st" >/dev/null || fail "cpu: $(jq -c .data.cpu <<<"$st")"
jq -e '.data.memory.usage.usage > 0 and .data.memory.usage.limit == 100663296
	and (.data.memory.swap | has("failcnt")) and (.data.memory.kernel | type) == "object"
	and (.data.memory.raw | length) > 0' <<<"$st" >/dev/null || fail "memory: $(jq -c '.data.memory | del(.raw)' <<<"$st")"
jq -e '(.data.blkio.ioServiceBytesRecursive | type) == "array"' <<<"$st" >/dev/null || fail "blkio"

t "events: stats every interval"
out=$(timeout 1.3 "$WARD" --root "$T_ROOT" events --interval 250ms o1)
n=$(jq -s 'map(select(.type == "stats" and .data.pids.current >= 1)) | length' <<<"$out")
[ "$n" -ge 3 ] || fail "$n stats events in 1.3 s at 250 ms"
run_rc out W events --interval 5 o1
expect_eq "$out_rc" 2 "interval without a unit"

t "events: an allocation over the memory limit is killed and reported as oom"
W update --memory 32m --memory-swap 32m o1
"$WARD" --root "$T_ROOT" events --interval 30s o1 >"$T_TMP/ev.out" 2>&1 &
evpid=$!
sleep 0.5
run_rc out W exec o1 /bin/dd if=/dev/zero of=/dev/null bs=100M count=1
expect_eq "$out_rc" 137 "dd killed"
for _ in $(seq 60); do grep -q '"oom"' "$T_TMP/ev.out" && break; sleep 0.05; done
expect_eq "$(jq -c 'select(.type == "oom")' "$T_TMP/ev.out")" '{"type":"oom","id":"o1"}' "oom event"
expect_eq "$(W state o1 | jq -r .status)" running "container survives"
W events --stats o1 | jq -e '.data.memory.usage.max >= .data.memory.usage.limit - 1048576' >/dev/null ||
	fail "peak usage did not reach the limit"

t "events ends when the container stops"
W kill o1 KILL
for _ in $(seq 100); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$evpid" 2>/dev/null; then
	fail "events still running"
	kill "$evpid"
fi
wait "$evpid"
expect_eq "$?" 0 "events exit"
wait_status o1 stopped
run_rc out W events --stats o1
expect_eq "$out_rc" 1 "stats of a stopped container"
expect_match "$out" "container not running"
run_rc out W pause o1
expect_eq "$out_rc" 1 "pause a stopped container"
expect_match "$out" "container not running"
W delete o1 >/dev/null 2>&1

t "kill and delete --force of a paused container; nothing left"
W run -d --bundle "$B" o2 >/dev/null 2>&1
pid=$(W state o2 | jq -r .pid)
dirs=$(cg_dirs "$pid")
[ -n "$dirs" ] || fail "no cgroup directories found"
W pause o2
run_rc out W kill o2 KILL
expect_eq "$out_rc" 0 "kill"
wait_status o2 stopped || fail "a paused container did not die of SIGKILL"
W delete o2 >/dev/null 2>&1
W run -d --bundle "$B" o3 >/dev/null 2>&1
pid=$(W state o3 | jq -r .pid)
dirs3=$(cg_dirs "$pid")
W pause o3
run_rc out W delete --force o3
expect_eq "$out_rc" 0 "delete --force"
[ ! -e "/proc/$pid" ] || [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ] || fail "init $pid still alive"
for d in $dirs $dirs3; do [ ! -d "$d" ] || fail "cgroup $d left behind"; done
expect_eq "$(W list -q)" "" "containers"
# Had it failed, a frozen cgroup must still not outlive the test.
for id in o2 o3; do W resume "$id" >/dev/null 2>&1; W delete -f "$id" >/dev/null 2>&1; done

finish
