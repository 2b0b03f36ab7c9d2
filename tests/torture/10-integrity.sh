# SPDX-License-Identifier: GPL-2.0
# Data integrity: heapstorm's memory holds what it wrote, and its checksums
# are the same watched (passes every 10 ms) as unwatched. A watched run
# counts only if the watch succeeded and passes ran over the heap. Seed 14
# is watched in adaptive mode, K = 2: page tables idle for two periods go
# dormant and wake on faults, under heapstorm's mremap, munmap and madvise.
# Seeds 15 to 17 in trap mode: up to 4096 (seed 16: 64, so that each pass
# arms from where the last one stopped) of its pages idle for 4 periods
# armed (PROT_NONE) at a time, and its mremap, munmap, madvise, fork and
# exit meet armed pages; seed 17 in adaptive mode too. A trap-mode run
# counts only if armed pages were touched. HEAPSTORM_TRAP_SEEDS adds seeds
# (100 and up) in trap mode, as 15, 16 and 17 by turns (make check-traps).
OPS=${HEAPSTORM_OPS:-400}
for seed in 11 12 13 14 15 16 17 ${HEAPSTORM_TRAP_SEEDS:-}; do
	adaptive=0 trap=
	case $seed in
	14) adaptive=2 ;;
	15) trap="--trap 4096" ;;
	16) trap="--trap 64" ;;
	17) adaptive=2 trap="--trap 4096" ;;
	1[0-9][0-9] | [2-9][0-9][0-9])
		case $((seed % 3)) in
		0) trap="--trap 4096" ;;
		1) trap="--trap 64" ;;
		2) adaptive=2 trap="--trap 4096" ;;
		esac
		;;
	esac
	heapstorm -s $seed -n $OPS > /tmp/hs.ref 2>&1
	refrc=$?
	ref=$(sed -n 's/.* sum //p' /tmp/hs.ref)
	heapstorm -s $seed -n $OPS -p > /tmp/hs.out &
	pid=$!
	heapmonctl watch $pid -i 10 --adaptive $adaptive $trap --detach >/tmp/hs.watch 2>&1
	wrc=$?
	wait $pid
	rc=$?
	got=$(sed -n 's/.* sum //p' /tmp/hs.out)
	# The target has exited but stays watched until unwatched: its counts remain.
	stats=$(heapmonctl stats $pid --json 2>&1)
	passes=$(printf '%s\n' "$stats" | sed -n 's/.*"passes":\([0-9]*\).*/\1/p')
	pages=$(printf '%s\n' "$stats" | sed -n 's/.*"pass_pages":\([0-9]*\).*/\1/p')
	hits=$(printf '%s\n' "$stats" | sed -n 's/.*"trap_hits":\([0-9]*\).*/\1/p')
	heapmonctl unwatch $pid >/dev/null 2>&1
	if [ $refrc -ne 0 ]; then
		# Nothing was watched: the kernel (or the emulator) lost a write.
		fail "seed $seed: the unwatched reference run failed (status $refrc), heapmon watching nothing: $(cat /tmp/hs.ref)"
	elif [ $wrc -ne 0 ] || [ "${passes:-0}" -lt 2 ]; then
		fail "seed $seed: not watched (watch status $wrc: $(cat /tmp/hs.watch); passes '${passes}'; $stats)"
	elif [ -n "$trap" ] && [ "${hits:-0}" -eq 0 ]; then
		fail "seed $seed: $trap: no armed page was touched ($stats)"
	elif [ $rc -eq 0 ] && [ -n "$ref" ] && [ "$got" = "$ref" ]; then
		pass "seed $seed: $(cat /tmp/hs.out); unwatched sum $ref; watched (adaptive $adaptive${trap:+, $trap: $hits armed pages touched}) for $passes passes (last visited $pages page table entries)"
	else
		fail "seed $seed: exit $rc, watched sum '$got', unwatched '$ref': $(cat /tmp/hs.out)"
	fi
done
