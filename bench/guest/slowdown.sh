# SPDX-License-Identifier: GPL-2.0
# Part 2: how much a monitor slows down the program it watches. Two
# programs, each timing its own work (not its setup):
#   randrw: random 8-byte reads and writes over 256 MiB (4 KiB pages)
#   mallocfree: malloc/free of blocks of 16 B to 512 KiB, 1024 live
# Each repetition runs the program unwatched, then watched by each monitor
# in turn, then unwatched again; a ratio is the watched time over the mean
# of that repetition's two unwatched times (above 1: slower when watched).
#   heapmon at 1000 ms (its default) and 100 ms, with and without the TLB
#   flush;
#   DAMON at its default intervals (5 ms samples, 100 ms aggregation, 10 to
#   1000 regions), and with as many regions as it takes to check as many
#   pages per 1000 ms and per 100 ms as the program has resident.
# The monitor starts after the program's setup, and the timed part begins
# once heapmon has done its first pass (the baseline) or DAMON has run
# half a second.
. /work/bench/guest/lib.sh
. /work/bench/guest/damon.sh
RANDRW_OPS=${RANDRW_OPS:-4000000}
MALLOC_OPS=${MALLOC_OPS:-60000}
rm -f /tmp/s.*
configs="hm:1000:flush-tlb hm:1000:no-flush-tlb hm:100:flush-tlb hm:100:no-flush-tlb"
damon_available && configs="$configs damon:default damon:1000 damon:100"

# run_one PROGRAM ARGS...: runs it under $config; prints its elapsed ns.
run_one() {
	local pid pages regions
	start_prog /tmp/s.out "$@"
	pid=$BG
	case $config in
	hm:*)
		set -- $(echo $config | tr ':' ' ')
		heapmonctl watch $pid -i $2 --$3 --detach >/dev/null
		wait_passes $pid 1
		;;
	damon:default)
		damon_start $pid 5000 100000 10 1000
		sleep 0.5
		;;
	damon:*)
		pages=$(awk '/^VmRSS:/ { print int($2 / 4) }' /proc/$pid/status)
		regions=$(damon_cover_regions $pages ${config#damon:} 5000)
		damon_start $pid 5000 $((${config#damon:} * 1000)) $regions $regions
		sleep 0.5
		;;
	esac
	kill -USR1 $pid
	wait $pid
	case $config in
	hm:*) heapmonctl unwatch $pid >/dev/null 2>&1 ;;
	damon:*) damon_stop ;;
	esac
	field elapsed_ns "$(cat /tmp/s.out)"
}

describe() {
	case $1 in
	hm:*) set -- $(echo $1 | tr ':' ' '); echo "heapmon $2 ms, ${3%-tlb}" | sed 's/flush$/TLB flush/; s/no-TLB flush/no TLB flush/' ;;
	damon:default) echo "DAMON default intervals" ;;
	damon:*) echo "DAMON covering the heap each ${1#damon:} ms" ;;
	esac
}

for prog in randrw mallocfree; do
	case $prog in
	randrw) cmd="randrw 256 $RANDRW_OPS" ;;
	mallocfree) cmd="mallocfree 1024 $MALLOC_OPS" ;;
	esac
	i=0
	while [ $i -lt $REPS ]; do
		progress "part 2: $prog, repetition $((i + 1)) of $REPS"
		config=none
		a=$(run_one $cmd)
		for config in $configs; do
			run_one $cmd > /tmp/s.$prog.$config.now
		done
		config=none
		b=$(run_one $cmd)
		echo "$a" >> /tmp/s.$prog.none
		echo "$b" >> /tmp/s.$prog.none
		for config in $configs; do
			t=$(cat /tmp/s.$prog.$config.now)
			calc "$t / 1e6" >> /tmp/s.$prog.$config
			calc "2 * $t / ($a + $b)" >> /tmp/s.$prog.$config.ratio
		done
		i=$((i + 1))
	done
	awk '{ printf "%.6g\n", $1 / 1e6 }' /tmp/s.$prog.none > /tmp/s.$prog.none.ms
	row 2 "$prog, unwatched" "ms" /tmp/s.$prog.none.ms
	for config in $configs; do
		row 2 "$prog, $(describe $config)" "ms" /tmp/s.$prog.$config \
			/tmp/s.$prog.$config.ratio "unwatched"
	done
	damon_available || row_na 2 "$prog, DAMON" "no CONFIG_DAMON_SYSFS in this kernel"
done
