# SPDX-License-Identifier: GPL-2.0
# Resource limits: what a target costs follows what is resident, not what is
# reserved; max_target_pages, max_total_pages and max_memory_mb hold, with a
# clear count of what they left out.
chunks() { awk '$1 == "heapmon_chunk" { print $2 }' /proc/slabinfo; }

# 64 GiB reserved, one page written in every 64 MiB: 1024 resident pages.
start_workload /tmp/w17.out sparse:65536:64
heapmonctl watch $WL -i 200 --detach >/dev/null
wait_passes $WL 2
st=$(heapmonctl stats $WL --json)
tracked=$(json_field "$st" tracked_bytes)
resident=$(json_field "$st" resident_bytes)
n=$(chunks)
kib=$((n * 2208 / 1024))
[ "$tracked" -ge $((64 << 30)) ] && pass "64 GiB reserved and tracked ($tracked bytes)" ||
	fail "tracked $tracked, want >= 64 GiB"
[ "$resident" -ge $((1024 * 4096)) ] && [ "$resident" -lt $((1100 * 4096)) ] &&
	pass "1024 pages resident ($resident bytes)" || fail "resident $resident, want about 1024 pages"
# One 2208-byte chunk per 2 MiB span that holds a resident page: 1024 and a
# few for the process's other memory (slabinfo counts whole slabs, so a
# little more); one per reserved span would be 32768.
[ "$n" -ge 1024 ] && [ "$n" -lt 2048 ] &&
	pass "heapmon keeps $n chunks ($kib KiB) for 1024 resident pages in 64 GiB reserved (32768 spans)" ||
	fail "$n chunks for 1024 resident pages in 64 GiB, want 1024 to 2047"
pass_ns=$(json_field "$st" pass_ns)
echo "# a pass over the 64 GiB reservation took $((pass_ns / 1000)) us"
heapmonctl unwatch $WL
kill $WL

# max_target_pages: a target with 2048 pages, a limit of 1000.
unload_module
insmod /lib/heapmon/heapmon.ko max_target_pages=1000 max_total_pages=3000
start_workload /tmp/w17a.out nothp:8:page1
a=$WL
heapmonctl watch $a -i 100 --detach >/dev/null
wait_passes $a 2
st=$(heapmonctl stats $a --json)
res=$(json_field "$st" resident_bytes)
untracked=$(json_field "$st" untracked_pages)
[ $((res / 4096)) -eq 1000 ] &&
	pass "max_target_pages=1000 holds exactly: $((res / 4096)) pages tracked" ||
	fail "max_target_pages=1000: $((res / 4096)) pages tracked, want 1000"
[ "$untracked" -ge 1048 ] && pass "the pages left out are counted: $untracked untracked" ||
	fail "untracked_pages $untracked, want >= 1048"

# max_total_pages: three such targets share 3000.
start_workload /tmp/w17b.out nothp:8:page1
b=$WL
start_workload /tmp/w17c.out nothp:8:page1
c=$WL
heapmonctl watch $b -i 100 --detach >/dev/null
heapmonctl watch $c -i 100 --detach >/dev/null
wait_passes $c 3
total=0
for p in $a $b $c; do
	total=$((total + $(json_field "$(heapmonctl stats $p --json)" resident_bytes) / 4096))
done
[ "$total" -eq 3000 ] &&
	pass "max_total_pages=3000 holds exactly over three targets: $total pages" ||
	fail "max_total_pages=3000: $total pages tracked over three targets, want 3000"
kill $a $b $c

# max_total_pages with many passes at once: 16 targets grow by 2 MiB of
# small pages every 100 ms each, watched every 20 ms, so that their passes
# run together as the limit of 10000 pages is reached. It must hold exactly
# (each pass checks and counts in one step; checking first and counting at
# the end of each 2 MiB span let concurrent passes through the same gap).
unload_module
insmod /lib/heapmon/heapmon.ko max_total_pages=10000
many=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	start_workload /tmp/w17t$i.out -g 2048 nothp:1:none
	kill -STOP $WL
	many="$many $WL"
done
for p in $many; do
	heapmonctl watch $p -i 20 --detach >/dev/null
done
kill -CONT $many
sleep 2
kill -STOP $many
for p in $many; do
	wait_passes $p 2
done
total=0
untracked=0
for p in $many; do
	st=$(heapmonctl stats $p --json)
	total=$((total + $(json_field "$st" resident_bytes) / 4096))
	untracked=$((untracked + $(json_field "$st" untracked_pages)))
done
[ "$total" -eq 10000 ] &&
	pass "max_total_pages=10000 holds exactly over 16 growing targets passing at once: $total pages" ||
	fail "max_total_pages=10000: $total pages tracked over 16 growing targets, want 10000"
[ "$untracked" -gt 0 ] &&
	pass "the pages left out are counted: $untracked untracked" ||
	fail "untracked_pages $untracked over 16 targets, want > 0"
kill -CONT $many
kill $many

# max_memory_mb: a sparse heap needs a 2 KiB chunk per resident page; 1 MiB
# holds fewer than 500. 2 GiB reserved, one page written in every 2 MiB.
unload_module
insmod /lib/heapmon/heapmon.ko max_memory_mb=1
start_workload /tmp/w17m.out sparse:2048:2
heapmonctl watch $WL -i 200 --detach >/dev/null
wait_passes $WL 2
st=$(heapmonctl stats $WL --json)
mem=$(cat /sys/kernel/heapmon/memory_bytes)
pages=$(($(json_field "$st" resident_bytes) / 4096))
untracked=$(json_field "$st" untracked_pages)
[ "$mem" -le $((1 << 20)) ] && [ "$mem" -gt $(((1 << 20) - 4096)) ] &&
	pass "max_memory_mb=1 holds: $mem bytes of records" ||
	fail "max_memory_mb=1: $mem bytes of records"
[ "$pages" -lt 500 ] && [ $((pages + untracked)) -ge 1024 ] &&
	pass "what did not fit is counted: $pages pages tracked, $untracked untracked" ||
	fail "max_memory_mb=1: $pages pages tracked, $untracked untracked"
expect_match "STATUS reports the same memory" "$(heapmonctl status --json)" \
	"\"max_memory_mb\":1,\"memory_bytes\":$mem,"
heapmonctl unwatch $WL
kill $WL
expect_eq "unwatching gives it all back" "$(cat /sys/kernel/heapmon/memory_bytes)" 0
unload_module
load_module
