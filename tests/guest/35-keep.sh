# SPDX-License-Identifier: GPL-2.0
# A pass that lets an mmap writer in and then cannot take the lock again is
# abandoned where it stopped, perhaps inside a 2 MiB span of page tables
# whose first part it walked. The pages of the span it did not reach must
# keep their records: dropped, they come back at the next pass as new pages,
# young and touched (a false first touch), and a leak's age starts again.
#
# 32 MiB of small pages in 1 MiB mappings of alternating flags (workload's
# "stripes"), so that every span straddles two mappings and a walk lets the
# writer in at each mapping's end when one waits; every page written once
# before the watch and never again. Meanwhile the target's own thread
# changes the protection of 768 MiB of shared memory (not tracked) back and forth (workload's "hold"), each
# call holding the mmap lock for writing longer than a pass tries to take it
# again: a walk that lets it in is abandoned there. Afterwards every page
# must still have its record, never touched, at least as old as the passes
# before the dump (an abandoned pass ages the pages it reached by one more
# period than the others: printed, not checked), and walks must have let the
# writer in and passes been abandoned.
start_workload /tmp/w35.out -a hold=2000,hold=2000,hold=2000 -o /tmp/t35 stripes:32:none
heapmonctl watch $WL -i 10 --detach >/dev/null
wait_passes $WL 3
st0=$(heapmonctl stats $WL --json)
# Up to three rounds of 2 s, until walks let the writer in 3 times and
# passes were abandoned: when a pass gets the lock between two calls is
# chance.
for round in 1 2 3; do
	kill -WINCH $WL
	i=0
	while [ "$(grep -c '^hold' /tmp/w35.out)" -lt $round ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	st1=$(heapmonctl stats $WL --json)
	skipped=$(($(json_field "$st1" skipped_passes) - $(json_field "$st0" skipped_passes)))
	yields=$(($(json_field "$st1" lock_yields) - $(json_field "$st0" lock_yields)))
	[ $skipped -ge 1 ] && [ $yields -ge 3 ] && break
done
wait_passes $WL 3
range="--start 0x$(head -n 1 /tmp/t35 | cut -d' ' -f2) --end 0x$(tail -n 1 /tmp/t35 | cut -d' ' -f3)"
p0=$(passes $WL)
heapmonctl pages $WL $range --json > /tmp/p35.json
res=$(awk -v p0="$p0" '
	/"addr":/ {
		n++
		a = $0; sub(/.*"age":/, "", a); sub(/[^0-9].*/, "", a)
		t = $0; sub(/.*"touched":/, "", t); sub(/[^0-9].*/, "", t)
		if (a + 0 < p0 - 1) young++
		if (t + 0 > 0) touched++
		if (n == 1 || a + 0 < lo) lo = a + 0
		if (a + 0 > hi) hi = a + 0
	}
	END { printf "pages %d young %d touched %d ages %d-%d\n", n, young, touched, lo, hi }' /tmp/p35.json)
echo "# rounds of mprotect calls: $(grep '^hold' /tmp/w35.out | tr '\n' ' '); pass $p0: $res"
[ $skipped -ge 1 ] && [ $yields -ge 3 ] &&
	pass "walks let the writer in $yields times, $skipped passes abandoned or left out" ||
	fail "walks let the writer in $yields times, $skipped passes abandoned or left out, want >= 3 and >= 1"
expect_eq "after the storm every striped page has its record, none younger than pass $p0 or touched" \
	"${res% ages*}" "pages 8192 young 0 touched 0"
heapmonctl unwatch $WL
kill $WL
