# SPDX-License-Identifier: GPL-2.0
# Many targets: 64 at once (the default max_targets), each with its passes;
# the 65th fails with ENOSPC and says so; unwatching one makes room.
# max_targets is at most 4096: a larger value does not load.
pids=
for i in $(seq 1 65); do
	workload nothp:1:none > /tmp/w27-$i.out &
	pids="$pids $!"
done
for i in $(seq 1 65); do wait_for_line /tmp/w27-$i.out '^ready'; done
set -- $pids
n=0
for p in $pids; do
	[ $n -lt 64 ] && heapmonctl watch $p -i 200 --detach >/dev/null && n=$((n + 1))
done
expect_eq "64 targets watched" "$(cat /sys/kernel/heapmon/target_count)" 64
expect_eq "64 targets listed" "$(heapmonctl list --json | grep -o '"pid"' | grep -c .)" 64
last=$(echo $pids | awk '{ print $NF }')
run heapmonctl watch $last --detach
expect_eq "the 65th: ENOSPC, said so" "$OUT" \
	"heapmonctl: watch $last: No space left on device: too many targets: max_targets reached; unwatch one or reload heapmon with a larger max_targets"
expect_eq "the 65th: exit status 1" "$RC" 1
# Every target gets its passes: 64 at 200 ms each.
sleep 2
slow=0
for p in $(echo $pids | cut -d' ' -f1-64); do
	[ "$(passes $p)" -ge 3 ] || slow=$((slow + 1))
done
expect_eq "every one of 64 targets had at least 3 passes in 2 s" "$slow" 0
heapmonctl unwatch $1
run heapmonctl watch $last -i 200 --detach
expect_eq "after one unwatch, the 65th can be watched" "$RC" 0
expect_eq "still 64 targets" "$(cat /sys/kernel/heapmon/target_count)" 64
kill $pids
unload_module
run insmod /lib/heapmon/heapmon.ko max_targets=4097
expect_match "max_targets=4097 does not load" "$RC" '^[1-9]'
expect_match "and says why" "$(dmesg | tail -n 5)" 'max_targets must be at most 4096'
run insmod /lib/heapmon/heapmon.ko max_targets=4096
expect_eq "max_targets=4096 loads" "$RC" 0
expect_match "status says 4096" "$(heapmonctl status --json)" '"max_targets":4096,'
unload_module
load_module
