#!/usr/bin/env bash
# ward on a pure cgroup v2 layout. These hosts are hybrid and a cgroup2
# mount is global, so the suite points ward at a second mount of the cgroup2
# hierarchy through WARD_CGROUP_ROOT (docs/cgroups.md): ward then sees only
# v2. Here the pids, memory and cpu controllers are bound to v1, so the
# pids limit every container gets (CIS 5.29) cannot be applied on v2: ward
# must refuse at create and leave nothing, never run without the limit.
# The v2 mechanics themselves (CLONE_INTO_CGROUP, cgroup.freeze, cgroup.kill,
# the eBPF device filter) are covered by the "cgroup" unit suite on the same
# kind of mount.
. "$(dirname "$0")/lib.sh"

# Outside $T_TMP: the generic cleanup's rm -rf must never walk a cgroupfs.
CG=$(mktemp -d /tmp/ward-cg2.XXXXXX)
if ! mount -t cgroup2 none "$CG"; then
	rmdir "$CG"
	t "cgroup2 mount"; skip "cannot mount cgroup2 here"; finish; exit
fi
export WARD_CGROUP_ROOT=$CG
# Containers first (their deletes need the mount), then the mount, then files.
cleanup_v2() {
	local id
	for id in $(W list -q 2>/dev/null); do W delete --force "$id" >/dev/null 2>&1; done
	umount "$CG" && rmdir "$CG"
	cleanup
}
trap cleanup_v2 EXIT

B=$T_TMP/bundle
make_bundle "$B" /bin/sleep 300 || { echo "0 passed, 1 failed"; exit 1; }
# Only the limit under test: `ward spec` also sets memory and cpu limits.
jq_edit "$B" 'del(.linux.resources.memory, .linux.resources.cpu)'

t "v2 without a pids controller: the default pids limit refuses create"
run_rc out W create --bundle "$B" v1
expect_eq "$out_rc" 1 "create"
expect_match "$out" "linux.resources.pids: the pids controller is not available"
[ ! -d "$T_ROOT/v1" ] || fail "state dir left"
[ ! -d "$CG/ward/v1" ] || fail "cgroup left"

t "an explicit limit v2 cannot apply is refused too (memory)"
jq_edit "$B" '.linux.resources.memory = {"limit": 268435456}'
run_rc out W run --bundle "$B" v2
expect_eq "$out_rc" 1 "run"
expect_match "$out" "controller is not available"
[ ! -d "$CG/ward/v2" ] || fail "cgroup left"

finish
