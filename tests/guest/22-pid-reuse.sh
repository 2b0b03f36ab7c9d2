# SPDX-License-Identifier: GPL-2.0
# PID reuse: an exited target keeps its PID until it is unwatched, so a new
# process that gets the same PID meanwhile cannot be watched (EEXIST, said
# so), and the statistics under that PID stay the old target's. spawnpid
# forces the reuse (clone3 with set_tid: the debug kernel has no
# ns_last_pid).
start_workload /tmp/w22.out nothp:1:none
old=$WL
heapmonctl watch $old -i 100 --detach >/dev/null
wait_passes $old 3
resident=$(cat /sys/kernel/heapmon/targets/$old/resident_bytes)
kill $old
wait $old 2>/dev/null
i=0
while [ "$(cat /sys/kernel/heapmon/targets/$old/state)" != exited ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
spawnpid $old workload nothp:4:none > /tmp/w22b.out
wait_for_line /tmp/w22b.out '^ready'
expect_eq "pid reuse: a new process has PID $old" \
	"$(sed -n 's/^Name:[[:space:]]*//p' /proc/$old/status 2>/dev/null)" workload
run heapmonctl watch $old --detach
expect_eq "pid reuse: watching it fails with EEXIST" "$OUT" \
	"heapmonctl: watch $old: File exists: an exited process with this PID is still watched: unwatch it"
expect_eq "pid reuse: exit status 1" "$RC" 1
run heapmonctl stats $old --json
expect_match "pid reuse: the statistics are still the exited target's" "$OUT" \
	"\"state\":\"exited\",.*\"resident_bytes\":$resident,"
run heapmonctl unwatch $old
expect_eq "pid reuse: the exited target can be unwatched" "$RC" 0
run heapmonctl watch $old -i 100 --detach
expect_eq "pid reuse: then the new process can be watched" "$RC" 0
wait_passes $old 2
st=$(heapmonctl stats $old --json)
expect_match "pid reuse: and it is the new process, running" "$st" '"state":"running"'
res=$(json_field "$st" resident_bytes)
[ "$res" -ge $((4 << 20)) ] && [ "$res" -lt $((5 << 20)) ] &&
	pass "pid reuse: its own 4 MiB heap is tracked ($res bytes resident)" ||
	fail "pid reuse: $res bytes resident, want the new process's 4 MiB and its small heap"
heapmonctl unwatch $old
kill $old
