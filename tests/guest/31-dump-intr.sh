# SPDX-License-Identifier: GPL-2.0
# REGIONS dumps read slowly (small messages, a pause before every recv), for
# 5 s, while the target's region set grows by 400 mappings and shrinks back
# at once from one pass to the next: a dump that comes back short (without
# the sentinel, the last region of every complete dump) must be flagged
# NLM_F_DUMP_INTR, and heapmonctl, which retries such dumps, must print
# complete lists.
# slow_dumps WHOLE GENLSEND-ARGS...: for 5 s, dumps read slowly with genlsend;
# WHOLE (given genlsend's output words) says whether a dump came back whole.
# Sets dumps, cut (not whole), silent (cut and not flagged), flagged, bad.
slow_dumps() {
	local whole=$1 out args
	shift
	args=$*		# words without spaces: set -- below reuses "$@"
	dumps=0 cut=0 silent=0 flagged=0 bad= end=$(($(date +%s) + 5))
	while [ "$(date +%s)" -lt $end ]; do
		out=$(genlsend -d -b 4096 -s 15 $args)
		dumps=$((dumps + 1))
		case $out in
		ok*) ;;
		*) bad=$out; break ;;
		esac
		set -- $out
		[ "$8" = intr ] && flagged=$((flagged + 1))
		if ! $whole "$@"; then
			cut=$((cut + 1))
			[ "$8" = intr ] || silent=$((silent + 1))
		fi
	done
}

mapchurn 400 20 /sys/kernel/heapmon/targets > /tmp/churn29.out &
CH=$!
wait_for_line /tmp/churn29.out '^sentinel'
sentinel=$(sed -n 's/^sentinel //p' /tmp/churn29.out)
heapmonctl watch $CH -i 200 --detach >/dev/null
wait_passes $CH 2
# A whole REGIONS dump ends with the sentinel.
regions_whole() { [ "$7" = "$sentinel" ]; }
# CMD_REGIONS 5, A_PID 8; items: A_REGION 13, their REGION_A_START 2.
slow_dumps regions_whole -i 13 -k 2 5 8:u32:$CH
short=$cut
expect_eq "slow REGIONS dumps all answered" "$bad" ""
expect_eq "no dump short without NLM_F_DUMP_INTR ($short short, $flagged flagged of $dumps)" \
	"$silent" 0
[ $short -ge 1 ] && pass "the shrinking set cut $short of $dumps slow dumps short" ||
	fail "no slow dump was cut short ($flagged of $dumps flagged): the case was not exercised"
ok=0
for i in 1 2 3 4 5; do
	heapmonctl regions $CH --json > /tmp/regions29.json 2>&1 &&
		[ "$(sed -n 's/.*"start":"\([^"]*\)".*/\1/p' /tmp/regions29.json | tail -n 1)" = "$sentinel" ] &&
		ok=$((ok + 1))
done
expect_eq "heapmonctl regions under churn: complete every time" "$ok" 5
heapmonctl unwatch $CH
kill $CH

# The same for PAGES, which reads the record store a few chunks at a time:
# 24 mappings of 1 MiB, 2 MiB apart (a chunk each), come and go below the
# sentinel's at every pass, mapped from the top down and unmapped at once.
# Every state a pass can see is the sentinel's chunk and the M highest
# mappings' chunks (a pass may come mid-way through the mapping): a dump of
# their range whose chunks are not such a run (some low ones without the
# ones above: the store shrank under it) must be flagged.
mapchurn 24 20 /sys/kernel/heapmon/targets 2048 1024 > /tmp/churn29.out &
CH=$!
wait_for_line /tmp/churn29.out '^sentinel'
sentinel=$(sed -n 's/^sentinel //p' /tmp/churn29.out)
heapmonctl watch $CH -i 200 --detach >/dev/null
wait_passes $CH 2
lo=$((sentinel - 24 * 2097152)) hi=$((sentinel + 4096))
# A whole PAGES dump ends with the sentinel's chunk and starts right below a
# run of the mappings' chunks, 2 MiB apart.
pages_whole() { [ "$7" = "$sentinel" ] && [ $((${10})) -eq $((sentinel - ($4 - 1) * 2097152)) ]; }
# CMD_PAGES 6, A_PID 8, A_ADDR_START 15, A_ADDR_END 16; items: A_CHUNK 18.
slow_dumps pages_whole -i 18 -k 2 6 8:u32:$CH 15:u64:$lo 16:u64:$hi
torn=$cut
expect_eq "slow PAGES dumps all answered" "$bad" ""
expect_eq "no torn PAGES dump without NLM_F_DUMP_INTR ($torn torn, $flagged flagged of $dumps)" \
	"$silent" 0
[ $torn -ge 1 ] && pass "the changing store tore $torn of $dumps slow PAGES dumps" ||
	fail "no slow PAGES dump was torn ($flagged of $dumps flagged): the case was not exercised"
ok=0
for i in 1 2 3 4 5; do
	# The 1 MiB units of the pages (the hex address less its last 5 digits):
	# the sentinel's and, 2 MiB apart, those of the M highest mappings.
	mibs=$(heapmonctl pages $CH --start $lo --end $hi --json |
		sed -n 's/.*"addr":"\(0x[0-9a-f]*\)[0-9a-f]\{5\}".*/\1/p' | uniq)
	n=$(printf '%s\n' "$mibs" | grep -c .)
	top=$(($(printf '%s\n' "$mibs" | tail -n 1))) low=$(($(printf '%s\n' "$mibs" | head -n 1)))
	[ $top -eq $((sentinel >> 20)) ] && [ $low -eq $((top - 2 * (n - 1))) ] &&
		ok=$((ok + 1))
done
expect_eq "heapmonctl pages under churn: of one shape every time" "$ok" 5
heapmonctl unwatch $CH
kill $CH
