# SPDX-License-Identifier: GPL-2.0
# Fork, two targets at once, exit, unwatch and rewatch.
# Small pages (nothp): the child's copy-on-write faults are one per page. With
# THP, khugepaged may collapse the parent's half-copied huge page into a new
# one, and the child then reuses the old one whole, in one fault.
start_workload /tmp/w13.out -f nothp:4:page2
parent=$WL
child=$(sed -n 's/^child //p' /tmp/w13.out)
heapmonctl watch $parent -i 100 --detach >/dev/null
wait_passes $parent 3
run heapmonctl list --json
expect_match "the parent is listed" "$OUT" "\"pid\":$parent,"
expect_eq "the forked child is not watched" "$(printf '%s' "$OUT" | grep -c "\"pid\":$child,")" 0
expect_eq "the child has no sysfs directory" "$(ls /sys/kernel/heapmon/targets)" "$parent"
run heapmonctl stats $child
expect_match "the child has no statistics" "$OUT" "the process is not watched"
# The child shares every page with the parent until it writes them. With the
# parent stopped (it cannot fault), the child writes all 1024 of them: every
# fault it takes is in the child's address space, none is the parent's.
kill -STOP $parent
i=0
while [ "$(awk '{ print $3 }' /proc/$parent/stat)" != T ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
faults=$(json_field "$(heapmonctl stats $parent --json)" faults)
child_minflt() { awk '{ print $10 }' /proc/$child/stat; }
before=$(child_minflt)
kill -USR1 $child
i=0
while [ $(($(child_minflt) - before)) -lt 1024 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cow=$(($(child_minflt) - before))
[ $cow -ge 1024 ] && pass "the child took $cow copy-on-write faults" ||
	fail "the child took $cow faults, expected at least 1024"
expect_eq "none of the child's faults is counted for the parent" \
	"$(json_field "$(heapmonctl stats $parent --json)" faults)" "$faults"
kill -CONT $parent
kill $child

# A second target at once.
start_workload /tmp/w13b.out mmap:2:page1
second=$WL
heapmonctl watch $second -i 100 --detach >/dev/null
wait_passes $second 3
expect_eq "two targets" "$(cat /sys/kernel/heapmon/target_count)" 2
resident=$(cat /sys/kernel/heapmon/targets/$second/resident_bytes)
[ "$resident" -ge $((2 << 20)) ] && pass "second target's resident bytes ($resident)" ||
	fail "second target's resident bytes: $resident"

# The target exits: it is marked exited and its last statistics stay.
kill $second
wait $second 2>/dev/null
i=0
while [ "$(cat /sys/kernel/heapmon/targets/$second/state)" != exited ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "exited target: sysfs state" "$(cat /sys/kernel/heapmon/targets/$second/state)" exited
run heapmonctl stats $second --json
expect_match "exited target: stats state" "$OUT" '"state":"exited"'
expect_eq "exited target: last statistics kept" "$(json_field "$OUT" resident_bytes)" \
	"$resident"
expect_match "exited target: listed as exited" "$(heapmonctl list --json)" \
	"\"pid\":$second,\"state\":\"exited\""
expect_match "exit event" "$(heapmonctl events $second --json)" '"kind":"exit"'
run heapmonctl unwatch $second
expect_eq "an exited target can be unwatched" "$RC" 0
expect_eq "and then it is gone" "$(ls /sys/kernel/heapmon/targets)" "$parent"

# A leader that called pthread_exit() is a zombie without an mm while its
# threads run on: the process is alive, and is watched like any other.
start_workload /tmp/w13e.out -E -o /tmp/truth-13e nothp:8:page2
i=0
while [ "$(awk '{ print $3 }' /proc/$WL/stat)" != Z ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "the workload's leader has exited" "$(awk '{ print $3 }' /proc/$WL/stat)" Z
run heapmonctl watch $WL -i 200 --detach
expect_eq "a process with a zombie leader can be watched" "$RC" 0
wait_passes $WL 12
expect_eq "zombie leader: the target is running" \
	"$(cat /sys/kernel/heapmon/targets/$WL/state)" running
if result=$(heapmonctl pages $WL --json | classify /tmp/truth-13e 5 0.95); then
	pass "zombie leader: its pages are classified: $result"
else
	fail "zombie leader: $result (want >= 0.95)"
fi
heapmonctl unwatch $WL
kill $WL

# Unwatch and watch again: statistics start afresh. The second watch has a
# longer period, so that a slow kernel cannot run 10 passes before the check.
wait_passes $parent 10
heapmonctl unwatch $parent
heapmonctl watch $parent -i 1000 --detach >/dev/null
wait_passes $parent 2
maxage=$(heapmonctl pages $parent --json | sed -n 's/.*"age":\([0-9]*\).*/\1/p' | sort -n | tail -n 1)
passes=$(passes $parent)
[ "$passes" -lt 10 ] && [ "$maxage" -lt "$passes" ] &&
	pass "rewatch starts afresh (pass $passes, oldest page age $maxage)" ||
	fail "rewatch: pass $passes, oldest page age $maxage"
heapmonctl unwatch $parent
kill $parent
