# SPDX-License-Identifier: GPL-2.0
# bench/profile's guest half: where a pass's time goes. heaphold keeps a
# MIB MiB heap all hot (every page written every 100 ms); perf samples
# every CPU (cpu-clock, 4 kHz: QEMU has no PMU) for 20 s while heapmon
# watches it every 250 ms, then for 20 s while clear_refs + smaps (peerscan
# refs) go over it every 250 ms. Prints each run's busiest symbols outside
# the idle task, and for heapmon's run the module's .text address and the
# sampled instruction addresses in it, for bench/profile to map to lines.
. /work/bench/guest/lib.sh
MIB=${1:-1024}
start_prog /tmp/hold.out heaphold $MIB 100
pid=$BG
wait_sweeps /tmp/hold.out 2

profile() {
	perf record -q -e cpu-clock -F 4000 -a -o /tmp/$1.data -- sleep 20 2>/dev/null
	echo "PROFILE $1: busiest symbols, idle task left out"
	perf report -i /tmp/$1.data --no-children --sort comm,dso,sym --stdio 2>/dev/null |
		grep -v -e '^#' -e '^$' -e swapper | head -n 25
}

heapmonctl watch $pid -i 250 --detach >/dev/null
wait_passes $pid 4
profile heapmon
echo "PASS-NS $(json_field "$(heapmonctl stats $pid --json)" pass_ns) for $((MIB * 256)) pages"
heapmonctl unwatch $pid >/dev/null
echo "TEXT $(cat /sys/module/heapmon/sections/.text)"
perf script -i /tmp/heapmon.data -F ip,sym 2>/dev/null | awk '$2 ~ /^hm_/ { print "IP", $1 }' |
	sort | uniq -c | sort -rn | head -n 200 | awk '{ print "IP", $1, $3 }'

(while :; do peerscan refs $pid >/dev/null; sleep 0.25; done) &
loop=$!
sleep 2
profile clear_refs
kill $loop
stop_prog $pid
exit 0
