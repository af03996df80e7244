#!/usr/bin/env bash
# Hostile and broken config.json files through the real CLI: a clear error
# naming the problem, exit 1, never a crash. Run with WARD=build/san/ward
# (tests/run does) to prove it under ASan/UBSan.
. "$(dirname "$0")/lib.sh"

bad() { # NAME EXPECTED-REGEX: $T_TMP/b/config.json holds the case
	run_rc out W check --bundle "$T_TMP/b"
	expect_eq "$out_rc" 1 "$1: exit"
	expect_match "$out" "$2" "$1: message"
	expect_no_match "$out" "AddressSanitizer|runtime error|Segmentation" "$1: sanitizer"
	run_rc out W create --bundle "$T_TMP/b" "m$RANDOM"
	expect_eq "$out_rc" 1 "$1: create exit"
	expect_eq "$(ls "$T_ROOT" 2>/dev/null | grep -v '^\.' | wc -l)" 0 "$1: state left"
}
mkdir -p "$T_TMP/b"
cfg() { printf '%s' "$1" >"$T_TMP/b/config.json"; }

t "truncated JSON"
cfg '{"ociVersion":"1.0.2","process":{"user":{"uid":1000'
bad truncated "invalid JSON|premature EOF|parse"

t "wrong type names its JSON path"
cfg '{"ociVersion":"1.0.2","process":{"user":{"uid":"root","gid":0},"args":["sh"],"cwd":"/"},"root":{"path":"rootfs"}}'
bad wrong-type "process\.user\.uid: expected an unsigned integer"

t "negative and oversized ids"
cfg '{"ociVersion":"1.0.2","process":{"user":{"uid":4294967296,"gid":0},"args":["sh"],"cwd":"/"},"root":{"path":"rootfs"}}'
bad big-uid "process\.user\.uid"

t "5 MiB file"
head -c 5242880 /dev/zero | tr '\0' ' ' >"$T_TMP/b/config.json"
bad huge "larger|over the|limit"

t "1000-deep nesting"
{ printf '{"a":'; for _ in $(seq 1000); do printf '['; done; for _ in $(seq 1000); do printf ']'; done; printf '}'; } >"$T_TMP/b/config.json"
bad deep "deep|depth|nest"

t "duplicate keys"
cfg '{"ociVersion":"1.0.2","ociVersion":"1.0.2"}'
bad duplicate "duplicate"

t "non-UTF-8 string"
printf '{"ociVersion":"1.0.\xff\xfe"}' >"$T_TMP/b/config.json"
bad utf8 "UTF-8|utf8|invalid"

t "unknown capability is an error, not ignored"
cfg '{"ociVersion":"1.0.2","process":{"user":{"uid":1000,"gid":1000},"args":["sh"],"cwd":"/","capabilities":{"bounding":["CAP_SYS_WIZARD"]}},"root":{"path":"rootfs"}}'
bad unknown-cap "CAP_SYS_WIZARD"

t "missing config.json"
rm -f "$T_TMP/b/config.json"
bad missing "config.json"

finish
