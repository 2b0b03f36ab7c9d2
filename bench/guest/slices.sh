# SPDX-License-Identifier: GPL-2.0
# One frame's heat of a 1 GiB region of small pages (262144 records), both
# ways, in one VM boot: HEAPMON_CMD_SLICES (256 slices, one request) against
# the PAGES dump of every page summed up by hm_heat_slices() (what
# heapmonctl watch and record did before, and do with a module older than
# the command). Medians of 21 frames each, taken in turn. Then the same for
# a 1 GiB region of huge pages (512 records).
. /work/bench/guest/lib.sh
T=bench-slices
for kind in nothp thp; do
	start_workload /tmp/wb.out -o /tmp/tb $kind:1024:none
	heapmonctl watch $WL -i 1000 --detach >/dev/null
	wait_passes $WL 2
	lo=0x$(head -n 1 /tmp/tb | cut -d' ' -f2)
	hi=0x$(tail -n 1 /tmp/tb | cut -d' ' -f3)
	echo "$kind 1 GiB: $(slicecheck -b 21 $WL $lo $hi 256)"
	heapmonctl unwatch $WL
	kill $WL
	wait $WL 2>/dev/null || true
done
