#!/usr/bin/env bash
# The command line itself: versions, help, usage errors and their exit
# codes, the features document, json error lines, make install.
. "$(dirname "$0")/lib.sh"

t "--version names ward, the OCI spec and libseccomp"
run_rc out W --version
expect_eq "$out_rc" 0 "exit"
expect_match "$out" "^ward version [0-9]+\.[0-9]+\.[0-9]+"
expect_match "$out" "^spec: 1\.[0-9]+\.[0-9]+"
expect_match "$out" "^libseccomp: 2\.[0-9]+\.[0-9]+"

t "--help and help COMMAND"
run_rc out W --help
expect_eq "$out_rc" 0 "exit"
for c in create start run state kill delete list exec ps pause resume update events features spec check; do
	expect_match "$out" "^  $c " "command $c listed"
done
run_rc out W help create
expect_match "$out" "--console-socket"

t "usage errors exit 2 and say what is wrong"
run_rc out W frobnicate
expect_eq "$out_rc" 2 "unknown command"
expect_match "$out" "unknown command 'frobnicate'"
run_rc out W create --bogus x
expect_eq "$out_rc" 2 "bad flag"
run_rc out W --log-format yaml list
expect_eq "$out_rc" 2 "bad log format"
run_rc out W kill
expect_eq "$out_rc" 2 "missing id"
run_rc out W create --no-pivot x
expect_eq "$out_rc" 2 "--no-pivot"
expect_match "$out" "pivot_root"

t "errors exit 1; with --log-format json they are json lines in --log"
run_rc out W --log "$T_TMP/l.json" --log-format json state nosuch
expect_eq "$out_rc" 1 "exit"
expect_eq "$(jq -r .level "$T_TMP/l.json")" error "level"
expect_match "$(jq -r .msg "$T_TMP/l.json")" "does not exist"

t "features is valid JSON and lists what ward enforces"
run_rc out W features
expect_eq "$out_rc" 0 "exit"
expect_eq "$(jq -r '.linux.seccomp.enabled' <<<"$out")" true "seccomp"
expect_eq "$(jq -r '.linux.namespaces | index("user") != null' <<<"$out")" true "user ns"
expect_eq "$(jq -r '.hooks | length' <<<"$out")" 6 "hooks"

t "spec writes a config that check accepts, and never overwrites one"
mkdir -p "$T_TMP/s"
run_rc out W spec --bundle "$T_TMP/s"
expect_eq "$out_rc" 0 "spec"
run_rc out W check --bundle "$T_TMP/s"
expect_eq "$out_rc" 0 "check"
expect_match "$out" "0 refused"
run_rc out W spec --bundle "$T_TMP/s"
expect_eq "$out_rc" 1 "second spec"
expect_match "$out" "exists"

t "make install puts the binary, man page and examples under DESTDIR/PREFIX"
run_rc out make -s -C "$TOP" install DESTDIR="$T_TMP/inst" PREFIX=/usr/local
expect_eq "$out_rc" 0 "make install"
for f in bin/ward share/man/man8/ward.8 share/doc/ward/examples/ward.conf \
	share/doc/ward/examples/daemon.json share/doc/ward/examples/baseline-seccomp.json; do
	[ -e "$T_TMP/inst/usr/local/$f" ] || fail "missing $f"
done
[ -x "$T_TMP/inst/usr/local/bin/ward" ] || fail "ward not executable"

finish
