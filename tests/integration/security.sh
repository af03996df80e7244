#!/usr/bin/env bash
# The mandatory layers, seen from inside real containers: seccomp, masked and
# read-only paths, namespaces, idmapped rootfs, hooks, rlimits, loopback, and
# hostile images that try to point ward at the host.
. "$(dirname "$0")/lib.sh"

B=$T_TMP/bundle
make_bundle "$B" /bin/probe || { echo "cannot build a bundle"; echo "0 passed, 1 failed"; exit 1; }
# in ARGS...: run ARGS in a fresh container of bundle $B; output in $out.
inside() {
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq_edit "$B" ".process.args = $args"
	run_rc out W run --bundle "$B" "c$RANDOM"
}

t "seccomp baseline: denied calls fail with EPERM, new ones with ENOSYS"
for sc in keyctl unshare-user mount bpf perf_event_open io_uring_setup socket-vsock ioctl-tiocsti ptrace; do
	inside /bin/probe errno "$sc"
	expect_match "$out" "^$sc=EPERM" "$sc"
done
inside /bin/probe errno clone3
expect_match "$out" "^clone3=ENOSYS" "clone3"
inside /bin/probe errno syscall 1000
expect_match "$out" "=ENOSYS" "syscall 1000"

t "seccomp: ordinary work still runs (fork, exec, pipes, files)"
inside /bin/sh -c 'echo hi | cat > /tmp/x && cat /tmp/x && ls / >/dev/null && echo ok'
expect_eq "$out_rc" 0 "exit"
expect_match "$out" "^ok$"

t "seccomp: the config's own errno rule applies on top of the baseline"
jq_edit "$B" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW"}'
inside /bin/true
expect_eq "$out_rc" 1 "a default-allow profile is refused"
expect_match "$out" "seccomp"
# A real default-deny profile (the baseline's own list) with mkdir -> EACCES.
jq_edit "$B" --slurpfile base "$TOP/config/baseline-seccomp.json" '.linux.seccomp = ($base[0]
	| .syscalls |= map(.names -= ["mkdir","mkdirat"])
	| .syscalls += [{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}])'
inside /bin/probe errno mkdir /tmp/d
expect_match "$out" "^mkdir=EACCES" "mkdir"
jq_edit "$B" 'del(.linux.seccomp)'

t "seccomp: a KILL default ends run with the signal's status, no hang"
jq_edit "$B" '.linux.seccomp = {"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"names":["execve","brk","arch_set_prctl","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64","mprotect","mmap","munmap","readlinkat","getrandom","exit_group"],"action":"SCMP_ACT_ALLOW"}]}'
jq_edit "$B" '.process.args = ["/bin/probe"]'
run_rc out timeout 20 "$WARD" --root "$T_ROOT" run --bundle "$B" c-kill
expect_eq "$out_rc" 159 "exit (128+SIGSYS)"
jq_edit "$B" 'del(.linux.seccomp)'

t "masked and read-only kernel paths"
inside /bin/sh -c 'wc -c </proc/timer_list; echo x >/proc/sys/kernel/hostname 2>&1 || echo ro-sys; echo 1 >/proc/sysrq-trigger 2>&1 || echo ro-sysrq'
expect_match "$out" "^0$" "masked /proc/timer_list"
expect_match "$out" "ro-sys" "/proc/sys read-only"
expect_match "$out" "ro-sysrq" "/proc/sysrq-trigger read-only"

t "root.readonly: the rootfs cannot be written, /tmp only if mounted"
inside /bin/sh -c 'touch /newfile 2>&1 || echo rofs'
expect_match "$out" "Read-only file system|rofs"

t "namespaces: every one differs from the host's"
inside /bin/probe
for ns in net uts ipc pid user mnt cgroup; do
	host=$(stat -Lc %i /proc/self/ns/$ns)
	mine=$(grep "^ns.$ns=" <<<"$out" | cut -d= -f2)
	[ -n "$mine" ] && [ "$mine" != "$host" ] || fail "$ns namespace is the host's ($mine)"
done

t "idmapped rootfs: image files keep their owners inside"
inside /bin/sh -c 'ls -ln /bin/busybox; id -u'
expect_match "$out" "^-[rwxs-]+ +[0-9]+ +0 +0 " "busybox owner"
expect_match "$out" "^1000$" "uid"

t "hostname and domainname from the config"
jq_edit "$B" '.hostname = "boxy"'
inside /bin/hostname
expect_eq "$out" boxy "hostname"

t "loopback is up in a new network namespace"
inside /bin/sh -c 'cat /sys/class/net/lo/operstate; ping -c1 -W1 127.0.0.1 >/dev/null 2>&1 && echo pong || echo nopong'
expect_match "$out" "^(unknown|up)$" "lo state"

t "rlimits are applied after ward's own setup (1 GiB RLIMIT_AS, NOFILE 64)"
jq_edit "$B" '.process.rlimits = [{"type":"RLIMIT_AS","hard":1073741824,"soft":1073741824},{"type":"RLIMIT_NOFILE","hard":64,"soft":64}]'
inside /bin/sh -c 'ulimit -n; ulimit -v'
expect_eq "$out_rc" 0 "exit"
expect_match "$out" "^64$" "nofile"
expect_match "$out" "^1048576$" "as (KiB)"
jq_edit "$B" 'del(.process.rlimits)'

t "fd hygiene: only stdio reaches the program"
inside /bin/probe fds
expect_match "$out" "^2 -> " "probe output"
expect_no_match "$out" "^([3-9]|[1-9][0-9]+) -> " "extra fds"

t "hooks: prestart/createRuntime/createContainer/startContainer/poststart/poststop, with state on stdin"
H=$T_TMP/hooks; mkdir -p "$H"
cat >"$T_TMP/hook.sh" <<HOOK
#!/bin/sh
cat > "$H/\$1.json"
HOOK
chmod +x "$T_TMP/hook.sh"
# createContainer runs in the container's mount ns before pivot_root (host
# paths resolve); startContainer after it: that one must live in the image.
jq_edit "$B" --arg h "$T_TMP/hook.sh" '.hooks = {
	"prestart":[{"path":$h,"args":["hook.sh","prestart"]}],
	"createRuntime":[{"path":$h,"args":["hook.sh","createRuntime"]}],
	"createContainer":[{"path":$h,"args":["hook.sh","createContainer"]}],
	"startContainer":[{"path":"/bin/true"}],
	"poststart":[{"path":$h,"args":["hook.sh","poststart"]}],
	"poststop":[{"path":$h,"args":["hook.sh","poststop"]}]}'
jq_edit "$B" '.process.args = ["/bin/true"]'
run_rc out W run --bundle "$B" c-hooks
expect_eq "$out_rc" 0 "run"
for k in prestart createRuntime createContainer poststart poststop; do
	[ -s "$H/$k.json" ] || { fail "hook $k did not run"; continue; }
	expect_eq "$(jq -r .id "$H/$k.json")" c-hooks "$k id"
done
expect_eq "$(jq -r .status "$H/prestart.json")" creating "prestart status"
expect_eq "$(jq -r .status "$H/poststop.json")" stopped "poststop status"
[ "$(jq -r .pid "$H/createRuntime.json")" -gt 0 ] || fail "createRuntime pid"

t "createContainer hooks alone: the init joins its cgroups itself and mounts come before the hook"
# No runtime hook: the init joins through "tasks" fds, and with a
# createContainer hook the pivot waits for it. The hook sees the
# container's mount ns before pivot_root: its cgroupfs mounted at
# <rootfs>/sys/fs/cgroup (host paths still resolve there).
rm -f "$H"/*.json
cat >"$T_TMP/cc.sh" <<HOOK
#!/bin/sh
pid=\$(jq -r .pid)
cat /proc/\$pid/cgroup > "$H/cc.cgroup"
grep -c ' /sys/fs/cgroup/' /proc/\$pid/mountinfo > "$H/cc.mounts"
HOOK
chmod +x "$T_TMP/cc.sh"
jq_edit "$B" --arg h "$T_TMP/cc.sh" '.hooks = {"createContainer":[{"path":$h}]} | .process.args = ["/bin/true"]'
# The init inherits create's stdio: a file, not a pipe that would stay open.
W create --bundle "$B" c-cc >"$T_TMP/cc.out" 2>&1
expect_eq "$?" 0 "create: $(cat "$T_TMP/cc.out")"
[ -s "$H/cc.cgroup" ] || fail "createContainer hook did not run"
# In the hook (the init's cgroup namespace) every hierarchy reads "/".
expect_eq "$(grep -vc ':/$' "$H/cc.cgroup")" 0 "hierarchies not at the namespace root"
pid=$(W state c-cc | jq -r .pid)
expect_eq "$(grep -vc '/c-cc$' "/proc/$pid/cgroup")" 0 "hierarchies outside the leaf"
[ "$(cat "$H/cc.mounts" 2>/dev/null || echo 0)" -gt 0 ] || fail "no cgroupfs mounted before the hook"
run_rc out W start c-cc
expect_eq "$out_rc" 0 "start"
W delete -f c-cc >/dev/null 2>&1
jq_edit "$B" 'del(.hooks)'

t "a failing createRuntime hook fails create and leaves nothing"
jq_edit "$B" '.hooks = {"createRuntime":[{"path":"/bin/false"}]}'
run_rc out W create --bundle "$B" c-badhook
expect_eq "$out_rc" 1 "create"
expect_match "$out" "hook createRuntime\[0\] /bin/false exited with status 1"
[ ! -d "$T_ROOT/c-badhook" ] || fail "state dir left"
jq_edit "$B" 'del(.hooks)'

t "a failing poststart hook is a warning, not an error"
jq_edit "$B" '.hooks = {"poststart":[{"path":"/bin/false"}]}'
run_rc out W run --bundle "$B" c-poststart
expect_eq "$out_rc" 0 "run"
expect_match "$out" "warning"
jq_edit "$B" 'del(.hooks)'

# --- hostile images: nothing outside the rootfs may be touched ---
sentinel=$T_TMP/sentinel; mkdir -p "$sentinel"
hostile() { # NAME: the bundle's rootfs is modified by the caller first
	run_rc out W run --bundle "$B" "c-$1"
	[ -z "$(ls -A "$sentinel")" ] || fail "sentinel written: $(ls -A "$sentinel")"
	! grep -q " $sentinel " /proc/self/mountinfo || fail "sentinel mounted on the host"
}

t "hostile: a mount target that is a symlink to a host path stays inside"
jq_edit "$B" '.process.args = ["/bin/sh","-c","echo pwned > /evil/x; ls /evil"]'
ln -s "$sentinel" "$B/rootfs/evil"
jq_edit "$B" '.root.readonly = false | .mounts += [{"destination":"/evil","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev"]}]'
hostile symlink-target
rm -f "$B/rootfs/evil"
[ ! -e "$B/rootfs$sentinel" ] || rm -rf "${B:?}/rootfs$(dirname "$sentinel")"

t "hostile: /proc as a symlink is refused"
mv "$B/rootfs/proc" "$B/rootfs/proc.real"; ln -s /etc "$B/rootfs/proc"
hostile proc-symlink
expect_eq "$out_rc" 1 "run"
expect_match "$out" "proc"
rm "$B/rootfs/proc"; mv "$B/rootfs/proc.real" "$B/rootfs/proc"

t "hostile: /dev as a symlink to the host's /dev is not followed"
mv "$B/rootfs/dev" "$B/rootfs/dev.real"; ln -s "$sentinel" "$B/rootfs/dev"
hostile dev-symlink
rm "$B/rootfs/dev"; mv "$B/rootfs/dev.real" "$B/rootfs/dev"

t "hostile: a masked path replaced by a symlink to a host file"
mkdir -p "$B/rootfs/proc"
jq_edit "$B" '.linux.maskedPaths += ["/etc/shadowlink"]'
ln -s "$sentinel/masked" "$B/rootfs/etc/shadowlink"
hostile masked-symlink
expect_eq "$out_rc" 0 "run"
rm -f "$B/rootfs/etc/shadowlink"

finish
