# SPDX-License-Identifier: GPL-2.0
# --flush-tlb and --no-flush-tlb in effect. A flush is on_each_cpu(): a
# function-call IPI to the other CPU per pass, counted on /proc/interrupts'
# CAL line. In 2 s at a 10 ms period (a 1 MiB target) a flushing target
# sends at least one per pass. The line also counts the guest's other work,
# mostly remote wake-ups (about 15 per second on 6.12, over 100 on the debug
# kernel, whatever heapmon does), so a setting that does not flush is told
# apart by its rate per pass: at least half an IPI per pass below a
# flushing watch's, measured in the same boot (6.12: 0.25 against 1.3;
# debug: 1.7 against 2.6).
cal() { awk '$1 == "CAL:" { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts; }
# ipis_per_pass FLAGS...: watches for 2 s; sets IPIS, PASSES, FLAGS_SEEN.
ipis_per_pass() {
	heapmonctl watch $WL -i 10 --detach "$@" >/dev/null
	wait_passes $WL 2
	c0=$(cal) p0=$(passes $WL)
	sleep 2
	IPIS=$(($(cal) - c0)) PASSES=$(($(passes $WL) - p0))
	RATE=$((IPIS * 100 / (PASSES > 0 ? PASSES : 1)))
	FLAGS_SEEN=$(json_field "$(heapmonctl stats $WL --json)" flags)
	heapmonctl unwatch $WL
}
start_workload /tmp/w26.out -t 1000 nothp:1:page1
if [ "$(grep -c '^processor' /proc/cpuinfo)" -lt 2 ] || [ -z "$(cal)" ]; then
	fail "flush: no second CPU or no CAL line in /proc/interrupts"
fi
# flushing WHAT: at least one IPI per pass, and (once a non-flushing rate is
# known) half an IPI per pass more than without a flush.
flushing() {
	[ "$PASSES" -ge 20 ] && [ "$IPIS" -ge "$PASSES" ] &&
		[ "$RATE" -ge $((${noflush_rate:--100} + 50)) ] &&
		pass "$1: $IPIS call IPIs in $PASSES passes" ||
		fail "$1: $IPIS call IPIs in $PASSES passes, want one per pass, and half more per pass than ${noflush_rate:-?}/100 without a flush"
}
not_flushing() {
	[ "$PASSES" -ge 20 ] && [ "$RATE" -le $((flush_rate - 50)) ] &&
		pass "$1: $IPIS call IPIs in $PASSES passes ($flush_rate/100 per pass when flushing)" ||
		fail "$1: $IPIS call IPIs in $PASSES passes, want half fewer per pass than with a flush ($flush_rate/100)"
}
ipis_per_pass --flush-tlb
flush_rate=$RATE
expect_eq "--flush-tlb: stats flags 1" "$FLAGS_SEEN" 1
flushing "--flush-tlb"
ipis_per_pass --no-flush-tlb
noflush_rate=$RATE
expect_eq "--no-flush-tlb: stats flags 2" "$FLAGS_SEEN" 2
not_flushing "--no-flush-tlb"
# The module's setting (writable parameter) is the default; --flush-tlb
# overrides it.
echo 0 > /sys/module/heapmon/parameters/flush_tlb
expect_eq "flush_tlb=0: sysfs says so" "$(cat /sys/kernel/heapmon/flush_tlb)" 0
ipis_per_pass
expect_eq "the module's default: stats flags 0" "$FLAGS_SEEN" 0
not_flushing "flush_tlb=0, no option"
ipis_per_pass --flush-tlb
flushing "flush_tlb=0 overridden by --flush-tlb"
echo 1 > /sys/module/heapmon/parameters/flush_tlb
ipis_per_pass
flushing "flush_tlb=1, no option"
kill $WL
