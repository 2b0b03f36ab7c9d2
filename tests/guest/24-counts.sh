# SPDX-License-Identifier: GPL-2.0
# The byte counts of touched, idle>=N and never against a known schedule,
# region by region (a region is exactly one workload area: MADV_NOHUGEPAGE
# splits the mapping there), so they are exact, not bounds.
#
# nothp:4:page2: 512 pages written every 20 ms, 512 written once before the
# watch. With a 200 ms period a hot page is written about ten times per
# period, so every pass finds it accessed: touched 2 MiB, idle>=1 the 2 MiB
# of cold pages. The cold ones are never accessed after the baseline: never
# 2 MiB, and idle>=10 2 MiB once 11 passes are done. The one race is a
# workload not scheduled for a whole period (a loaded host): a hot page then
# reads idle 1 for one pass, so the touched count is read again, up to three
# passes, and each retry is said.
# region LINE-OF-regions-JSON FIELD
region_of() { grep "\"size\":$2,\"resident_bytes\":$2," "$1"; }
start_workload /tmp/w24.out nothp:4:page2
heapmonctl watch $WL -i 200 --detach >/dev/null
wait_passes $WL 12
tries=0
while :; do
	heapmonctl regions $WL --json > /tmp/r24.json
	r=$(region_of /tmp/r24.json 4194304)
	[ "$(json_field "$r" touched_bytes)" = 2097152 ] || [ $tries -ge 3 ] && break
	echo "# touched $(json_field "$r" touched_bytes), want 2097152: a hot page missed a period, reading again"
	tries=$((tries + 1))
	wait_passes $WL 1
done
expect_eq "4 MiB region, half hot: one region of exactly the area, all resident" \
	"$(grep -c '"size":4194304,"resident_bytes":4194304,' /tmp/r24.json)" 1
expect_eq "half hot: touched_bytes" "$(json_field "$r" touched_bytes)" 2097152
expect_eq "half hot: idle1_bytes" "$(json_field "$r" idle1_bytes)" 2097152
expect_eq "half hot: idle10_bytes" "$(json_field "$r" idle10_bytes)" 2097152
expect_eq "half hot: idle60_bytes" "$(json_field "$r" idle60_bytes)" 0
expect_eq "half hot: never_bytes" "$(json_field "$r" never_bytes)" 2097152
expect_eq "half hot: swapped_bytes" "$(json_field "$r" swapped_bytes)" 0
# The whole target: the area plus the process's own small heap (stdio, TLS),
# which is never touched after start either: the target's sums hold the
# region's, and sysfs says the same as STATS.
st=$(heapmonctl stats $WL --json)
idle=$(cat /sys/kernel/heapmon/targets/$WL/idle)
expect_eq "sysfs idle file: never line as in stats" \
	"$(printf '%s\n' "$idle" | awk '$1 == "never" { print $2 }')" "$(json_field "$st" never_bytes)"
expect_eq "sysfs idle file: idle>=10 line as in stats" \
	"$(printf '%s\n' "$idle" | awk '$1 == "idle>=10" { print $2 }')" "$(json_field "$st" idle10_bytes)"
heapmonctl unwatch $WL
kill $WL

# Every page cold, at 10 ms: after 61 passes all of it is idle for 60
# periods, none for 600.
start_workload /tmp/w24c.out nothp:1:none
heapmonctl watch $WL -i 10 --detach >/dev/null
wait_passes $WL 64
kill -STOP $WL
heapmonctl regions $WL --json > /tmp/r24c.json
r=$(region_of /tmp/r24c.json 1048576)
expect_eq "all cold, 64 passes: touched_bytes" "$(json_field "$r" touched_bytes)" 0
expect_eq "all cold, 64 passes: idle60_bytes" "$(json_field "$r" idle60_bytes)" 1048576
expect_eq "all cold, 64 passes: idle600_bytes" "$(json_field "$r" idle600_bytes)" 0
expect_eq "all cold, 64 passes: never_bytes" "$(json_field "$r" never_bytes)" 1048576
heapmonctl unwatch $WL
kill -CONT $WL
kill $WL
