# SPDX-License-Identifier: GPL-2.0
# The TLB flush policies side by side in one boot: the old one (flush_legacy=1:
# every pass flushes every online CPU) against the new (the target's CPUs,
# coalesced, at most max_flushes_per_sec rounds a second), with 1, 16 and 64
# targets watched at 100 ms, and a busy unwatched process timed meanwhile.
#
# Per setting, over SECS seconds: the /proc/interrupts lines TLB (the kernel's
# own TLB shootdowns) and CAL (function-call IPIs: heapmon's flushes are
# on_each_cpu calls and are counted there, a flush of the local CPU in
# neither), summed over CPUs; heapmon's flush_rounds and flush_cpus (CPUs
# that ran a flush, local ones included); and the unwatched process's rate
# (randrw operations per second, 8 MiB, pinned to CPU 1).
. /work/bench/guest/lib.sh
SECS=${SECS:-5}
irq() { awk -v l="$1:" '$1 == l { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts; }
sys=/sys/kernel/heapmon
par=/sys/module/heapmon/parameters
# 64 sleeping workloads (1 MiB, every 4th page written every 100 ms).
pids=
i=0
while [ $i -lt 64 ]; do
	start_workload /tmp/wl-$i.out -t 100 nothp:1:page4
	pids="$pids $WL"
	i=$((i + 1))
done
# run_randrw OPS: runs randrw (unwatched, pinned to CPU 1); sets NS, its time.
run_randrw() {
	rm -f /tmp/rr.out
	taskset 2 randrw 8 $1 > /tmp/rr.out &
	rr=$!
	wait_for_line /tmp/rr.out '^ready'
	kill -USR1 $rr
	wait $rr
	NS=$(awk '$1 == "elapsed_ns" { print $2 }' /tmp/rr.out)
}
per_sec() { awk "BEGIN { printf \"%.1f\", $1 * 1e9 / $NS }"; }
# Calibrate randrw to about SECS seconds unwatched.
run_randrw 2000000
ops=$(awk "BEGIN { printf \"%d\", 2000000 * $SECS * 1e9 / $NS }")
run_randrw $ops
base=$NS
fmt='%-8s %-6s %8s %8s %8s %8s %8s %10s\n'
echo "per second of randrw's run ($ops operations, about $SECS s unwatched); slowdown = its time / unwatched"
printf "$fmt" targets policy seconds TLB/s CAL/s rounds/s cpus/s slowdown
printf "$fmt" 0 - "$(awk "BEGIN { printf \"%.2f\", $base / 1e9 }")" - - - - 1.00
watched=0
for n in 1 16 64; do
	set -- $pids
	i=0
	for p in "$@"; do
		i=$((i + 1))
		[ $i -gt $watched ] && [ $i -le $n ] && heapmonctl watch $p -i 100 --detach >/dev/null
	done
	watched=$n
	for rep in 1 2; do
		for policy in old new; do
			[ $policy = old ] && echo 1 > $par/flush_legacy || echo 0 > $par/flush_legacy
			sleep 1
			t0=$(irq TLB) c0=$(irq CAL) r0=$(cat $sys/flush_rounds) f0=$(cat $sys/flush_cpus)
			run_randrw $ops
			printf "$fmt" $n $policy "$(awk "BEGIN { printf \"%.2f\", $NS / 1e9 }")" \
				$(per_sec $(($(irq TLB) - t0))) $(per_sec $(($(irq CAL) - c0))) \
				$(per_sec $(($(cat $sys/flush_rounds) - r0))) \
				$(per_sec $(($(cat $sys/flush_cpus) - f0))) \
				"$(awk "BEGIN { printf \"%.2f\", $NS / $base }")"
		done
	done
done
echo 0 > $par/flush_legacy
echo "stale passes $(cat $sys/flush_stale_passes), deferred $(cat $sys/flush_deferred), max_flushes_per_sec $(cat $par/max_flushes_per_sec)"
for p in $pids; do
	kill $p
done
