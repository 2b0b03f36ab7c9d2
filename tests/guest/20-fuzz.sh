# SPDX-License-Identifier: GPL-2.0
# Random and malformed generic netlink messages (tests/progs/nlfuzz.c): each one
# the kernel must answer gets an answer the contract allows, for root and for
# an unprivileged user, and heapmon works as before afterwards. tests/vm/run's
# dmesg check catches oopses, warnings and leaks on the way.
load_module

# fuzz NAME NLFUZZ-ARGS...: one run, one PASS or FAIL line with its summary.
fuzz() {
	local name=$1 t0
	shift
	t0=$(date +%s)
	run "$@"
	if [ "$RC" = 0 ]; then
		pass "$name: $OUT ($(($(date +%s) - t0)) s)"
	else
		fail "$name: exit status $RC: $(printf '%s' "$OUT" | tr '\n' ';')"
	fi
}

fuzz "root, 100000 messages" nlfuzz -n 100000 -s 20240917
# Without CAP_NET_ADMIN, -u also checks: only STATUS succeeds, every other
# command (2..7, HISTORY and SLICES) gets EPERM (or EOPNOTSUPP for a do/dump
# it lacks, on 6.2 and later), and nothing but EPERM, EOPNOTSUPP and EINVAL
# comes back.
fuzz "unprivileged, 20000 messages" asuser 65534 nlfuzz -u -n 20000 -s 77031

run heapmonctl status --json
expect_eq "status answers after fuzzing" "$RC" 0
expect_eq "no target left watched" "$(json_field "$OUT" target_count)" 0
if module_loaded; then
	pass "heapmon is still loaded"
else
	fail "heapmon is no longer loaded"
fi
