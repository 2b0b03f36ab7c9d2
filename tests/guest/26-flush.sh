# SPDX-License-Identifier: GPL-2.0
# The TLB flush after a pass: which watches ask for one (--flush-tlb,
# --no-flush-tlb, the flush_tlb parameter), which CPUs get it (those in the
# target's mm_cpumask, not every CPU), and how often (max_flushes_per_sec
# caps flush rounds machine-wide; passes in between share the next round).
# Counted in /sys/kernel/heapmon: flush_rounds (rounds begun) and flush_cpus
# (CPUs that ran the flush, counted by the flush function itself).
#
# The main target is a busy workload pinned to CPU 1 by taskset before its
# exec: its address space is only ever loaded on CPU 1, so each round
# flushes exactly one CPU, where the old policy (flush_legacy=1) flushes
# both. A round's CPU is counted after its start: at a window's edge the two
# counts may be one apart.
sys=/sys/kernel/heapmon
par=/sys/module/heapmon/parameters
# snap [PID]: the counters and PID's passes, read by one process at once.
snap() {
	cat $sys/flush_rounds $sys/flush_cpus $sys/flush_deferred $sys/flush_stale_passes \
		$sys/targets/${1:-$WL}/passes | tr '\n' ' '
}
# measure SECONDS: counter changes over SECONDS, and WL's passes.
measure() {
	set -- $1 $(snap)
	sleep $1
	shift
	set -- $(snap) "$@"
	ROUNDS=$(($1 - $6)) CPUS=$(($2 - $7)) DEFERRED=$(($3 - $8)) STALE=$(($4 - $9))
	PASSES=$((${5} - ${10}))
}
# watch_half FLAGS...: watches WL at 10 ms for half a second; sets the counts and FLAGS_SEEN.
watch_half() {
	heapmonctl watch $WL -i 10 --detach "$@" >/dev/null
	wait_passes $WL 2
	measure 0.5
	FLAGS_SEEN=$(json_field "$(heapmonctl stats $WL --json)" flags)
	heapmonctl unwatch $WL
}
counts() { echo "$ROUNDS rounds, $CPUS CPUs flushed, $PASSES passes"; }
one_cpu_per_round() {
	[ "$PASSES" -ge 8 ] && [ "$ROUNDS" -ge $((PASSES / 2)) ] &&
		[ "$CPUS" -le $((ROUNDS + 1)) ] && [ "$CPUS" -ge $((ROUNDS - 1)) ] &&
		pass "$1: $(counts)" ||
		fail "$1: $(counts); want a round per pass or two, each flushing the one CPU the target runs on"
}
no_rounds() {
	[ "$PASSES" -ge 8 ] && [ "$ROUNDS" -eq 0 ] && pass "$1: $(counts)" ||
		fail "$1: $(counts); want no round"
}

[ "$(nproc)" -ge 2 ] || fail "flush: the VM has one CPU; these checks need two"
taskset 2 workload -t 0 nothp:1:page4 > /tmp/w26.out &
WL=$!
wait_for_line /tmp/w26.out '^ready'

watch_half --flush-tlb
expect_eq "--flush-tlb: stats flags 1" "$FLAGS_SEEN" 1
one_cpu_per_round "--flush-tlb, target pinned to CPU 1"
watch_half --no-flush-tlb
expect_eq "--no-flush-tlb: stats flags 2" "$FLAGS_SEEN" 2
no_rounds "--no-flush-tlb"
echo 0 > $par/flush_tlb
expect_eq "flush_tlb=0: sysfs says so" "$(cat $sys/flush_tlb)" 0
watch_half
expect_eq "the module's default: stats flags 0" "$FLAGS_SEEN" 0
no_rounds "flush_tlb=0, no option"
watch_half --flush-tlb
one_cpu_per_round "flush_tlb=0 overridden by --flush-tlb"
echo 1 > $par/flush_tlb
echo 1 > $par/flush_legacy
watch_half
[ "$PASSES" -ge 8 ] && [ "$ROUNDS" -ge $((PASSES - 2)) ] && [ "$CPUS" -ge $((2 * ROUNDS - 2)) ] &&
	pass "flush_legacy=1: every pass flushes both CPUs: $(counts)" ||
	fail "flush_legacy=1: $(counts); want a round per pass, on both CPUs"
echo 0 > $par/flush_legacy

# The cap: 4 targets at 10 ms for 3 s, at most one round a second (the
# first may come at once): at most 4 rounds. The passes in between read
# bits no flush covered yet: counted as deferred and stale. The three other
# workloads keep every 4th page hot (every 20 ms): a hot page must not look
# idle for 50 periods.
echo 1 > $par/max_flushes_per_sec
main=$WL
heapmonctl watch $main -i 10 --detach >/dev/null
others=
for i in 1 2 3; do
	start_workload /tmp/w26-$i.out -o /tmp/truth26-$i nothp:1:page4
	others="$others $WL"
	heapmonctl watch $WL -i 10 --detach >/dev/null
done
set -- $others
WL=$1
wait_passes $WL 2
measure 3
[ "$ROUNDS" -gt 0 ] && [ "$ROUNDS" -le 4 ] &&
	pass "max_flushes_per_sec=1: $ROUNDS rounds in 3 s for 4 targets at 10 ms" ||
	fail "max_flushes_per_sec=1: $ROUNDS rounds in 3 s for 4 targets at 10 ms, want 1 to 4"
[ "$DEFERRED" -gt 0 ] && [ "$STALE" -gt 0 ] &&
	pass "max_flushes_per_sec=1: passes deferred ($DEFERRED) and stale ($STALE) are counted" ||
	fail "max_flushes_per_sec=1: $DEFERRED passes deferred, $STALE stale; want both counted"
per_sec=$(cat $sys/flushes_per_sec)
[ "$per_sec" -le 1 ] && pass "flushes_per_sec at the cap: $per_sec" ||
	fail "flushes_per_sec $per_sec over a cap of 1"
expect_match "status --json shows the cap and the counts" "$(heapmonctl status --json)" \
	'"flush":\{"max_per_sec":1,"per_sec":[01],"rounds":[0-9]+,"cpus":[0-9]+,"deferred":[0-9]+,"stale_passes":[0-9]+\}'
heapmonctl pages $WL --json > /tmp/pages26.json
result=$(classify /tmp/truth26-1 50 1 < /tmp/pages26.json) &&
	pass "hot pages under the cap never look idle: $result" ||
	fail "hot pages under the cap: $result (want 1 for all four)"

# 0 never flushes; raising the cap again sends the waiting round.
echo 0 > $par/max_flushes_per_sec
measure 0.5
[ "$ROUNDS" -eq 0 ] && [ "$STALE" -gt 0 ] &&
	pass "max_flushes_per_sec=0: no round, $STALE stale passes" ||
	fail "max_flushes_per_sec=0: $ROUNDS rounds, $STALE stale passes; want none and some"
echo 100 > $par/max_flushes_per_sec
measure 0.5
[ "$ROUNDS" -gt 0 ] && pass "max_flushes_per_sec=100 again: $ROUNDS rounds" ||
	fail "max_flushes_per_sec=100 again: no round"
for p in $others; do
	heapmonctl unwatch $p
	kill $p
done
heapmonctl unwatch $main
kill $main

# The parameter's limits.
for bad in 1001 -1 abc; do
	run sh -c "echo $bad > $par/max_flushes_per_sec"
	[ "$RC" -ne 0 ] && [ "$(cat $par/max_flushes_per_sec)" = 100 ] &&
		pass "max_flushes_per_sec=$bad is refused" ||
		fail "max_flushes_per_sec=$bad: status $RC, value now $(cat $par/max_flushes_per_sec)"
done
expect_match "a refused max_flushes_per_sec says why in dmesg" "$(dmesg | tail -n 1)" \
	'heapmon: max_flushes_per_sec must be a number from 0 to 1000'
echo 1000 > $par/max_flushes_per_sec
expect_eq "max_flushes_per_sec=1000 is the most allowed" "$(cat $sys/max_flushes_per_sec)" 1000
rmmod heapmon
run insmod /lib/heapmon/heapmon.ko max_flushes_per_sec=1001
expect_eq "max_flushes_per_sec=1001 is refused at load" "$([ $RC -ne 0 ] && echo refused)" refused
insmod /lib/heapmon/heapmon.ko
