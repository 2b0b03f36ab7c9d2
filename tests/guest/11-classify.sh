# SPDX-License-Identifier: GPL-2.0
# Workloads with known access schedules, watched at once: heapmon's per-page
# classification must match them page by page.
#
# Each workload writes all its pages once, then keeps writing its hot pages
# every 20 ms; the watch starts after that first write. After 15 periods of
# 200 ms a cold page has idle >= 14, so a page reported with idle >= 5 is
# classified cold, any other hot. Precision and recall must be exactly 1 for
# both classes. The only race is at a period's edge: a pass that clears a
# hot page's bit just after a write sees it set again 20 ms later, so a hot
# page reads idle 0 or 1, never 5 (that would take 1 s without a single
# write: a workload not running at all), and a cold page, never written after
# the watch started, cannot read less than 14. One wrong page in 4096 fails.
COLD_MIN=5
MIN=1
for spec in brk:16:block2 mmap:16:block3 thp:16:block2 nothp:16:page4; do
	kind=${spec%%:*}
	start_workload /tmp/w11-$kind.out -o /tmp/truth-$kind $spec
	eval "pid_$kind=$WL"
	heapmonctl watch $WL -i 200 --detach >/dev/null
done
for kind in brk mmap thp nothp; do
	eval "pid=\$pid_$kind"
	wait_passes $pid 15
done
for kind in brk mmap thp nothp; do
	eval "pid=\$pid_$kind"
	heapmonctl pages $pid --json > /tmp/pages-$kind.json
	if result=$(classify /tmp/truth-$kind $COLD_MIN $MIN < /tmp/pages-$kind.json); then
		pass "$kind heap: $result"
	else
		fail "$kind heap: $result (want $MIN for all four)"
	fi
done

huge() { json_field "$(heapmonctl stats $1 --json)" huge_bytes; }
thp_huge=$(huge $pid_thp)
nothp_huge=$(huge $pid_nothp)
[ "$thp_huge" -gt 0 ] && pass "THP region is reported in huge pages ($thp_huge bytes)" ||
	fail "THP region has no huge pages"
expect_eq "MADV_NOHUGEPAGE region has no huge pages" "$nothp_huge" 0
expect_match "a huge page is dumped as one 2 MiB page" \
	"$(grep -m 1 '"size":2097152' /tmp/pages-thp.json)" '"size":2097152,'
expect_eq "no huge page in the MADV_NOHUGEPAGE dump" \
	"$(grep -c '"size":2097152' /tmp/pages-nothp.json)" 0

# The idle filter returns exactly the pages with idle >= N.
n_all=$(grep -c . /tmp/pages-nothp.json)
n_cold=$(heapmonctl pages $pid_nothp --idle-min $COLD_MIN --json | grep -c .)
n_hot=$(grep -c '"idle":[0-4],' /tmp/pages-nothp.json)
expect_eq "pages --idle-min $COLD_MIN keeps the cold pages only" "$n_cold" $((n_all - n_hot))

for kind in brk mmap thp nothp; do
	eval "pid=\$pid_$kind"
	heapmonctl unwatch $pid
	kill $pid
done
