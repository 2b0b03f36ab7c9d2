# SPDX-License-Identifier: GPL-2.0
# mremap events (new place, length and old place exactly as the program saw
# them), and the event ring overflowing: events_lost counts exactly the
# events overwritten before anyone read them.
start_workload /tmp/w25.out -a mremap,mmaps=700 nothp:2:none
heapmonctl watch $WL -i 100 --detach >/dev/null
wait_passes $WL 2
kill -WINCH $WL
wait_for_line /tmp/w25.out '^moved'
set -- $(sed -n 's/^moved //p' /tmp/w25.out)
old=$1 new=$2 len=$((0x$3))
wait_passes $WL 2
events=$(heapmonctl events $WL --json)
expect_match "mremap event: new address, length and old address" \
	"$(printf '%s\n' "$events" | grep '"kind":"mremap"')" \
	"^\\{\"seq\":[0-9]+,\"time_ns\":[0-9]+,\"kind\":\"mremap\",\"addr\":\"0x$new\",\"addr_int\":$((0x$new)),\"len\":$len,\"old_addr\":\"0x$old\",\"old_addr_int\":$((0x$old))\\}$"
expect_eq "one mremap event" "$(printf '%s\n' "$events" | grep -c '"kind":"mremap"')" 1
expect_match "the moved area is tracked at its new place, all resident" \
	"$(heapmonctl regions $WL --json)" "\"start\":\"0x$new\",\"start_int\":$((0x$new)),\"end\":\"0x[0-9a-f]+\",\"end_int\":[0-9]+,\"kind\":\"anon\",\"size\":$len,\"resident_bytes\":$len,"
st=$(heapmonctl stats $WL --json)
expect_eq "no event lost so far" "$(json_field "$st" events_lost)" 0

# Everything up to here was read (sealed). 700 map-write-unmap rounds make
# at least 1400 events, more than the ring's 1024.
read0=$(printf '%s\n' "$events" | tail -n 1 | sed -n 's/^{"seq":\([0-9]*\),.*/\1/p')
kill -WINCH $WL
wait_for_line /tmp/w25.out '^mmaps'
kill -STOP $WL
heapmonctl events $WL --json > /tmp/e25.json
lost=$(json_field "$(heapmonctl stats $WL --json)" events_lost)
first=$(head -n 1 /tmp/e25.json | sed -n 's/^{"seq":\([0-9]*\),.*/\1/p')
last=$(tail -n 1 /tmp/e25.json | sed -n 's/^{"seq":\([0-9]*\),.*/\1/p')
expect_eq "overflow: the ring holds the newest 1024 events" "$(grep -c . /tmp/e25.json)" 1024
expect_eq "overflow: their seqs have no gap" $((last - first + 1)) 1024
expect_eq "overflow: events_lost is the unread events overwritten (seq $((read0 + 1)) to $((first - 1)))" \
	"$lost" $((first - 1 - read0))
[ "$lost" -ge $((1400 - 1024)) ] && pass "overflow: $lost events lost, at least 1400 - 1024" ||
	fail "overflow: $lost events lost, want at least 376"
n=$(grep -c '"kind":"mmap","addr":"0x[0-9a-f]*","addr_int":[0-9]*,"len":12288}' /tmp/e25.json)
[ "$n" -ge 300 ] && pass "overflow: the newest events are the 12 KiB mappings' ($n mmap events)" ||
	fail "overflow: $n mmap events of 12 KiB among the newest 1024, want at least 300"
heapmonctl unwatch $WL
kill -CONT $WL
kill $WL
