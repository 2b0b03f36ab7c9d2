# SPDX-License-Identifier: GPL-2.0
# Reclaim: under memory pressure a watched process takes no more major
# faults than the same run unwatched. heapmon clears accessed bits but hands
# every reference it finds on to reclaim (PG_young where the kernel has it,
# else folio_mark_accessed), so reclaim still sees hot pages as hot.
#
# The target writes all of its 16 MiB every 20 ms; a hog writes all of its
# memory every 5 s and is sized so that the two need more than there is:
# reclaim must choose, all the time, and the right choice is the hog. The
# faults are counted over 8 s of that steady state, from a second after the
# hog has filled its memory. Runs alternate, A B five times.
#
# Noise: now and then a run loses the whole target to reclaim, watched or
# not (under TCG a busy hog can starve the target for long enough that its
# pages really are cold). On 6.12, over variants of this test, 6 of 31
# unwatched runs did and 1 of 31 watched. So the test compares medians, and
# counts bad runs (over 1000 major faults): watched may have at most one
# more than unwatched.
grep -q zram0 /proc/swaps || setup_swap 256
rm -f /tmp/maj.*
for i in 1 2 3 4 5; do
	for mode in unwatched watched; do
		start_workload /tmp/rc.out nothp:16:page1
		target=$WL
		[ $mode = watched ] && heapmonctl watch $target -i 100 --detach >/dev/null
		avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
		start_workload /tmp/hog.out -t 5000 nothp:$((avail / 1024 + 48)):page1
		hog=$WL
		sleep 1
		in=$(swap_ins)
		before=$(majflt $target)
		sleep 8
		echo $(($(majflt $target) - before)) >> /tmp/maj.$mode
		echo $(($(swap_ins) - in)) >> /tmp/maj.$mode.swapin
		[ $mode = watched ] && heapmonctl unwatch $target >/dev/null
		kill $hog $target
		wait $hog $target 2>/dev/null
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
total() { awk '{ s += $1 } END { print s + 0 }'; }
u=$(median < /tmp/maj.unwatched)
w=$(median < /tmp/maj.watched)
ut=$(total < /tmp/maj.unwatched)
wt=$(total < /tmp/maj.watched)
bad() { awk '$1 > 1000 { n++ } END { print n + 0 }'; }
ub=$(bad < /tmp/maj.unwatched)
wb=$(bad < /tmp/maj.watched)
swapins=$(cat /tmp/maj.*.swapin | awk '{ s += $1 } END { print s }')
detail="target's major faults: unwatched median $u, total $ut, $ub bad ($(echo $(cat /tmp/maj.unwatched))); watched median $w, total $wt, $wb bad ($(echo $(cat /tmp/maj.watched))); $swapins swap-ins in all"
[ "$swapins" -gt 0 ] && pass "memory pressure made the system swap ($swapins pages swapped in)" ||
	fail "no swap-in: the runs were not under memory pressure"
# Within noise: a median no more than half again, plus 64 faults of slack
# for small counts, and at most one bad run more.
if [ "$w" -le $((u * 3 / 2 + 64)) ] && [ "$wb" -le $((ub + 1)) ]; then
	pass "$detail"
else
	fail "$detail"
fi
