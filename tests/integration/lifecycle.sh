#!/usr/bin/env bash
# Lifecycle: create/start/run/state/kill/delete/list against real containers,
# and the security layers every container must carry.
. "$(dirname "$0")/lib.sh"

B=$T_TMP/bundle
make_bundle "$B" /bin/probe || { echo "cannot build a bundle"; echo "0 passed, 1 failed"; exit 1; }

t "run: foreground output and exit 0, nothing left behind"
run_rc out W run --bundle "$B" c-echo
expect_eq "$out_rc" 0 "exit code"
expect_match "$out" "^uid=1000" "probe report"
expect_eq "$(W list -q)" "" "containers after run"

t "run: the sandbox report (non-root, no host-0 map, CapEff 0, NNP, seccomp)"
expect_match "$out" "NoNewPrivs:[[:space:]]+1"
expect_match "$out" "Seccomp:[[:space:]]+2"
expect_match "$out" "CapEff:[[:space:]]+0000000000000000"
expect_match "$out" "CapInh:[[:space:]]+0000000000000000"
map=$(grep '^uid_map=' <<<"$out")
expect_match "$map" "^uid_map=0 +[1-9][0-9]* +65536" "uid_map"

t "run: exit status propagates"
jq_edit "$B" '.process.args = ["/bin/sh","-c","exit 3"]'
run_rc out W run --bundle "$B" c-exit
expect_eq "$out_rc" 3 "exit code"

t "run: death by signal gives 128+N"
# pid 1 of a pid namespace ignores its own SIGKILL: it comes from outside.
jq_edit "$B" '.process.args = ["/bin/sleep","300"]'
"$WARD" --root "$T_ROOT" run --bundle "$B" c-sig >/dev/null 2>&1 &
runpid=$!
for _ in $(seq 100); do [ "$(W state c-sig 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.05; done
W kill c-sig KILL
wait "$runpid"
expect_eq "$?" 137 "exit code"

t "run: signals to ward reach the container"
jq_edit "$B" '.process.args = ["/bin/sh","-c","trap \"exit 42\" TERM; while :; do sleep 0.1; done"]'
"$WARD" --root "$T_ROOT" run --bundle "$B" c-fwd >/dev/null 2>&1 &
runpid=$!
for _ in $(seq 100); do [ "$(W state c-fwd 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.05; done
sleep 0.3
kill -TERM "$runpid"
wait "$runpid"
expect_eq "$?" 42 "exit code"

t "create prints nothing and leaves the init waiting"
jq_edit "$B" '.process.args = ["/bin/sleep","300"]'
# The init inherits create's stdio (as with runc): capture it in a file,
# a pipe would stay open as long as the container lives.
W create --bundle "$B" --pid-file "$T_TMP/pid" c1 >"$T_TMP/create.out" 2>&1
expect_eq "$?" 0 "create exit"
expect_eq "$(cat "$T_TMP/create.out")" "" "create output"
st=$(W state c1)
expect_eq "$(jq -r .status <<<"$st")" created "status"
expect_eq "$(jq -r .id <<<"$st")" c1 "id"

t "pid file: the init's pid, no trailing newline"
expect_eq "$(cat "$T_TMP/pid")" "$(jq -r .pid <<<"$st")" "pid"
expect_eq "$(tail -c 1 "$T_TMP/pid" | od -An -c | tr -d ' ')" "$(tail -c 1 "$T_TMP/pid")" "last byte"
[ "$(wc -l <"$T_TMP/pid")" -eq 0 ] || fail "pid file has a newline"

t "create: the init is in its own cgroup in every hierarchy"
# v1 hierarchies are joined by the init itself (through "tasks" fds), the
# cgroup2 one by CLONE_INTO_CGROUP: every line must end in the same leaf.
cg=$(cat "/proc/$(cat "$T_TMP/pid")/cgroup")
if grep -q '^0::' /proc/self/cgroup; then expect_match "$cg" "^0::/.+/c1$" "cgroup2"; fi
expect_eq "$(grep -vc '/c1$' <<<"$cg")" 0 "hierarchies outside the leaf"
expect_eq "$(wc -l <<<"$cg")" "$(grep -c . /proc/self/cgroup)" "hierarchies"

t "create: a duplicate id is refused"
run_rc out W create --bundle "$B" c1
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "already exists"

t "start: created -> running"
run_rc out W start c1
expect_eq "$out_rc" 0 "start exit"
expect_eq "$(W state c1 | jq -r .status)" running "status"
run_rc out W start c1
expect_eq "$out_rc" 1 "second start"

t "delete of a running container needs --force"
run_rc out W delete c1
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "running"
expect_eq "$(W state c1 | jq -r .status)" running "still running"

t "kill: signal by name; stopped afterwards"
W kill c1 KILL
for _ in $(seq 100); do [ "$(W state c1 | jq -r .status)" = stopped ] && break; sleep 0.05; done
expect_eq "$(W state c1 | jq -r .status)" stopped "status"
run_rc out W kill c1 TERM
expect_eq "$out_rc" 1 "kill of stopped"
expect_match "$out" "not running"

t "delete: a stopped container, then it does not exist"
run_rc out W delete c1
expect_eq "$out_rc" 0 "delete"
run_rc out W state c1
expect_eq "$out_rc" 1 "state after delete"
expect_match "$out" "does not exist"
run_rc out W delete --force c1
expect_eq "$out_rc" 0 "delete --force of a missing container"

t "kill works on a created container; delete --force cleans it"
W create --bundle "$B" c2 >/dev/null 2>&1
pid=$(W state c2 | jq -r .pid)
W kill c2 KILL
run_rc out W delete --force c2
expect_eq "$out_rc" 0 "delete"
[ ! -d "$T_ROOT/c2" ] || fail "state dir left"
[ ! -e "/proc/$pid" ] || [ "$(cut -d' ' -f3 /proc/"$pid"/stat 2>/dev/null)" = Z ] || fail "init $pid still alive"

t "list: table, quiet and json"
W create --bundle "$B" c3 >/dev/null 2>&1
W create --bundle "$B" c4 >/dev/null 2>&1
expect_eq "$(W list -q | sort | tr '\n' ' ')" "c3 c4 " "ids"
expect_eq "$(W list --format json | jq -r '.[].status' | sort -u)" created "json"
expect_match "$(W list)" "^ID +PID +STATUS"
W delete --force c3; W delete --force c4

t "ids are validated"
run_rc out W create --bundle "$B" "../evil"
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "invalid container id"
[ ! -e "$T_TMP/evil" ] || fail "created outside root"

t "a refused config creates nothing"
jq_edit "$B" '.process.user.uid = 0'
run_rc out W create --bundle "$B" c5
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "root-user"
[ ! -d "$T_ROOT/c5" ] || fail "state dir left"
jq_edit "$B" '.process.user.uid = 1000'

t "a missing executable is create's error, and nothing is left"
jq_edit "$B" '.process.args = ["no-such-binary"]'
run_rc out W create --bundle "$B" c6
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "executable file not found"
[ ! -d "$T_ROOT/c6" ] || fail "state dir left"
expect_eq "$(ls /run/ward-idmap 2>/dev/null | xargs -r -n1 sh -c 'cat /run/ward-idmap/$0; echo' | grep -c "$T_ROOT/c6")" 0 "id block released"

t "--log --log-format json: errors as json lines"
run_rc out W --log "$T_TMP/log.json" --log-format json create --bundle "$B" c7
expect_eq "$out_rc" 1 "exit"
line=$(tail -n 1 "$T_TMP/log.json")
expect_eq "$(jq -r .level <<<"$line")" error "level"
expect_match "$(jq -r .msg <<<"$line")" "executable file not found"
jq -e .time <<<"$line" >/dev/null || fail "no time"

t "--console-socket: the pty master goes to the socket; the program has a tty"
sock=$T_TMP/console.sock
"$TOP/build/recvtty" "$sock" >"$T_TMP/tty.out" 2>"$T_TMP/tty.err" &
rpid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
jq_edit "$B" '.process.terminal = true | .process.consoleSize = {"height":40,"width":123} | .process.args = ["/bin/sh","-c","tty; stty size; echo hello"]'
run_rc out W run -d --console-socket "$sock" --bundle "$B" c-tty
expect_eq "$out_rc" 0 "run -d"
wait "$rpid"
expect_match "$(cat "$T_TMP/tty.err")" "got /dev/ptmx" "payload"
expect_match "$(tr -d '\r' <"$T_TMP/tty.out")" "^/dev/pts/[0-9]+$" "tty"
expect_match "$(tr -d '\r' <"$T_TMP/tty.out")" "^40 123$" "console size"
expect_match "$(tr -d '\r' <"$T_TMP/tty.out")" "^hello$" "output"
W delete -f c-tty >/dev/null 2>&1
jq_edit "$B" '.process.terminal = false | del(.process.consoleSize)'

t "--preserve-fds N passes fds 3..3+N-1 and nothing else"
jq_edit "$B" '.process.args = ["/bin/probe","fds"]'
run_rc out "$WARD" --root "$T_ROOT" run --preserve-fds 1 --bundle "$B" c-fds 3<"$B/config.json" 4<"$B/config.json"
expect_eq "$out_rc" 0 "run"
expect_match "$out" "^3 -> .*/config.json$" "fd 3 preserved"
expect_no_match "$out" "^4 -> " "fd 4 closed"

t "kill --all reaches every process of the container"
jq_edit "$B" '.process.args = ["/bin/sh","-c","sleep 300 & sleep 300 & wait"]'
W run -d --bundle "$B" c8 >/dev/null 2>&1
sleep 0.3
pids=$(cat /sys/fs/cgroup/pids/ward/c8/cgroup.procs 2>/dev/null | wc -l)
[ "$pids" -ge 3 ] || fail "expected 3+ processes in the cgroup, saw $pids"
W kill --all c8 KILL
for _ in $(seq 100); do [ "$(W state c8 | jq -r .status)" = stopped ] && break; sleep 0.05; done
expect_eq "$(W state c8 | jq -r .status)" stopped "status"
W delete c8
[ ! -d /sys/fs/cgroup/pids/ward/c8 ] || fail "cgroup left"

t "join a namespace by path (docker run --net container:X)"
jq_edit "$B" '.process.args = ["/bin/sleep","300"]'
W run -d --bundle "$B" c9 >/dev/null 2>&1
pid9=$(W state c9 | jq -r .pid)
jq_edit "$B" --arg p "/proc/$pid9/ns/net" '.process.args = ["/bin/probe"] | .linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
run_rc out W run --bundle "$B" c10
expect_eq "$out_rc" 0 "run"
expect_eq "$(grep '^ns.net=' <<<"$out" | cut -d= -f2)" "$(stat -Lc %i /proc/"$pid9"/ns/net)" "net ns inode"
jq_edit "$B" '.linux.namespaces |= map(del(.path))'
W delete -f c9

t "a pod: joining another container's ipc and pid namespaces joins its user namespace"
jq_edit "$B" '.process.args = ["/bin/sleep","300"]'
W run -d --bundle "$B" pod-a >/dev/null 2>&1
pa=$(W state pod-a | jq -r .pid)
jq_edit "$B" --arg i "/proc/$pa/ns/ipc" --arg p "/proc/$pa/ns/pid" '.process.args = ["/bin/sh","-c","/bin/probe; ps -o pid,args"] | .linux.namespaces |= map(if .type == "ipc" then .path = $i elif .type == "pid" then .path = $p else . end)'
run_rc out W run --bundle "$B" pod-b
expect_eq "$out_rc" 0 "run (mqueue and proc mounts need the owning user ns)"
for ns in ipc pid user; do
	expect_eq "$(grep "^ns.$ns=" <<<"$out" | cut -d= -f2)" "$(stat -Lc %i /proc/"$pa"/ns/$ns)" "$ns namespace"
done
expect_eq "$(grep '^uid_map=' <<<"$out" | tr -s ' ')" "uid_map=$(tr -s ' ' <"/proc/$pa/uid_map" | sed 's/^ //')" "uid_map"
expect_match "$out" "^ +1 /bin/sleep 300" "the sandbox's init is pid 1"
jq_edit "$B" '.linux.namespaces |= map(del(.path))'
W delete -f pod-a

t "a runtime SIGKILLed mid-create does not block the id"
jq_edit "$B" --arg h /bin/sleep '.process.args = ["/bin/true"] | .hooks = {"createRuntime":[{"path":$h,"args":["sleep","30"]}]}'
"$WARD" --root "$T_ROOT" create --bundle "$B" c11 >/dev/null 2>&1 &
cpid=$!
for _ in $(seq 100); do [ -e "$T_ROOT/c11/state.json" ] && break; sleep 0.05; done
sleep 0.2
kill -9 "$cpid"; wait "$cpid" 2>/dev/null
run_rc out W delete --force c11
expect_eq "$out_rc" 0 "delete --force"
jq_edit "$B" 'del(.hooks)'
run_rc out W run --bundle "$B" c11
expect_eq "$out_rc" 0 "create again"
[ ! -d /sys/fs/cgroup/pids/ward/c11 ] || fail "cgroup left"

finish
