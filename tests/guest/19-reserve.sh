# SPDX-License-Identifier: GPL-2.0
# A pass never allocates with reclaim under the target's mmap lock: it takes
# chunks from a reserve filled before it takes the lock, and when the reserve
# runs out it drops the lock, refills and goes on from the page it stopped at.
# With a reserve of one chunk, a heap that grows by 8 MiB spans at a time
# forces that path on every pass, and every page must still have its record.
# (On the debug kernel, a lockdep assertion in the refill proves it never
# runs under the lock: a WARNING fails the run. With the refill moved back
# under the lock on purpose, this test's checks still pass and the debug
# run fails: lockdep_assert_not_held WARNINGs, tests/vm/run status 100.)
unload_module
insmod /lib/heapmon/heapmon.ko prealloc_chunks=1
expect_eq "loaded with a reserve of one chunk" "$(cat /sys/module/heapmon/parameters/prealloc_chunks)" 1

# 32 MiB of small pages (16 spans) at the start, then 4 MiB more every
# 100 ms (-g 4096): new spans on every pass.
start_workload /tmp/w18.out -g 4096 nothp:32:page1
heapmonctl watch $WL -i 200 --detach >/dev/null
wait_passes $WL 4
kill -STOP $WL
wait_passes $WL 2
st=$(heapmonctl stats $WL --json)
retries=$(cat /sys/kernel/heapmon/targets/$WL/alloc_retries)
res=$(json_field "$st" resident_bytes)
untracked=$(json_field "$st" untracked_pages)
rss=$(awk '/^RssAnon:/ { print $2 * 1024 }' /proc/$WL/status)
[ "$retries" -ge 16 ] &&
	pass "the reserve ran out and was refilled outside the lock $retries times" ||
	fail "alloc_retries $retries with a reserve of one chunk, want >= 16"
expect_eq "no page left untracked" "$untracked" 0
# Every anonymous resident page of the process has its record (RssAnon also
# counts the few pages of mappings heapmon does not track, and 6.1 updates
# it in batches of 64 pages per thread: within 256 KiB).
[ "$res" -le $((rss + 262144)) ] && [ "$res" -ge $((rss - 262144)) ] && [ "$res" -ge $((40 << 20)) ] &&
	pass "every page has its record: $res bytes tracked, RssAnon $rss" ||
	fail "resident_bytes $res, RssAnon $rss (want within 256 KiB, and >= 40 MiB)"
kill -CONT $WL
heapmonctl unwatch $WL
kill $WL

unload_module
load_module
