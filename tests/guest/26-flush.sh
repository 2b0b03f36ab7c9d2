# SPDX-License-Identifier: GPL-2.0
# --flush-tlb and --no-flush-tlb in effect. A flush is on_each_cpu(): a
# function-call IPI to the other CPU per pass, counted on /proc/interrupts'
# CAL line. In 2 s at a 10 ms period (a 1 MiB target) a flushing target
# sends one per pass; a non-flushing one none, so the count then moves only
# with the guest's other work, mostly remote wake-ups (which are function
# calls too): the target sleeps 1 s at a time, and a non-flushing watch must
# stay under half an IPI per pass.
cal() { awk '$1 == "CAL:" { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts; }
# ipis_per_pass FLAGS...: watches for 2 s; sets IPIS, PASSES, FLAGS_SEEN.
ipis_per_pass() {
	heapmonctl watch $WL -i 10 --detach "$@" >/dev/null
	wait_passes $WL 2
	c0=$(cal) p0=$(passes $WL)
	sleep 2
	IPIS=$(($(cal) - c0)) PASSES=$(($(passes $WL) - p0))
	FLAGS_SEEN=$(json_field "$(heapmonctl stats $WL --json)" flags)
	heapmonctl unwatch $WL
}
start_workload /tmp/w26.out -t 1000 nothp:1:page1
if [ "$(grep -c '^processor' /proc/cpuinfo)" -lt 2 ] || [ -z "$(cal)" ]; then
	fail "flush: no second CPU or no CAL line in /proc/interrupts"
fi
ipis_per_pass --flush-tlb
expect_eq "--flush-tlb: stats flags 1" "$FLAGS_SEEN" 1
[ "$PASSES" -ge 20 ] && [ "$IPIS" -ge "$PASSES" ] &&
	pass "--flush-tlb: $IPIS call IPIs in $PASSES passes" ||
	fail "--flush-tlb: $IPIS call IPIs in $PASSES passes, want one per pass (and 20 passes)"
ipis_per_pass --no-flush-tlb
expect_eq "--no-flush-tlb: stats flags 2" "$FLAGS_SEEN" 2
[ "$PASSES" -ge 20 ] && [ $((IPIS * 2)) -lt "$PASSES" ] &&
	pass "--no-flush-tlb: $IPIS call IPIs in $PASSES passes" ||
	fail "--no-flush-tlb: $IPIS call IPIs in $PASSES passes, want under half"
# The module's setting (writable parameter) is the default; --flush-tlb
# overrides it.
echo 0 > /sys/module/heapmon/parameters/flush_tlb
expect_eq "flush_tlb=0: sysfs says so" "$(cat /sys/kernel/heapmon/flush_tlb)" 0
ipis_per_pass
expect_eq "the module's default: stats flags 0" "$FLAGS_SEEN" 0
[ "$PASSES" -ge 20 ] && [ $((IPIS * 2)) -lt "$PASSES" ] &&
	pass "flush_tlb=0, no option: $IPIS call IPIs in $PASSES passes" ||
	fail "flush_tlb=0, no option: $IPIS call IPIs in $PASSES passes, want under half"
ipis_per_pass --flush-tlb
[ "$PASSES" -ge 20 ] && [ "$IPIS" -ge "$PASSES" ] &&
	pass "flush_tlb=0 overridden by --flush-tlb: $IPIS call IPIs in $PASSES passes" ||
	fail "flush_tlb=0, --flush-tlb: $IPIS call IPIs in $PASSES passes, want one per pass"
echo 1 > /sys/module/heapmon/parameters/flush_tlb
ipis_per_pass
[ "$PASSES" -ge 20 ] && [ "$IPIS" -ge "$PASSES" ] &&
	pass "flush_tlb=1, no option: $IPIS call IPIs in $PASSES passes" ||
	fail "flush_tlb=1, no option: $IPIS call IPIs in $PASSES passes, want one per pass"
kill $WL
