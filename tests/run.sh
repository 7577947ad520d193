#!/bin/sh
# run.sh LABEL TEST... -- runs cmocka suites, prints one summary line.
label=$1; shift
pass=0; fail=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^\[       OK \]\|^\[ RUN      \]'
		[ -z "$f" ] && fail=$((fail + 1))
		echo "FAILED: $t (exit $rc)"
	else
		echo "ok: $(basename "$t") (${p:-0} tests)"
	fi
done
echo "$label: $pass passed, $fail failed"
[ $fail -eq 0 ]
