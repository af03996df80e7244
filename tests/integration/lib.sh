#!/usr/bin/env bash
# Shared helpers for integration tests: counters, assertions, bundles.
# Each test script sources this, calls `t NAME` before each case, and ends
# with `finish`, which prints "N passed, N failed[, N skipped]".
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WARD=${WARD:-$TOP/build/ward}
T_PASSED=0 T_FAILED=0 T_SKIPPED=0 T_NAME="" T_OK=1
T_TMP=$(mktemp -d /tmp/ward-it.XXXXXX)
# Each script gets its own --root: tests never see each other's containers.
T_ROOT=$T_TMP/root
W() { "$WARD" --root "$T_ROOT" "$@"; }

_t_close() {
	[ -n "$T_NAME" ] || return 0
	if [ "$T_OK" = 1 ]; then
		T_PASSED=$((T_PASSED + 1)); echo "ok   $T_NAME"
	else
		T_FAILED=$((T_FAILED + 1)); echo "FAIL $T_NAME"
	fi
	T_NAME=""
}

# t NAME: start a test case.
t() { _t_close; T_NAME=$1; T_OK=1; }
skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "skip $T_NAME: $*"; T_NAME=""; }
fail() { T_OK=0; echo "  $T_NAME: $*" >&2; }

# expect_eq ACTUAL EXPECTED [what]
expect_eq() { [ "$1" == "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; }
# expect_match TEXT REGEX [what]
expect_match() { grep -qE -- "$2" <<<"$1" || fail "${3:-output} does not match /$2/: $(head -c 600 <<<"$1")"; }
expect_no_match() { ! grep -qE -- "$2" <<<"$1" || fail "${3:-output} matches /$2/: $(head -c 600 <<<"$1")"; }

# run_rc VAR CMD...: run, capture stdout+stderr in VAR and exit code in VAR_rc.
run_rc() {
	local __v=$1; shift
	local __out __rc
	__out=$("$@" 2>&1); __rc=$?
	printf -v "$__v" '%s' "$__out"
	printf -v "${__v}_rc" '%s' "$__rc"
}

# make_bundle DIR [ARGS...]: a busybox rootfs + the config `ward spec` writes,
# with process.args set to ARGS (default: sh).
RootfsCache=$T_TMP/rootfs-cache
make_bundle() {
	local dir=$1; shift
	mkdir -p "$dir"
	if [ ! -d "$RootfsCache" ]; then
		bash "$TOP/hack/mkrootfs.sh" "$RootfsCache" >/dev/null || return 1
	fi
	cp -a "$RootfsCache/rootfs" "$dir/rootfs"
	"$WARD" spec --bundle "$dir" >/dev/null || return 1
	# Tests read the output through pipes, not a pty.
	jq_edit "$dir" ".process.terminal = false"
	if [ $# -gt 0 ]; then
		local args
		args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
		jq_edit "$dir" ".process.args = $args"
	fi
}

# jq_edit BUNDLE [JQ ARGS...] FILTER: edit BUNDLE/config.json in place.
jq_edit() {
	local b=$1 tmp=$1/config.json.tmp
	shift
	jq "$@" "$b/config.json" >"$tmp" && mv "$tmp" "$b/config.json"
}

# Nothing of a test may outlive it: containers, mounts, id blocks.
cleanup() {
	local id
	for id in $(W list -q 2>/dev/null); do W delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

finish() {
	_t_close
	echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	[ "$T_FAILED" -eq 0 ]
}
