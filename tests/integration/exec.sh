#!/usr/bin/env bash
# exec: a process in a running container, in every one of its namespaces and
# its cgroup, with the same hardening as the init; refusals; the terminal.
. "$(dirname "$0")/lib.sh"

B=$T_TMP/bundle
make_bundle "$B" /bin/sleep 300 || { echo "cannot build a bundle"; echo "0 passed, 1 failed"; exit 1; }
W run -d --bundle "$B" x1 >/dev/null 2>&1
init=$(W state x1 | jq -r .pid)

# npids ID: how many processes the container's cgroup holds.
npids() { W ps --format json "$1" | jq length; }
# wait_npids ID N: until the container holds N processes (5 s at most).
wait_npids() { for _ in $(seq 100); do [ "$(npids "$1")" = "$2" ] && return 0; sleep 0.05; done; return 1; }

t "exec: in every namespace of the init"
run_rc out W exec x1 /bin/probe
expect_eq "$out_rc" 0 "exit"
for ns in net uts ipc pid user mnt cgroup time; do
	expect_eq "$(sed -n "s/^ns\.$ns=//p" <<<"$out")" "$(stat -L -c %i "/proc/$init/ns/$ns")" "ns $ns"
done
expect_eq "$(sed -n 's/^hostname=//p' <<<"$out")" "ward" "hostname (uts)"

t "exec: the init's hardening (non-root, no caps, NNP, seccomp, host-0 unmapped)"
expect_match "$out" "^uid=1000 gid=1000"
expect_match "$out" "CapEff:[[:space:]]+0000000000000000"
expect_match "$out" "CapBnd:[[:space:]]+0000000000000000"
expect_match "$out" "NoNewPrivs:[[:space:]]+1"
expect_match "$out" "Seccomp:[[:space:]]+2"
expect_eq "$(sed -n 's/^uid_map=//p' <<<"$out")" "$(tr -s ' ' <"/proc/$init/uid_map" | sed 's/^ //')" "uid_map"
expect_eq "$(W exec x1 /bin/probe errno mount)" "mount=EPERM" "mount"

t "exec: output and exit status"
run_rc out W exec x1 /bin/sh -c 'echo out; echo err >&2; exit 7'
expect_eq "$out_rc" 7 "exit"
expect_match "$out" "^out$"
expect_match "$out" "^err$"
run_rc out W exec x1 -- /bin/true
expect_eq "$out_rc" 0 "exit after --"

t "exec: death by signal gives 128+N"
run_rc out W exec x1 /bin/sh -c 'kill -9 $$'
expect_eq "$out_rc" 137 "exit"

t "exec: signals to ward reach the process"
"$WARD" --root "$T_ROOT" exec x1 /bin/sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done' >/dev/null 2>&1 &
epid=$!
wait_npids x1 3 || fail "exec'd process never appeared"
kill -TERM "$epid"
wait "$epid"
expect_eq "$?" 42 "exit"

t "exec -d --pid-file: the pid, no newline, in the container's cgroup and pid ns"
# Not captured: the detached process holds its stdio open (as with runc).
W exec -d --pid-file "$T_TMP/epid" x1 /bin/sleep 30 >/dev/null 2>&1
expect_eq "$?" 0 "exit"
epid=$(cat "$T_TMP/epid")
[ "$(wc -l <"$T_TMP/epid")" -eq 0 ] || fail "pid file has a newline"
expect_eq "$(cat "/proc/$epid/cgroup")" "$(cat "/proc/$init/cgroup")" "cgroups"
expect_eq "$(stat -L -c %i "/proc/$epid/ns/pid")" "$(stat -L -c %i "/proc/$init/ns/pid")" "pid ns"
expect_match "$(W ps --format json x1)" "(\[|,)$epid(,|\])" "ps json"
expect_eq "$(awk '/^NSpid/ {print NF}' "/proc/$epid/status")" 3 "a pid in two namespaces"
kill -KILL "$epid"

t "exec: flags over the container's process (env, cwd, user, groups, HOME)"
run_rc out W exec -e FOO=bar -e TERM=dumb --cwd /tmp -u 1001:1002 -g 5 -g 6,7 x1 /bin/probe
expect_eq "$out_rc" 0 "exit"
expect_match "$out" "^uid=1001 gid=1002 groups=5,6,7$" "ids"
expect_match "$out" "^cwd=/tmp$" "cwd"
env=$(W exec -e FOO=bar -e TERM=dumb x1 /bin/probe env)
expect_match "$env" "^FOO=bar$" "env"
expect_match "$env" "^TERM=dumb$" "env override"
expect_match "$env" "^PATH=/usr/local/sbin" "container env"
expect_match "$env" "^HOME=/" "HOME"

t "exec --process process.json"
cat >"$T_TMP/process.json" <<'EOF'
{"args":["/bin/sh","-c","id -u; pwd; echo $X"],"cwd":"/dev","env":["X=from-json"],"user":{"uid":1234,"gid":1234}}
EOF
run_rc out W exec --process "$T_TMP/process.json" x1
expect_eq "$out_rc" 0 "exit"
expect_eq "$out" "$(printf '1234\n/dev\nfrom-json')" "output"
jq '.user.uid = 0' "$T_TMP/process.json" >"$T_TMP/root.json"
run_rc out W exec --process "$T_TMP/root.json" x1
expect_eq "$out_rc" 1 "uid 0 in process.json"
expect_match "$out" "root-user"

t "exec --preserve-fds passes fd 3; without it nothing leaks"
out=$(W exec --preserve-fds 1 x1 /bin/probe fds 3<"$B/config.json")
expect_match "$out" "^3 -> .*config.json" "preserved"
out=$(W exec x1 /bin/probe fds 3<"$B/config.json" 4<"$B/config.json")
expect_no_match "$out" "^[3-9] " "leaked"

t "exec -u 0 is refused (root-user) and starts nothing"
before=$(npids x1)
run_rc out W exec -u 0 x1 /bin/true
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "refused: root-user \[CIS 5.24\]"
run_rc out W exec -u 0:0 x1 /bin/true
expect_eq "$out_rc" 1 "exit 0:0"
expect_eq "$(npids x1)" "$before" "processes"

t "exec --cap CAP_SYS_ADMIN is refused (--privileged)"
run_rc out W exec --cap CAP_SYS_ADMIN x1 /bin/true
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "refused: caps \[CIS 5.23\].*CAP_SYS_ADMIN"

t "exec --cap beyond the container's own set is refused; unknown names too"
run_rc out W exec --cap CAP_NET_BIND_SERVICE x1 /bin/true
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "beyond the container's own"
run_rc out W exec --cap CAP_NO_SUCH x1 /bin/true
expect_eq "$out_rc" 1 "unknown cap"
expect_match "$out" "unknown capability"

t "exec --process-label / --apparmor are refused (ward applies no LSM label)"
run_rc out W exec --process-label system_u:system_r:container_t:s0 x1 /bin/true
expect_eq "$out_rc" 1 "process-label"
expect_match "$out" "refused: lsm"
run_rc out W exec --apparmor docker-default x1 /bin/true
expect_eq "$out_rc" 1 "apparmor"
expect_match "$out" "refused: lsm"

t "exec gets the container's own capabilities, never more"
B2=$T_TMP/bundle2
make_bundle "$B2" /bin/sleep 300
jq_edit "$B2" '.process.capabilities = {"bounding":["CAP_NET_BIND_SERVICE"],"permitted":["CAP_NET_BIND_SERVICE"],"effective":["CAP_NET_BIND_SERVICE"],"inheritable":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE"]}'
W run -d --bundle "$B2" x2 >/dev/null 2>&1
out=$(W exec x2 /bin/probe)
expect_match "$out" "CapEff:[[:space:]]+0000000000000400" "CapEff"
expect_match "$out" "CapBnd:[[:space:]]+0000000000000400" "CapBnd"
run_rc out W exec --cap CAP_NET_BIND_SERVICE x2 /bin/probe
expect_eq "$out_rc" 0 "--cap within the set"
run_rc out W exec --cap CAP_NET_RAW x2 /bin/true
expect_eq "$out_rc" 1 "--cap beyond"
W delete -f x2 >/dev/null 2>&1

t "exec of a missing binary fails cleanly"
before=$(npids x1)
run_rc out W exec x1 no-such-binary
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "executable file not found in \\\$PATH"
run_rc out W exec x1 /no/such/path
expect_eq "$out_rc" 1 "exit (path)"
expect_match "$out" "no such file or directory"
run_rc out W exec --cwd relative x1 /bin/true
expect_eq "$out_rc" 1 "relative cwd"
expect_eq "$(npids x1)" "$before" "processes"
expect_eq "$(W state x1 | jq -r .status)" running "container"

t "exec --tty: ward relays the pty"
run_rc out W exec -t x1 /bin/sh -c 'tty; exit 5' </dev/null
expect_eq "$out_rc" 5 "exit"
expect_match "$(tr -d '\r' <<<"$out")" "^/dev/pts/[0-9]+$" "tty"
run_rc out W exec x1 /bin/sh -c 'tty' </dev/null
expect_match "$out" "not a tty" "no tty without -t"

t "exec -d --tty --console-socket: the master goes to the socket"
sock=$T_TMP/console.sock
"$TOP/build/recvtty" "$sock" >"$T_TMP/tty.out" 2>"$T_TMP/tty.err" &
rpid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
run_rc out W exec -d -t --console-socket "$sock" x1 /bin/sh -c 'tty; echo hello-exec'
expect_eq "$out_rc" 0 "exit"
wait "$rpid"
expect_match "$(cat "$T_TMP/tty.err")" "got /dev/ptmx" "payload"
expect_match "$(tr -d '\r' <"$T_TMP/tty.out")" "^/dev/pts/[0-9]+$" "tty"
expect_match "$(tr -d '\r' <"$T_TMP/tty.out")" "^hello-exec$" "output"

t "exec: runc's terminal rules"
run_rc out W exec -d -t x1 /bin/true
expect_eq "$out_rc" 1 "-d -t without a socket"
expect_match "$out" "cannot allocate tty if ward will detach without setting console socket"
run_rc out W exec --console-socket "$sock" x1 /bin/true
expect_eq "$out_rc" 1 "socket without -d -t"
expect_match "$out" "cannot use console socket"

t "exec in a created container"
W create --bundle "$B" x3 >/dev/null 2>&1
run_rc out W exec x3 /bin/sh -c 'echo in-created'
expect_eq "$out_rc" 0 "exit"
expect_eq "$out" "in-created"
expect_eq "$(W state x3 | jq -r .status)" created "still created"
W delete -f x3 >/dev/null 2>&1

t "exec in a paused container fails"
W pause x1
run_rc out W exec x1 /bin/true
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "cannot exec in a paused container"
W resume x1
run_rc out W exec x1 /bin/true
expect_eq "$out_rc" 0 "after resume"

t "exec in a stopped or missing container fails"
W kill x1 KILL
for _ in $(seq 100); do [ "$(W state x1 | jq -r .status)" = stopped ] && break; sleep 0.05; done
run_rc out W exec x1 /bin/true
expect_eq "$out_rc" 1 "exit"
expect_match "$out" "stopped"
run_rc out W exec no-such-container /bin/true
expect_eq "$out_rc" 1 "missing"
expect_match "$out" "does not exist"
run_rc out W exec x1
expect_eq "$out_rc" 2 "no command"
W delete x1 >/dev/null 2>&1

finish
