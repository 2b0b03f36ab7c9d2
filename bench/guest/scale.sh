# SPDX-License-Identifier: GPL-2.0
# Part 6 (make bench-scale): heaps from 64 MiB to the largest the VM holds,
# with 1 GiB hot and the rest cold, the case adaptive mode is for. For each
# heap size S (SCALE_SIZES, MiB; default 64, 1024, 4096 and 8192, which needs
# a VM of 10 GiB or more), `workload` maps S MiB of small pages, writes them
# all once, then writes every (S / 1024)th 2 MiB block again every 20 ms:
# 1 GiB hot (all of it up to 1 GiB), the rest never touched again. On that heap, in turn, REPS times:
#   heapmon every pass: the mean pass_ns of 3 passes at the default period
#     of 1 s, which is its CPU time per second (the pass is all its work);
#   heapmon --adaptive K (SCALE_K, default 8): once the cold spans are
#     dormant (K + 2 passes after the watch began), pass_ns summed over 2K
#     passes and divided by their 2K seconds;
#   DAMON at its default intervals (5 ms samples, 100 ms aggregation, 10 to
#     1000 regions): kdamond's CPU time per second (6.12; 6.1 has no DAMON).
#   clear_refs + smaps: a pass (as in part 1) 1 s after a baseline one, per
#     page, and its ratio to heapmon's pass per page (above 1 it costs more).
# Ratios are taken within one repetition. Once per size, under --adaptive:
# heapmon's page dump against the workload's truth (hot: idle 0 or 1; cold:
# idle 2 or more), and the warm-up delay: the workload reads every page
# once (SIGHUP), and the passes from then until no page is idle for 10
# periods or more are counted (at most K by design). Also the memory per
# tracked page: the module's chunk bytes (STATUS memory_bytes) over tracked
# pages.
. /work/bench/guest/lib.sh
. /work/bench/guest/damon.sh
SIZES=${SCALE_SIZES:-64 1024 4096 8192}
K=${SCALE_K:-8}
rm -f /tmp/s6.*

have_damon=0
damon_available && have_damon=1

# pass_ns_over PID N: pass_ns of the next N passes, one per line.
pass_ns_over() {
	local want=$(($(passes $1) + $2)) s p last=0
	while [ "$(passes $1)" -lt $want ]; do
		s=$(heapmonctl stats $1 --json)
		p=$(json_field "$s" passes)
		if [ "$p" != "$last" ] && [ "$p" -gt $((want - $2)) ]; then
			echo "$p $(json_field "$s" pass_ns) $(json_field "$s" pass_pages)"
			last=$p
		fi
		sleep 0.2
	done
}

# The bytes of heapmon's per-page records, as the module counts them (its
# chunks; /proc/slabinfo's active objects would count chunks freed since
# that wait in per-CPU slabs).
chunk_bytes() { json_field "$(heapmonctl status --json)" memory_bytes; }

for mib in $SIZES; do
	pages=$((mib * 256))
	n=$((mib / 1024))
	[ $n -ge 1 ] || n=1
	h="$mib MiB, $((mib / n)) MiB hot"
	progress "part 6: $mib MiB heap, every ${n}th 2 MiB block hot"
	workload -t 20 -o /tmp/s6.truth nothp:$mib:block$n > /tmp/s6.w &
	wl=$!
	i=0
	while ! grep -q '^ready' /tmp/s6.w 2>/dev/null && [ $i -lt 12000 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	r=0
	while [ $r -lt $REPS ]; do
		heapmonctl watch $wl --detach >/dev/null
		wait_passes $wl 2
		pass_ns_over $wl 3 > /tmp/s6.full
		heapmonctl unwatch $wl >/dev/null
		full=$(awk '{ s += $2 } END { printf "%.0f", s / NR }' /tmp/s6.full)
		echo "$full" >> /tmp/s6.$mib.full
		calc "$full / $pages" >> /tmp/s6.$mib.fullpage
		# clear_refs + smaps on the same heap: a baseline pass, one 1 s later timed.
		peerscan refs $wl >/dev/null
		sleep 1
		v=$(calc "$(field ns "$(peerscan refs $wl)") / $pages")
		echo "$v" >> /tmp/s6.$mib.refs
		calc "$v / ($full / $pages)" >> /tmp/s6.$mib.refs.ratio

		heapmonctl watch $wl --adaptive $K --detach >/dev/null
		wait_passes $wl $((K + 2))
		if [ $r = 0 ]; then
			echo "$(chunk_bytes) $(json_field "$(heapmonctl stats $wl --json)" resident_bytes)" \
				> /tmp/s6.mem
		fi
		pass_ns_over $wl $((2 * K)) > /tmp/s6.adapt
		adapt=$(awk '{ s += $2 } END { printf "%.0f", s / NR }' /tmp/s6.adapt)
		echo "$adapt" >> /tmp/s6.$mib.adapt
		calc "$adapt / $full" >> /tmp/s6.$mib.adapt.ratio
		awk '{ s += $3 } END { printf "%.0f\n", s / NR }' /tmp/s6.adapt >> /tmp/s6.$mib.visited
		if [ $r = 0 ]; then
			heapmonctl pages $wl --json > /tmp/s6.pages
			classify /tmp/s6.truth 2 0 < /tmp/s6.pages > /tmp/s6.class
			progress "part 6: $mib MiB: $(cat /tmp/s6.class)"
			sed -n 's/^hot [0-9]* pages: precision [0-9.]* recall \([0-9.]*\).*/\1/p' \
				/tmp/s6.class >> /tmp/s6.$mib.recall
			sed -n 's/.*cold [0-9]* pages: precision \([0-9.]*\) .*/\1/p' \
				/tmp/s6.class >> /tmp/s6.$mib.coldprec
			# Warm-up: every page read once, then passes until none is idle 10+.
			kill -HUP $wl
			wait_for_line /tmp/s6.w '^reread'
			p0=$(passes $wl)
			i=0
			# (the C library's few pages outside the heap stay idle: < 1 MiB)
			while [ "$(json_field "$(heapmonctl stats $wl --json)" idle10_bytes)" -ge 1048576 ] &&
			      [ $i -lt 600 ]; do
				sleep 0.2
				i=$((i + 1))
			done
			echo $(($(passes $wl) - p0)) >> /tmp/s6.$mib.warm
		fi
		heapmonctl unwatch $wl >/dev/null

		if [ $have_damon = 1 ]; then
			v=$(damon_cpu_per_s $wl 5000 100000 10 1000 3 5)
			echo "$v" >> /tmp/s6.$mib.damon
			calc "$v / $adapt" >> /tmp/s6.$mib.damon.ratio
		fi
		r=$((r + 1))
	done
	stop_prog $wl
	row 6 "heapmon every pass, $h" "CPU ns/s" /tmp/s6.$mib.full
	row 6 "heapmon every pass, $h: pass cost per page" "ns/page" /tmp/s6.$mib.fullpage
	row 6 "clear_refs + smaps pass, $h" "ns/page" /tmp/s6.$mib.refs \
		/tmp/s6.$mib.refs.ratio "heapmon every pass"
	row 6 "heapmon --adaptive $K, $h" "CPU ns/s" /tmp/s6.$mib.adapt \
		/tmp/s6.$mib.adapt.ratio "heapmon every pass"
	row 6 "heapmon --adaptive $K, $h: pages visited per pass" "pages" /tmp/s6.$mib.visited
	row 6 "heapmon --adaptive $K, $h: hot recall" "" /tmp/s6.$mib.recall
	row 6 "heapmon --adaptive $K, $h: cold precision" "" /tmp/s6.$mib.coldprec
	row 6 "heapmon --adaptive $K, $h: passes until every page read again is seen" \
		"passes" /tmp/s6.$mib.warm
	awk '{ printf "%.4f\n", $1 / ($2 / 4096) }' /tmp/s6.mem > /tmp/s6.$mib.mem
	row 6 "per-page records per tracked page (chunks), $mib MiB" "bytes/page" \
		/tmp/s6.$mib.mem
	if [ $have_damon = 1 ]; then
		row 6 "DAMON default intervals, $h" "CPU ns/s" /tmp/s6.$mib.damon \
			/tmp/s6.$mib.damon.ratio "heapmon --adaptive $K"
	else
		row_na 6 "DAMON, $mib MiB" "no CONFIG_DAMON_SYSFS in this kernel"
	fi
done
