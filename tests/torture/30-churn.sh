# SPDX-License-Identifier: GPL-2.0
# Torture, bounded in time: many targets while processes fork, exec and
# exit and heaps change the whole time under memory pressure with swap;
# concurrent dumps of dying targets; unwatch and rewatch in a loop; the
# module unloaded and reloaded in the middle. Then: every heapstorm found
# its memory intact, and the module still answers.
SECS=${TORTURE_SECONDS:-40}
setup_swap 256 && pass "swap on zram" || fail "no swap"
# A hog written once (cold) takes all the available memory and 16 MiB more,
# so that whatever the churn allocates must be reclaimed from somewhere:
# the pressure does not depend on how fast the churn runs (the debug kernel
# runs it a third as fast as 6.1).
avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
hog_mib=$((avail / 1024 + 16))
start_workload /tmp/hog.out nothp:$hog_mib:none
hog=$WL
echo "# available ${avail} kB, hog ${hog_mib} MiB"
swapped_out=$(swap_outs)
end=$(($(date +%s) + SECS))
rm -f /tmp/churn.*

# Churn: heapstorms (which fork checkers) start, get watched, and exit.
(
	i=0
	while [ $(date +%s) -lt $end ]; do
		heapstorm -s $((100 + i)) -n 120 -m 256 -p > /tmp/churn.out.$i 2>&1 &
		heapmonctl watch $! -i 10 --detach >/dev/null 2>&1 && echo x >> /tmp/churn.watched
		sh -c 'exec workload mmap:2:page1' > /dev/null &
		w=$!
		heapmonctl watch $w -i 10 --detach >/dev/null 2>&1 && echo x >> /tmp/churn.watched
		sleep 0.3
		kill $w
		echo x >> /tmp/churn.spawned
		i=$((i + 1))
	done
	wait
) &
churn=$!

# Dumpers: two clients dumping whatever is watched, as targets die.
for d in 1 2; do
	(
		while [ $(date +%s) -lt $end ]; do
			for p in $(ls /sys/kernel/heapmon/targets 2>/dev/null); do
				heapmonctl pages $p --json > /dev/null 2>&1
				heapmonctl events $p > /dev/null 2>&1
				heapmonctl regions $p > /dev/null 2>&1
				echo x >> /tmp/churn.dumps
			done
			sleep 0.1
		done
	) &
done

# Unwatch and rewatch in a loop; exited targets are cleaned up.
(
	while [ $(date +%s) -lt $end ]; do
		for p in $(ls /sys/kernel/heapmon/targets 2>/dev/null); do
			heapmonctl unwatch $p >/dev/null 2>&1
			kill -0 $p 2>/dev/null && heapmonctl watch $p -i 10 --detach >/dev/null 2>&1 &&
				echo x >> /tmp/churn.rewatch
		done
		sleep 0.2
	done
) &

# Reload the module in the middle, twice. rmmod refuses (EAGAIN) while a
# dump holds the module: try again until it goes.
sleep $((SECS / 3))
for r in 1 2; do
	i=0
	while ! rmmod heapmon 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	module_loaded || echo x >> /tmp/churn.reload
	load_module
	sleep $((SECS / 4))
done
wait $churn
kill $hog
wait

count() { cat "$1" 2>/dev/null | wc -l; }
# A heapstorm that printed nothing was killed (the OOM killer, under this
# pressure); one that printed must have found its memory intact.
total=$(ls /tmp/churn.out.* | wc -l)
done_ok=$(grep -l ' 0 mismatches' /tmp/churn.out.* 2>/dev/null | wc -l)
bad=$(grep -l 'mismatch' /tmp/churn.out.* 2>/dev/null | xargs grep -L ' 0 mismatches' 2>/dev/null | wc -l)
killed=$((total - done_ok - bad))
oom=$(dmesg | grep -c 'Out of memory: Killed process')
oom_hs=$(dmesg | grep -c 'Out of memory: Killed process [0-9]* (heapstorm)')
segv=$(dmesg | grep -E 'heapstorm|workload' | grep -cE 'segfault|general protection|trap ')
for f in $(grep -l 'mismatch' /tmp/churn.out.* | xargs grep -L ' 0 mismatches'); do
	echo "# $f: $(cat "$f")"
done
expect_eq "heapstorms with a corrupted heap ($total started, $done_ok finished intact, $killed killed, $oom OOM kills in all)" "$bad" 0
[ "$done_ok" -gt 0 ] && pass "heapstorms finished under torture: $done_ok" ||
	fail "no heapstorm finished"
# A heapstorm that printed nothing must have been killed by the OOM killer,
# never by a fault of its own.
[ "$killed" -le "$oom_hs" ] && pass "heapstorms killed: $killed, OOM kills of heapstorms: $oom_hs" ||
	fail "$killed heapstorms ended without a result but only $oom_hs were OOM kills"
expect_eq "faults of the test programs in dmesg" "$segv" 0
rounds=$(count /tmp/churn.spawned)
watched=$(count /tmp/churn.watched)
[ "$rounds" -gt 0 ] && [ "$watched" -ge "$rounds" ] &&
	pass "churned $rounds rounds ($((2 * rounds)) processes plus forks, $watched watches succeeded), $(count /tmp/churn.dumps) dump rounds, $(count /tmp/churn.rewatch) rewatches" ||
	fail "churn: $rounds rounds, but only $watched of $((2 * rounds)) watches succeeded"
expect_eq "module reloads in the middle of the churn" "$(count /tmp/churn.reload)" 2
swapped_out=$(($(swap_outs) - swapped_out))
[ "$swapped_out" -gt 0 ] && pass "pages swapped out during the torture: $swapped_out" ||
	fail "no page was swapped out: the torture missed reclaim"
run heapmonctl status --json
expect_match "the module still answers" "$OUT" "\"protocol\":$(cat /sys/kernel/heapmon/protocol)"
for p in $(ls /sys/kernel/heapmon/targets 2>/dev/null); do
	heapmonctl unwatch $p >/dev/null 2>&1
done
expect_eq "no target left" "$(cat /sys/kernel/heapmon/target_count)" 0
