#!/usr/bin/env bash
# Size budgets from STYLE.md rule 12: a .c file <= 800 lines, a function <= 80.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0
for f in src/*.c runtime/*.c tools/*.c; do
	[ -e "$f" ] || continue
	n=$(wc -l <"$f")
	if [ "$n" -gt 800 ]; then
		echo "lint: $f: $n lines > 800"; bad=1
	fi
	# A function starts at a line "name(" in column 0 (kernel style) and ends
	# at the first "}" in column 0.
	awk -v f="$f" '
		/^[a-z_][a-z0-9_]*\(/ { name = $1; sub(/\(.*/, "", name); start = NR }
		/^}/ && start { len = NR - start; if (len > 80) { printf "lint: %s: %s() is %d lines > 80\n", f, name, len; bad = 1 } start = 0 }
		END { exit bad }' "$f" || bad=1
done
[ "$bad" -eq 0 ] && echo "lint: ok"
exit "$bad"
