# SPDX-License-Identifier: GPL-2.0
# HEAPMON_CMD_SLICES against a known schedule and against heapmonctl's own
# sums. Two 8 MiB areas, written once before the watch (so its baseline pass
# sees every page untouched), whose 2 MiB blocks then are hot (written every
# 20 ms) and cold (never touched again) in turn: nothp (small pages) and thp
# (huge pages). Per 2 MiB slice: 512 resident pages, all never touched in a
# cold block and none in a hot one; hottest '.' in a cold block, '#' or '+'
# (idle 0 or 1) in a hot one. Then slicecheck compares the module's slices
# with hm_heat_slices() on a PAGES dump of the same pass, slice by slice, for
# slice counts that do not divide the range, a range whose ends cut huge
# pages (and are not page-aligned), and one across both areas and the gap.
# Bad requests get an exact errno and message.
t0=$(date +%s)
start_workload /tmp/w36.out -o /tmp/t36 nothp:8:block2 thp:8:block2
heapmonctl watch $WL -i 200 --detach >/dev/null
wait_passes $WL 4
a1=$((0x$(sed -n 1p /tmp/t36 | cut -d' ' -f2)))
e1=$((0x$(sed -n 4p /tmp/t36 | cut -d' ' -f3)))
a2=$((0x$(sed -n 5p /tmp/t36 | cut -d' ' -f2)))
e2=$((0x$(sed -n 8p /tmp/t36 | cut -d' ' -f3)))
# The truth of an area's four blocks: "never" and "hottest" as slicecheck prints them.
truth() {
	sed -n "$1,$2p" /tmp/t36 | awk '
		{ nev = nev " " ($1 == "hot" ? 0 : 512); hot = hot ($1 == "hot" ? "[#+]" : "\\.") }
		END { printf "never%s\nhottest .%s.\n", nev, hot }'
}
for area in "1 $a1 $e1 nothp" "5 $a2 $e2 thp"; do
	set -- $area
	slicecheck $WL $2 $3 4 > /tmp/s36 2>&1
	expect_match "$4, 4 slices: the module agrees with hm_heat_slices() on the same pass" \
		"$(head -n 1 /tmp/s36)" '^n 4 pass [0-9]+ same$'
	expect_eq "$4, 4 slices: 512 resident pages each" "$(grep ^resident /tmp/s36)" \
		"resident 512 512 512 512"
	want=$(truth $1 $(($1 + 3)))
	expect_eq "$4, 4 slices: never touched per the schedule" "$(grep ^never /tmp/s36)" \
		"$(printf '%s\n' "$want" | sed -n 1p)"
	expect_match "$4, 4 slices: hottest per the schedule" "$(grep ^hottest /tmp/s36 | tr "'" .)" \
		"^$(printf '%s\n' "$want" | sed -n 2p)\$"
	expect_eq "$4: swapped none" "$(grep ^swapped /tmp/s36)" "swapped 0 0 0 0"
done
huge=$(grep ^huge /tmp/s36 | cut -d' ' -f2)
expect_eq "thp: its four 2 MiB blocks are huge pages" "$huge" 4

# Slice counts that do not divide the range: units straddle slice boundaries.
slicecheck $WL $a1 $e1 3 7 256 > /tmp/s36 2>&1
expect_eq "nothp in 3, 7 and 256 slices: the same as hm_heat_slices()" \
	"$(grep '^n ' /tmp/s36 | sed 's/ pass [0-9]*//' | tr '\n' ' ')" "n 3 same n 7 same n 256 same "
expect_eq "nothp in 3 slices: 683 683 682 pages" "$(grep ^resident /tmp/s36 | head -n 1)" \
	"resident 683 683 682"
# Both ends inside huge pages, neither page-aligned: 4 MiB + 123 - 12 KiB.
s=$((a2 + 1048576 + 12288 + 5)) e=$((a2 + 5242880 + 123))
slicecheck $WL $s $e 5 13 256 > /tmp/s36 2>&1
expect_eq "a range cutting huge pages in 5, 13 and 256 slices: the same" \
	"$(grep '^n ' /tmp/s36 | sed 's/ pass [0-9]*//' | tr '\n' ' ')" "n 5 same n 13 same n 256 same "
sum=0
for r in $(grep ^resident /tmp/s36 | head -n 1 | cut -d' ' -f2-); do
	sum=$((sum + r))
done
expect_eq "the cut range: 253 + 512 + 257 units of 4 KiB resident" "$sum" 1022
lo=$((a1 < a2 ? a1 : a2)) hi=$((e1 > e2 ? e1 : e2))
slicecheck $WL $lo $hi 97 > /tmp/s36 2>&1
expect_match "both areas and the gap in 97 slices: the same" "$(head -n 1 /tmp/s36)" \
	'^n 97 pass [0-9]+ same$'

# Bad requests (HEAPMON_CMD_SLICES is 10; SLICE_COUNT is 32).
run genlsend 10 8:u32:$WL 15:u64:$a1 16:u64:$e1 32:u32:0
expect_eq "0 slices" "$OUT" "error EINVAL: the slice count must be 1 to 256 (HEAPMON_SLICES_MAX)"
run genlsend 10 8:u32:$WL 15:u64:$a1 16:u64:$e1 32:u32:257
expect_eq "257 slices" "$OUT" "error EINVAL: the slice count must be 1 to 256 (HEAPMON_SLICES_MAX)"
run genlsend 10 8:u32:$WL 15:u64:$e1 16:u64:$e1 32:u32:4
expect_eq "start = end" "$OUT" "error EINVAL: the address range is empty: start must be below end"
run genlsend 10 8:u32:$WL 15:u64:$e1 16:u64:$a1 32:u32:4
expect_eq "start > end" "$OUT" "error EINVAL: the address range is empty: start must be below end"
run genlsend 10 8:u32:$WL 15:u64:$a1 32:u32:4
expect_eq "no end" "$OUT" "error EINVAL: ADDR_START, ADDR_END and SLICE_COUNT are required"
run genlsend 10 8:u32:1 15:u64:$a1 16:u64:$e1 32:u32:4
expect_eq "an unwatched PID" "$OUT" "error ENOENT: the process is not watched"
heapmonctl unwatch $WL
kill $WL
echo "# 36-slices: $(($(date +%s) - t0)) s"
