# SPDX-License-Identifier: GPL-2.0
# stress-ng's memory stressors with --verify, every stress-ng process watched.
if ! command -v stress-ng >/dev/null; then
	fail "stress-ng is not in the VM"
	return 0 2>/dev/null || exit 0
fi
# Half the torture budget: 20 s on 6.1 and 6.12, 60 s on the debug kernel,
# whose stressors start slowly enough that 20 s could end before each was
# watched.
SECS=${STRESS_SECONDS:-$((${TORTURE_SECONDS:-40} / 2))}
# Small sizes: each bogo operation maps, fills and checks the whole size, and
# under emulation 32 MiB gave mmap 2 operations in 20 s.
timeout -s KILL $((SECS + 120)) stress-ng --vm 1 --vm-bytes 8M --mmap 1 --mmap-bytes 4M --brk 1 --mremap 1 \
	--mremap-bytes 4M --malloc 1 --fork 1 --verify --timeout ${SECS}s \
	--metrics-brief > /tmp/stress.out 2>&1 &
sng=$!
watched=0
rm -f /tmp/stress.seen
while kill -0 $sng 2>/dev/null; do
	for p in $(pidof stress-ng); do
		# A worker renames itself after its fork: note its name every round.
		echo "$p $(cat /proc/$p/comm 2>/dev/null)" >> /tmp/stress.seen
		[ -d /sys/kernel/heapmon/targets/$p ] && continue
		# Every other one in adaptive mode (K = 2): dormant page tables under
		# stress; and two in four in trap mode: armed pages under stress.
		trap=
		[ $((watched % 4)) -ge 2 ] && trap="--trap 4096"
		heapmonctl watch $p -i 20 --adaptive $((watched % 2 * 2)) $trap --detach >/dev/null 2>&1 &&
			watched=$((watched + 1))
	done
	sleep 0.5
done
wait $sng
rc=$?
fails=$(grep -ci 'fail' /tmp/stress.out)
# Bogo operations per stressor, each one verified: "vm 9860, brk 22564, ...".
ops=$(awk '/metrc:/ && $5 ~ /^[0-9]+$/ && $6 ~ /^[0-9.]+$/ { printf "%s%s %s", sep, $4, $5; sep = ", " }' \
	/tmp/stress.out)
if [ $rc -eq 0 ] && [ "$fails" -eq 0 ]; then
	pass "stress-ng vm, mmap, brk, mremap, malloc, fork with --verify: 0 failures, $watched processes watched, bogo ops verified: $ops"
else
	fail "stress-ng exit $rc, $fails failure lines: $(grep -i fail /tmp/stress.out | head -n 5)"
fi
# Every stressor must have been watched: a process of each, with passes
# over its heap (exited targets keep their counts until unwatched).
for s in vm mmap brk mremap malloc fork; do
	best=0 why=
	# comm is cut to 15 characters: stress-ng-mrema, stress-ng-mallo.
	name=$(printf '%.15s' "stress-ng-$s")
	for p in $(awk -v n="$name" '$2 == n { print $1 }' /tmp/stress.seen | sort -u); do
		n=$(cat /sys/kernel/heapmon/targets/$p/passes 2>/dev/null || echo 0)
		[ "$n" -gt "$best" ] && best=$n
		# Why not: the target's own account (skipped_passes), or not watched at all.
		st=$(heapmonctl stats $p --json 2>&1 | sed -n 's/.*"passes":\([0-9]*\).*"skipped_passes":\([0-9]*\).*/passes \1, skipped \2/p')
		why="$why pid $p: ${st:-not watched};"
	done
	[ "$best" -ge 2 ] && pass "stressor $s watched: $best passes over its heap" ||
		fail "stressor $s was not watched with passes over its heap ($why)"
done
for p in $(ls /sys/kernel/heapmon/targets); do
	heapmonctl unwatch $p >/dev/null 2>&1
done
