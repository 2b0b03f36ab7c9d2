# SPDX-License-Identifier: GPL-2.0
# PID namespaces: a PID is read, and shown, in the caller's namespace; a
# caller inside a namespace sees only the targets that live there.
rm -f /tmp/ns.*
unshare -p -f sh -c 'workload mmap:1:page1 > /tmp/ns.out & echo $! > /tmp/ns.inner; wait' &
unshare=$!
wait_for_line /tmp/ns.out '^ready'
inner=$(cat /tmp/ns.inner)
# cat, not awk, reads the stat files: busybox awk gives up at the first file
# that vanished (a process reaped meanwhile), and a comm may hold spaces.
children_of() {
	cat /proc/[0-9]*/stat 2>/dev/null | sed -n 's/^\([0-9]*\) .*) . \([0-9]*\) .*/\1 \2/p' |
		awk -v p="$1" '$2 == p { print $1 }'
}
# unshare forks the namespace's init, which started the workload.
nsinit=$(children_of $unshare | head -n 1)
outer=$(children_of $nsinit | head -n 1)
[ -n "$nsinit" ] && [ -n "$outer" ] ||
	fail "no namespaced workload: unshare $unshare, its child '$nsinit', grandchild '$outer'"
inside() { nsenter -t "$nsinit" -p -- "$@"; }
start_workload /tmp/ns-out.out mmap:1:page1
outsider=$WL
echo "# the namespaced workload is $inner inside, $outer outside; an outsider is $outsider"

heapmonctl watch $outer --detach >/dev/null
heapmonctl watch $outsider --detach >/dev/null
expect_match "from the initial namespace: listed by its outer PID" \
	"$(heapmonctl list --json)" "\"pid\":$outer,"
run inside heapmonctl list --json
expect_eq "from inside: only the target that lives there, by its inner PID" "$OUT" \
	"[{\"pid\":$inner,\"state\":\"running\",\"interval_ms\":1000}]"
run inside heapmonctl status --json
expect_match "from inside: the count covers every target" "$OUT" '"target_count":2,'
run inside heapmonctl stats $inner --json
expect_match "from inside: stats by the inner PID" "$OUT" "^\\{\"pid\":$inner,"
run inside heapmonctl stats $outsider
expect_match "from inside: a target outside is not there" "$OUT" "the process is not watched"
expect_eq "sysfs names the target by its PID in the initial namespace" \
	"$(ls /sys/kernel/heapmon/targets | grep -c "^$outer$")" 1

heapmonctl unwatch $outer
run inside heapmonctl watch $inner --detach
expect_eq "from inside: watch by the inner PID" "$RC" 0
expect_match "and the initial namespace sees it by the outer PID" "$(heapmonctl list --json)" \
	"\"pid\":$outer,"
run inside heapmonctl unwatch $inner
expect_eq "from inside: unwatch by the inner PID" "$RC" 0
heapmonctl unwatch $outsider
kill $outsider $outer
