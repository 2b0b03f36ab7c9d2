# SPDX-License-Identifier: GPL-2.0
# Reclaim: under memory pressure a watched process takes no more major
# faults than the same run unwatched. heapmon clears accessed bits but hands
# every reference it finds on to the LRU (folio_mark_accessed), so reclaim
# still sees hot pages as hot.
#
# The target writes all of its 64 MiB every 20 ms; a hog writes all of its
# memory once a second and is sized so that the two need more than there
# is: reclaim must choose, all the time. Runs alternate: A B A B A B.
grep -q zram0 /proc/swaps || setup_swap 256
vmstat() { sed -n "s/^$1 //p" /proc/vmstat; }
rm -f /tmp/maj.*
for i in 1 2 3; do
	for mode in unwatched watched; do
		start_workload /tmp/rc.out nothp:64:page1
		target=$WL
		[ $mode = watched ] && heapmonctl watch $target -i 100 --detach >/dev/null
		avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
		in=$(vmstat pswpin)
		before=$(majflt $target)
		start_workload /tmp/hog.out -t 1000 nothp:$((avail / 1024 + 48)):page1
		hog=$WL
		sleep 8
		echo $(($(majflt $target) - before)) >> /tmp/maj.$mode
		echo $(($(vmstat pswpin) - in)) >> /tmp/maj.$mode.swapin
		[ $mode = watched ] && heapmonctl unwatch $target >/dev/null
		kill $hog $target
		wait $hog $target 2>/dev/null
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
u=$(median < /tmp/maj.unwatched)
w=$(median < /tmp/maj.watched)
swapins=$(cat /tmp/maj.*.swapin | awk '{ s += $1 } END { print s }')
detail="target's major faults, median of 3: unwatched $u ($(echo $(cat /tmp/maj.unwatched))), watched $w ($(echo $(cat /tmp/maj.watched))); $swapins swap-ins in all"
[ "$swapins" -gt 0 ] && pass "memory pressure made the system swap ($swapins pages swapped in)" ||
	fail "no swap-in: the runs were not under memory pressure"
# Within noise: no more than half again, plus 64 faults of slack for small counts.
if [ "$w" -le $((u * 3 / 2 + 64)) ]; then
	pass "$detail"
else
	fail "$detail"
fi
