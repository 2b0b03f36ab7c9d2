# SPDX-License-Identifier: GPL-2.0
# Reclaim: heapmon clears accessed bits, but hands every reference it finds
# on to reclaim (PG_young where the kernel has it, else
# folio_mark_accessed), so reclaim still tells hot pages from cold ones.
#
# The target, alone in a memory cgroup, has 16 MiB: every other page hot
# (written every second), the rest cold (written once). heapmon clears its
# bits every 100 ms, so when reclaim looks at a hot page heapmon has almost
# always cleared the bit of its last write already. memory.reclaim then asks
# the cgroup for 6 MiB, less than its 8 MiB of cold pages, in three steps a
# second apart: with the references handed on, reclaim takes cold pages and
# the hot ones stay (no major fault when the target rewrites them); without,
# hot and cold pages look alike and hot ones go to swap and fault back.
# The major faults of the hot pages over the next 3 s are compared with the
# same run unwatched; runs alternate, A B five times, and the medians count.
grep -q zram0 /proc/swaps || setup_swap 256
cg=/sys/fs/cgroup
grep -q " $cg cgroup2 " /proc/mounts || mount -t cgroup2 none $cg
echo +memory > $cg/cgroup.subtree_control
mkdir -p $cg/hm-reclaim
# One major fault per page swapped back in: no swap readahead, which would
# bring the cold neighbours of a hot page back with it.
echo 0 > /proc/sys/vm/page-cluster
lru=$(cat /sys/kernel/mm/lru_gen/enabled 2>/dev/null || echo none)
rm -f /tmp/maj.*
for i in 1 2 3 4 5; do
	for mode in unwatched watched; do
		# Charged to the cgroup from its first page: start it there.
		start_workload /tmp/rc.out -t 1000 -c $cg/hm-reclaim nothp:16:page2
		target=$WL
		[ $mode = watched ] && heapmonctl watch $target -i 100 --detach >/dev/null
		sleep 3
		in=$(swap_outs)
		sin=$(swap_ins)
		before=$(majflt $target)
		for step in 1 2 3; do
			echo 2M > $cg/hm-reclaim/memory.reclaim 2>/dev/null
			sleep 1
		done
		sleep 3
		echo $(($(majflt $target) - before)) >> /tmp/maj.$mode
		echo $(($(swap_outs) - in)) >> /tmp/maj.$mode.swapout
		echo $(($(swap_ins) - sin)) >> /tmp/maj.$mode.swapin
		[ $mode = watched ] && heapmonctl unwatch $target >/dev/null
		kill $target
		wait $target 2>/dev/null
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
u=$(median < /tmp/maj.unwatched)
w=$(median < /tmp/maj.watched)
uo=$(median < /tmp/maj.unwatched.swapout)
wo=$(median < /tmp/maj.watched.swapout)
detail="hot pages' major faults after reclaim: unwatched median $u ($(echo $(cat /tmp/maj.unwatched))), watched median $w ($(echo $(cat /tmp/maj.watched))); pages swapped out per run: median $uo unwatched, $wo watched; swapped in: $(echo $(cat /tmp/maj.unwatched.swapin)) unwatched, $(echo $(cat /tmp/maj.watched.swapin)) watched; lru_gen $lru"
# Reclaim took (nearly) the 6 MiB asked for, or the runs prove nothing.
[ "$uo" -ge 1024 ] && [ "$wo" -ge 1024 ] &&
	pass "memory.reclaim swapped out $uo (unwatched) and $wo (watched) pages per run" ||
	fail "memory.reclaim did not swap: $uo (unwatched) and $wo (watched) pages per run"
# With the references handed on, reclaim finds cold pages for all 6 MiB:
# the hot pages stay, watched as unwatched (64 faults of slack).
if [ "$w" -le $((u + 64)) ]; then
	pass "$detail"
else
	fail "$detail"
fi
