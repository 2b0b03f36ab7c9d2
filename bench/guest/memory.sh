# SPDX-License-Identifier: GPL-2.0
# Part 4: heapmon's kernel memory per tracked page, and how fast its per-page
# report comes out. On a 512 MiB heaphold (4 KiB pages), REPS times: the drop
# in MemFree from before `watch` to after its second pass, per tracked page
# (everything heapmon allocates for the target, measured from outside), and
# the bytes of the objects heapmon keeps its per-page records in (its
# heapmon_chunk slab cache, from /proc/slabinfo: active objects times their
# size); then
# `heapmonctl pages --json` to /dev/null, timed, in pages per second, and
# its time over the last pass's time on the same heap.
. /work/bench/guest/lib.sh
MIB=${MEM_MIB:-512}
rm -f /tmp/m.*
memfree_kb() { awk '/^MemFree:/ { print $2 }' /proc/meminfo; }
# The bytes of heapmon's per-page chunks in use.
chunk_bytes() { awk '$1 == "heapmon_chunk" { print $2 * $4 }' /proc/slabinfo; }
progress "part 4: kernel memory and dump rate, $MIB MiB heap"
start_prog /tmp/hold.out heaphold $MIB 200
pid=$BG
i=0
while [ $i -lt $REPS ]; do
	sync
	sleep 1
	f0=$(memfree_kb)
	c0=$(chunk_bytes)
	heapmonctl watch $pid -i 500 --detach >/dev/null
	wait_passes $pid 2
	f1=$(memfree_kb)
	c1=$(chunk_bytes)
	s=$(heapmonctl stats $pid --json)
	pages=$(($(json_field "$s" resident_bytes) / 4096))
	calc "($f0 - $f1) * 1024 / $pages" >> /tmp/m.bytes
	calc "($f0 - $f1) * 1024 / $pages / 4096" >> /tmp/m.bytes.ratio
	if [ -n "$c1" ]; then
		calc "(${c1:-0} - ${c0:-0}) / $pages" >> /tmp/m.slab
		calc "(${c1:-0} - ${c0:-0}) / $pages / 4096" >> /tmp/m.slab.ratio
	fi
	r=$(timeit /dev/null heapmonctl pages $pid --json)
	calc "$pages / ($(field ns "$r") / 1e9)" >> /tmp/m.rate
	calc "$(field ns "$r") / $(json_field "$s" pass_ns)" >> /tmp/m.rate.ratio
	heapmonctl unwatch $pid >/dev/null
	i=$((i + 1))
done
stop_prog $pid
row 4 "kernel memory per tracked page (MemFree drop), $MIB MiB" "bytes/page" /tmp/m.bytes \
	/tmp/m.bytes.ratio "the page's 4096 bytes"
if [ -s /tmp/m.slab ]; then
	row 4 "per-page records per tracked page (heapmon_chunk objects), $MIB MiB" "bytes/page" \
		/tmp/m.slab /tmp/m.slab.ratio "the page's 4096 bytes"
else
	row_na 4 "per-page records per tracked page (heapmon_chunk objects)" "no /proc/slabinfo"
fi
row 4 "heapmonctl pages --json to /dev/null, $MIB MiB" "pages/s" /tmp/m.rate \
	/tmp/m.rate.ratio "one pass's time (dump time / pass time)"
