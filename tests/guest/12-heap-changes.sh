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
expect_match "brk shrink event" "$events" '"kind":"brk_shrink","addr":"0x[0-9a-f]+","addr_int":[0-9]+,"len":4194304'

expect_eq "all six probes are active on this kernel, none missed a hit" \
	"$(grep -c ' active, missed 0$' /sys/kernel/heapmon/probes)" 6
# A reader may ask for events from any seq on, the largest too: it gets none,
# and the ring goes on as before (adjacent first-touch faults that nobody has
# read are still merged into one event, below).
run genlsend -d 7 8:u32:$WL 19:u64:0xffffffffffffffff
expect_eq "events from seq 2^64-1: none" "$OUT" "ok 0 messages"

first_before=$(json_field "$after" first_faults)
kill -USR2 $WL
wait_for_line /tmp/w12.out '^grown'
wait_passes $WL 3
events=$(heapmonctl events $WL --json)
expect_match "brk grow event" "$events" '"kind":"brk_grow","addr":"0x[0-9a-f]+","addr_int":[0-9]+,"len":4194304'
expect_match "mmap event" "$events" '"kind":"mmap","addr":"0x[0-9a-f]+","addr_int":[0-9]+,"len":6291456'
expect_match "first-touch faults on adjacent pages make one event" "$events" \
	'"kind":"fault","addr":"0x[0-9a-f]+","addr_int":[0-9]+,"len":[1-9][0-9]{5,}'
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

# events --follow prints new events as they happen (the multicast group) and
# ends with the target's exit.
start_workload /tmp/w12f.out -g 64 mmap:1:page1
heapmonctl watch $WL -i 100 --detach >/dev/null
wait_passes $WL 2
kill -STOP $WL
heapmonctl events $WL --follow --json > /tmp/follow12.json &
follower=$!
sleep 1
before=$(grep -c '"kind":"fault"' /tmp/follow12.json)
kill -CONT $WL
sleep 2
after=$(grep -c '"kind":"fault"' /tmp/follow12.json)
[ "$after" -gt "$before" ] && pass "events --follow: $((after - before)) new fault events as they happened" ||
	fail "events --follow: no new events ($before before, $after after)"
kill $WL
i=0
while kill -0 $follower 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $follower 2>/dev/null; then
	kill $follower
	fail "events --follow did not end when its target exited"
else
	pass "events --follow ends when its target exits"
fi
expect_match "its last event is the exit" "$(tail -n 1 /tmp/follow12.json)" '"kind":"exit"'
heapmonctl unwatch $WL
