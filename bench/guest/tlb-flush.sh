# SPDX-License-Identifier: GPL-2.0
# The TLB flush after a pass, on and off, on hot-page workloads: how many hot
# pages heapmon sees as hot, and what a pass costs. Runs alternate (A B A B
# ...) in one boot.
#
#   large: 64 MiB in 4 KiB pages, every other page written every 20 ms
#   small: 1 MiB in 4 KiB pages, every 4th page written in a busy loop, a
#          hot set small enough to live in the TLB
. /work/bench/guest/lib.sh
REPS=${REPS:-5}
rm -f /tmp/b.*
run_one() { # SCENARIO MODE TOUCH_MS SPEC
	start_workload /tmp/wl.out -t $3 -o /tmp/truth $4
	heapmonctl watch $WL -i 200 --$2 --detach >/dev/null
	wait_passes $WL 12
	heapmonctl pages $WL --json > /tmp/pages.json
	stats=$(heapmonctl stats $WL --json)
	heapmonctl unwatch $WL
	kill $WL
	wait $WL 2>/dev/null
	set -- $1.$2 $(classify /tmp/truth 5 0 < /tmp/pages.json | sed \
		's/.*hot [0-9]* pages: precision \([0-9.]*\) recall \([0-9.]*\); cold [0-9]* pages: precision \([0-9.]*\) recall \([0-9.]*\).*/\1 \2 \3 \4/')
	echo "$3" >> /tmp/b.$1.hot_recall
	echo "$4" >> /tmp/b.$1.cold_precision
	echo $(($(json_field "$stats" pass_ns) * 1000 / $(json_field "$stats" pass_pages))) \
		>> /tmp/b.$1.ns_per_1000
}
i=0
while [ $i -lt $REPS ]; do
	for mode in flush-tlb no-flush-tlb; do
		run_one large $mode 20 nothp:64:page2
		run_one small $mode 0 nothp:1:page4
	done
	i=$((i + 1))
done
echo "interval 200 ms, 12 passes, a page is cold when idle >= 5 periods; $REPS runs each"
for s in large small; do
	for mode in flush-tlb no-flush-tlb; do
		summary "$s, $mode: hot pages seen hot (recall)" /tmp/b.$s.$mode.hot_recall
		summary "$s, $mode: cold calls that are right (precision)" \
			/tmp/b.$s.$mode.cold_precision
		summary "$s, $mode: pass ns per 1000 pages" /tmp/b.$s.$mode.ns_per_1000
	done
	f=$(median < /tmp/b.$s.flush-tlb.ns_per_1000)
	n=$(median < /tmp/b.$s.no-flush-tlb.ns_per_1000)
	echo "$s: pass cost ratio, flush / no flush: $(awk "BEGIN { printf \"%.2f\", $f / $n }")"
done
