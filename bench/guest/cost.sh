# SPDX-License-Identifier: GPL-2.0
# Part 1: the cost of one full access-bit pass, per resident page, over a
# 64 MiB, 256 MiB and 1 GiB heap (heaphold: 4 KiB pages, every page written
# again every 100 ms). A pass's cost depends on how many pages it finds
# accessed, so every measured pass comes at least GAP seconds (longer than
# one sweep of the heap) after the previous one: it finds every page
# accessed. On the same heap, in turn, REPS times:
#   heapmon: the last pass's pass_ns (watching at GAP, after 2 passes);
#   clear_refs + smaps: write 1 to clear_refs, read smaps (peerscan refs);
#   idle page tracking: pagemap + page_idle bitmap (peerscan idle);
#   DAMON: kdamond's CPU time per second, at its default intervals (5 ms
#   samples, 100 ms aggregation, 10 to 1000 regions) and with as many
#   regions as it takes to check as many pages per second as the heap has
#   (one heapmon period, 1 s, covers the heap).
# A peer's pass is run twice, GAP seconds apart, and the second one timed:
# the first sets the baseline. The rows give the share of the heap each
# measured pass found accessed. Per-page figures divide by the heap's pages. For DAMON, CPU ns
# per second divided by the heap's pages is the cost per page of one period
# of heapmon's default 1 s: the same unit as a pass's cost per page.
. /work/bench/guest/lib.sh
. /work/bench/guest/damon.sh
SIZES=${SIZES:-64 256 1024}
rm -f /tmp/c.*

have_idle=0
[ -w /sys/kernel/mm/page_idle/bitmap ] && have_idle=1
have_damon=0
damon_available && have_damon=1

# peer_pass KIND: a peerscan pass (the baseline), another GAP seconds later,
# timed: its cost per page, its ratio to heapmon's ($hm) and its share found
# accessed go to /tmp/c.$mib.KIND*.
peer_pass() {
	local r v
	peerscan $1 $pid >/dev/null
	sleep $gap
	r=$(peerscan $1 $pid)
	v=$(calc "$(field ns "$r") / $pages")
	echo "$v" >> /tmp/c.$mib.$1
	calc "$v / $hm" >> /tmp/c.$mib.$1.ratio
	calc "$(field accessed "$r") / $pages" >> /tmp/c.$mib.$1.acc
}

for mib in $SIZES; do
	pages=$((mib * 256))
	progress "part 1: $mib MiB heap"
	start_prog /tmp/hold.out heaphold $mib 100
	pid=$BG
	cover=$(damon_cover_regions $pages 1000 5000)
	# GAP: twice one sweep of the heap, at least 1 s
	t0=$(uptime_s)
	wait_sweeps /tmp/hold.out 2
	gap=$(awk -v a=$t0 -v b=$(uptime_s) 'BEGIN { g = b - a; print (g < 1) ? 1 : int(g + 0.999) }')
	progress "part 1: $mib MiB heap: passes $gap s apart"
	i=0
	while [ $i -lt $REPS ]; do
		heapmonctl watch $pid -i $((gap * 1000)) --detach >/dev/null
		wait_passes $pid 2
		s=$(heapmonctl stats $pid --json)
		heapmonctl unwatch $pid >/dev/null
		hm=$(calc "$(json_field "$s" pass_ns) / $pages")
		echo "$hm" >> /tmp/c.$mib.heapmon
		calc "$(json_field "$s" touched_bytes) / 4096 / $pages" >> /tmp/c.$mib.heapmon.acc

		peer_pass refs
		[ $have_idle = 1 ] && peer_pass idle
		if [ $have_damon = 1 ]; then
			v=$(calc "$(damon_cpu_per_s $pid 5000 100000 10 1000 1 3) / $pages")
			echo "$v" >> /tmp/c.$mib.damon
			calc "$v / $hm" >> /tmp/c.$mib.damon.ratio
			v=$(calc "$(damon_cpu_per_s $pid 5000 1000000 $cover $cover 2 3) / $pages")
			echo "$v" >> /tmp/c.$mib.damoncover
			calc "$v / $hm" >> /tmp/c.$mib.damoncover.ratio
		fi
		i=$((i + 1))
	done
	stop_prog $pid
	row 1 "heapmon pass, $mib MiB" "ns/page" /tmp/c.$mib.heapmon
	row 1 "heapmon pass, $mib MiB: share of the heap found accessed" "" /tmp/c.$mib.heapmon.acc
	row 1 "clear_refs + smaps pass, $mib MiB" "ns/page" /tmp/c.$mib.refs \
		/tmp/c.$mib.refs.ratio "heapmon pass"
	row 1 "clear_refs + smaps pass, $mib MiB: share of the heap found accessed" "" \
		/tmp/c.$mib.refs.acc
	if [ $have_idle = 1 ]; then
		row 1 "page_idle pass, $mib MiB" "ns/page" /tmp/c.$mib.idle \
			/tmp/c.$mib.idle.ratio "heapmon pass"
		row 1 "page_idle pass, $mib MiB: share of the heap found accessed" "" \
			/tmp/c.$mib.idle.acc
	else
		row_na 1 "page_idle pass, $mib MiB" "no CONFIG_IDLE_PAGE_TRACKING in this kernel"
	fi
	if [ $have_damon = 1 ]; then
		row 1 "DAMON default intervals, $mib MiB" "CPU ns/page/s" /tmp/c.$mib.damon \
			/tmp/c.$mib.damon.ratio "heapmon pass"
		row 1 "DAMON covering the heap each 1 s ($cover regions), $mib MiB" \
			"CPU ns/page/s" /tmp/c.$mib.damoncover /tmp/c.$mib.damoncover.ratio "heapmon pass"
	else
		row_na 1 "DAMON, $mib MiB" "no CONFIG_DAMON_SYSFS in this kernel"
	fi
done

# Growth: per-page cost on the largest heap over the smallest, repetition by
# repetition (1.0: cost grows in proportion to the heap).
set -- $SIZES
small=$1
eval "large=\${$#}"
for tool in heapmon refs idle damon damoncover; do
	[ -s /tmp/c.$small.$tool ] || continue
	[ -s /tmp/c.$large.$tool ] || continue
	paste /tmp/c.$large.$tool /tmp/c.$small.$tool | awk '{ printf "%.4g\n", $1 / $2 }' \
		> /tmp/c.growth.$tool
	case $tool in
	heapmon) name="heapmon pass" ;;
	refs) name="clear_refs + smaps pass" ;;
	idle) name="page_idle pass" ;;
	damon) name="DAMON default intervals" ;;
	damoncover) name="DAMON covering the heap each 1 s" ;;
	esac
	row 1 "$name: per-page cost, $large MiB over $small MiB" "ratio" /tmp/c.growth.$tool
done
