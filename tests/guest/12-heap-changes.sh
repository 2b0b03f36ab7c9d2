# SPDX-License-Identifier: GPL-2.0
# Heap changes during a watch: what is unmapped or shrunk leaves the
# statistics, and growth shows up in events.
start_workload /tmp/w12.out -o /tmp/truth12 brk:8:page1 nothp:8:page1
heapmonctl watch $WL -i 100 --detach >/dev/null
wait_passes $WL 3
# Resident bytes include the process's own small heap (stdio, TLS) besides
# the workload's areas: allow 1 MiB for it.
expect_between() {
	[ "$2" -ge "$3" ] && [ "$2" -le "$4" ] && pass "$1 ($2)" || fail "$1: $2 not in [$3, $4]"
}
before=$(heapmonctl stats $WL --json)
expect_between "16 MiB resident before" "$(json_field "$before" resident_bytes)" \
	$((16 << 20)) $((17 << 20))

kill -USR1 $WL
wait_for_line /tmp/w12.out '^shrunk'
wait_passes $WL 3
after=$(heapmonctl stats $WL --json)
expect_between "half of it after munmap and brk shrink" \
	"$(json_field "$after" resident_bytes)" $((8 << 20)) $((9 << 20))
heapmonctl pages $WL --json > /tmp/pages12.json
if result=$(classify /tmp/truth12 1 1.0 < /tmp/pages12.json); then
	pass "the pages left are exactly the ones still mapped, none given back: $result"
else
	fail "pages after shrinking: $result"
fi
events=$(heapmonctl events $WL --json)
expect_match "munmap event" "$events" '"kind":"munmap"'
expect_match "brk shrink event" "$events" '"kind":"brk_shrink","addr":"0x[0-9a-f]+","len":4194304'

first_before=$(json_field "$after" first_faults)
kill -USR2 $WL
wait_for_line /tmp/w12.out '^grown'
wait_passes $WL 3
events=$(heapmonctl events $WL --json)
expect_match "brk grow event" "$events" '"kind":"brk_grow","addr":"0x[0-9a-f]+","len":4194304'
expect_match "mmap event" "$events" '"kind":"mmap","addr":"0x[0-9a-f]+","len":6291456'
expect_match "first-touch fault events" "$events" '"kind":"fault"'
grown=$(heapmonctl stats $WL --json)
expect_between "growth is tracked" "$(json_field "$grown" resident_bytes)" \
	$((16 << 20)) $((17 << 20))
first=$(($(json_field "$grown" first_faults) - first_before))
[ "$first" -ge 1024 ] && pass "first-touch faults counted ($first for 8 MiB, 4 MiB of it in 4 KiB pages)" ||
	fail "first-touch faults: $first, want >= 1024"
heapmonctl regions $WL --json > /tmp/regions12.json
expect_eq "one brk region" "$(grep -c '"kind":"brk"' /tmp/regions12.json)" 1
regfaults=0
for f in $(sed -n 's/.*"faults":\([0-9]*\).*/\1/p' /tmp/regions12.json); do
	regfaults=$((regfaults + f))
done
[ "$regfaults" -gt 0 ] && pass "faults are counted per region ($regfaults)" ||
	fail "no faults counted per region"
heapmonctl unwatch $WL
kill $WL
