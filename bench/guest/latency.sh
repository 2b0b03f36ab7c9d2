# SPDX-License-Identifier: GPL-2.0
# Part 2, continued: how long the watched program's own mmap and munmap
# take while a monitor walks its heap. A walk holds the mmap lock for
# reading, and mmap and munmap need it for writing. mmaplat keeps 256 MiB
# resident and times OPS map-write-unmap cycles of 64 KiB, 1 ms apart:
# unwatched, watched by heapmon every 100 ms, and by DAMON covering the
# heap every 100 ms. Rows: the 99th percentile and the maximum, with each
# repetition's ratio to that repetition's unwatched run (above 1: slower
# when watched).
. /work/bench/guest/lib.sh
. /work/bench/guest/damon.sh
OPS=${MMAPLAT_OPS:-2000}
rm -f /tmp/l.*
configs="none hm"
damon_available && configs="$configs damon"

# run_one: runs mmaplat under $config; prints its "p50_us A p99_us B max_us C".
run_one() {
	local pid pages
	start_prog /tmp/l.out mmaplat 256 $OPS
	pid=$BG
	case $config in
	hm)
		heapmonctl watch $pid -i 100 --detach >/dev/null
		wait_passes $pid 1
		;;
	damon)
		pages=$(awk '/^VmRSS:/ { print int($2 / 4) }' /proc/$pid/status)
		damon_start $pid 5000 100000 $(damon_cover_regions $pages 100 5000) \
			$(damon_cover_regions $pages 100 5000)
		sleep 0.5
		;;
	esac
	kill -USR1 $pid
	wait $pid
	case $config in
	hm) heapmonctl unwatch $pid >/dev/null 2>&1 ;;
	damon) damon_stop ;;
	esac
	grep '^p50_us' /tmp/l.out
}

describe() {
	case $1 in
	none) echo "unwatched" ;;
	hm) echo "heapmon 100 ms" ;;
	damon) echo "DAMON covering the heap each 100 ms" ;;
	esac
}

i=0
while [ $i -lt $REPS ]; do
	progress "part 2: mmap latency, repetition $((i + 1)) of $REPS"
	for config in $configs; do
		out=$(run_one)
		field p99_us "$out" > /tmp/l.$config.p99.now
		field max_us "$out" > /tmp/l.$config.max.now
	done
	for config in $configs; do
		for q in p99 max; do
			cat /tmp/l.$config.$q.now >> /tmp/l.$config.$q
			calc "$(cat /tmp/l.$config.$q.now) / $(cat /tmp/l.none.$q.now)" \
				>> /tmp/l.$config.$q.ratio
		done
	done
	i=$((i + 1))
done
for q in p99 max; do
	row 2 "mmap+munmap 64 KiB, $q, unwatched" "us" /tmp/l.none.$q
	for config in $configs; do
		[ $config = none ] && continue
		row 2 "mmap+munmap 64 KiB, $q, $(describe $config)" "us" /tmp/l.$config.$q \
			/tmp/l.$config.$q.ratio "unwatched"
	done
done
damon_available || row_na 2 "mmap+munmap 64 KiB, DAMON" "no CONFIG_DAMON_SYSFS in this kernel"
