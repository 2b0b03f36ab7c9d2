# SPDX-License-Identifier: GPL-2.0
# rmmod while several targets are watched and passes are running.
pids=
for i in 1 2 3 4; do
	start_workload /tmp/w14-$i.out thp:32:block2 nothp:16:page2
	pids="$pids $WL"
	heapmonctl watch $WL -i 10 --detach >/dev/null
done
wait_passes $WL 5
run rmmod heapmon
expect_eq "rmmod with 4 targets and 10 ms passes" "$RC" 0
expect_eq "no sysfs tree left" "$(ls /sys/kernel/heapmon 2>/dev/null | wc -l)" 0
alive=0
for p in $pids; do
	kill -0 $p 2>/dev/null && alive=$((alive + 1))
done
expect_eq "the targets live on" "$alive" 4
kill $pids
load_module
