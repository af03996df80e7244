#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `ward check` and `ward spec` end to end: every fixture in fixtures/ (a
# config.json as Docker 28 writes it for some `docker run`) is copied into a
# fresh bundle and checked; the exit status and the expected verdict line
# (rule, CIS id, JSON path, fix) are asserted. Then `ward spec` output must
# pass `ward check` and must not be overwritten.
#
# Usage: tests/integration/check.sh   (WARD=path/to/ward to test another build)
# The last line is "N passed, N failed"; the exit status is 1 on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ward=${WARD:-$root/build/ward}
fixtures=$here/fixtures
pass=0
fail=0
tmp=$(mktemp -d /tmp/ward-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# The fixtures must be judged by the built-in policy, not this host's.
export WARD_CONF=$tmp/no-ward.conf

ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf 'FAIL %s: %s\n' "$1" "$2"; }

if [ ! -x "$ward" ]; then
	echo "check.sh: $ward is not built (make build/ward)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# run_check NAME FIXTURE [check args...]: sets $out, $err, $rc.
run_check() {
	local name=$1 fixture=$2
	shift 2
	local b=$tmp/$name
	mkdir -p "$b"
	cp "$fixtures/$fixture" "$b/config.json"
	out=$("$ward" check --bundle "$b" "$@" 2>"$tmp/$name.err")
	rc=$?
	err=$(cat "$tmp/$name.err")
}

# expect FIXTURE RC LINE-PREFIX FIX-SUBSTRING
# LINE-PREFIX is matched at the start of an output line, literally.
expect() {
	local fixture=$1 want_rc=$2 prefix=$3 fix=$4
	local name=${fixture%.json} line
	run_check "$name" "$fixture"
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name" "exit $rc, want $want_rc; stderr: $err"
		return
	fi
	line=$(printf '%s\n' "$out" | grep -F -- "$prefix" | head -n1)
	if [[ -z "$line" || "$line" != "$prefix"* ]]; then
		bad "$name" "no line starting '$prefix' in:"$'\n'"$out"
		return
	fi
	if [[ -n "$fix" && ( "$line" != *"— fix: "* || "$line" != *"$fix"* ) ]]; then
		bad "$name" "line lacks fix '$fix': $line"
		return
	fi
	ok "$name: $prefix"
}

# Passing configs: exit 0 and nothing refused.
expect docker-u1000.json 0 "ward check: ok: 0 refused" ""
expect docker-u1000.json 0 "HARDEN userns [CIS 5.31] linux.namespaces:" ""
expect docker-u1000.json 0 "HARDEN ping-group-range linux.sysctl[net.ipv4.ping_group_range]:" ""
expect docker-u1000.json 0 "WARN   readonly-rootfs [CIS 5.13] root.readonly:" "docker run --read-only"
expect docker-seccomp-unconfined.json 0 "HARDEN seccomp-baseline [CIS 5.22] linux.seccomp:" ""
expect docker-seccomp-unconfined.json 0 "ward check: ok: 0 refused" ""

# Refused configs: exit 1, the rule, its CIS id, the JSON path, the fix.
expect docker-privileged.json 1 "REFUSE caps [CIS 5.5] process.capabilities.bounding:" "do not run privileged"
expect docker-privileged.json 1 "REFUSE devices [CIS 5.18] linux.resources.devices[0]:" "--privileged"
expect docker-sock.json 1 "REFUSE engine-socket [CIS 5.32] mounts[10].source:" "engine's socket"
expect docker-net-host.json 1 "REFUSE host-ns [CIS 5.10] linux.namespaces:" "--net"
expect docker-pid-host.json 1 "REFUSE host-ns [CIS 5.16] linux.namespaces:" "--pid"
expect docker-ipc-host.json 1 "REFUSE host-ns [CIS 5.17] linux.namespaces:" "--ipc"
expect docker-ipc-host.json 1 "REFUSE host-paths [CIS 5.6] mounts[6].source:" "dedicated directory"
expect docker-uts-host.json 1 "REFUSE host-ns [CIS 5.21] linux.namespaces:" "--uts"
expect docker-cap-sys-admin.json 1 "REFUSE caps [CIS 5.4] process.capabilities.bounding[CAP_SYS_ADMIN]:" "--cap-add"
expect docker-device-sda.json 1 "REFUSE devices [CIS 5.18] linux.devices[0]:" "--device"
expect docker-host-root.json 1 "REFUSE host-paths [CIS 5.6] mounts[10].source: binds host /" "dedicated directory"
expect docker-host-root.json 1 "REFUSE engine-socket [CIS 5.32] mounts[10].source:" "engine's socket"
expect docker-user-root.json 1 "REFUSE root-user [CIS 4.1] process.user.uid:" "docker run -u 1000"
expect docker-seccomp-allow.json 1 "REFUSE seccomp [CIS 5.22] linux.seccomp.defaultAction:" "SCMP_ACT_ERRNO"
expect docker-etc.json 1 "REFUSE host-paths [CIS 5.6] mounts[10].source: binds host /etc" "dedicated directory"
expect docker-rshared.json 1 "REFUSE propagation [CIS 5.20] mounts[10].options[1]:" "rprivate"
expect docker-rshared.json 1 "REFUSE propagation [CIS 5.20] linux.rootfsPropagation:" "rprivate"
expect sysctl-core-pattern.json 1 "REFUSE sysctl linux.sysctl[kernel.core_pattern]:" "namespaced sysctls"

# Every fixture is covered above.
for f in "$fixtures"/*.json; do
	n=$(basename "$f")
	if ! grep -q "^expect $n " "$0"; then
		bad "$n" "fixture has no expectation"
	fi
done

# --format json is valid JSON with the same verdicts.
run_check json-sock docker-sock.json --format json
if [ "$rc" -eq 1 ] && printf '%s' "$out" | jq -e '
	.refused == true and .counts.refuse == 2 and
	([.verdicts[] | select(.rule == "engine-socket")][0] |
	 .kind == "refuse" and .cis == "5.32" and .path == "mounts[10].source"
	 and (.fix | length > 0))' >/dev/null; then
	ok "check --format json"
else
	bad "check --format json" "rc=$rc: $out"
fi

# ward.conf tightens: a writable rootfs becomes a refusal.
printf 'require_readonly_rootfs = true\n' >"$tmp/strict.conf"
WARD_CONF=$tmp/strict.conf run_check strict docker-u1000.json
if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -qF "REFUSE readonly-rootfs [CIS 5.13] root.readonly:"; then
	ok "ward.conf require_readonly_rootfs refuses"
else
	bad "ward.conf require_readonly_rootfs" "rc=$rc: $out"
fi
printf 'default_pids_limit = 10\nbogus = 1\n' >"$tmp/bad.conf"
WARD_CONF=$tmp/bad.conf run_check badconf docker-u1000.json
if [ "$rc" -eq 1 ] && [[ "$err" == *"bad.conf:2: unknown key 'bogus'"* ]]; then
	ok "bad ward.conf names file and line"
else
	bad "bad ward.conf" "rc=$rc: $err"
fi

# A config that does not parse, or is missing: an error, exit 1.
mkdir -p "$tmp/broken"
printf '{"ociVersion": "1.2.0", "process": ' >"$tmp/broken/config.json"
"$ward" check --bundle "$tmp/broken" >/dev/null 2>"$tmp/broken.err"
rc=$?
if [ "$rc" -eq 1 ] && [ -s "$tmp/broken.err" ]; then
	ok "truncated config: error, exit 1"
else
	bad "truncated config" "exit $rc"
fi
mkdir -p "$tmp/empty"
"$ward" check --bundle "$tmp/empty" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 1 ] && ok "missing config.json: exit 1" || bad "missing config.json" "exit $rc"
"$ward" check --format xml >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] && ok "bad --format: usage, exit 2" || bad "bad --format" "exit $rc"

# `ward spec` writes a config that passes with no refusal and no warning.
mkdir -p "$tmp/spec"
if "$ward" spec --bundle "$tmp/spec" && [ -s "$tmp/spec/config.json" ]; then
	out=$("$ward" check --bundle "$tmp/spec")
	rc=$?
	if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qF "ward check: ok: 0 refused, 1 hardened, 0 warnings"; then
		ok "spec passes check"
	else
		bad "spec passes check" "rc=$rc: $out"
	fi
else
	bad "spec" "did not write config.json"
fi
before=$(sha256sum "$tmp/spec/config.json")
err=$("$ward" spec --bundle "$tmp/spec" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && [[ "$err" == *"File config.json exists. Remove it first."* ]] &&
	[ "$(sha256sum "$tmp/spec/config.json")" = "$before" ]; then
	ok "spec refuses to overwrite"
else
	bad "spec overwrite" "rc=$rc: $err"
fi
mkdir -p "$tmp/spec-args"
if "$ward" spec --bundle "$tmp/spec-args" --args /bin/echo -n hi &&
	jq -e '.process.args == ["/bin/echo", "-n", "hi"] and (.process.terminal | not)' \
		"$tmp/spec-args/config.json" >/dev/null; then
	ok "spec --args"
else
	bad "spec --args" "$(cat "$tmp/spec-args/config.json" 2>/dev/null)"
fi

# --rootless maps the invoking user; as root that would be host uid 0.
mkdir -p "$tmp/rootless"
if [ "$(id -u)" -eq 0 ]; then
	"$ward" spec --rootless --bundle "$tmp/rootless" >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 1 ] && ok "spec --rootless as root: refused" ||
		bad "spec --rootless as root" "exit $rc"
	if command -v setpriv >/dev/null; then
		chown 12345:12345 "$tmp/rootless"
		chmod 755 "$tmp"
		if setpriv --reuid 12345 --regid 12345 --clear-groups \
			"$ward" spec --rootless --bundle "$tmp/rootless" &&
			jq -e '.linux.uidMappings == [{"containerID": 1000, "hostID": 12345, "size": 1}]' \
				"$tmp/rootless/config.json" >/dev/null &&
			"$ward" check --bundle "$tmp/rootless" | grep -qF "0 refused, 1 hardened, 0 warnings"; then
			ok "spec --rootless as uid 12345"
		else
			bad "spec --rootless" "$(cat "$tmp/rootless/config.json" 2>/dev/null)"
		fi
	fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
