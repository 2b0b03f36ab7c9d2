# SPDX-License-Identifier: GPL-2.0
# A dump of a 256 MiB heap's pages is complete and consistent, even while
# passes keep changing the data (every 100 ms).
start_workload /tmp/w15.out -o /tmp/truth15 nothp:256:page8
heapmonctl watch $WL -i 100 --detach >/dev/null
wait_passes $WL 3
heapmonctl pages $WL --json > /tmp/pages15.json
rc=$?
expect_eq "pages dump of 256 MiB: exit status" "$rc" 0
if result=$(classify /tmp/truth15 1000000 0 < /tmp/pages15.json) &&
   printf '%s' "$result" | grep -q 'unreported 0$'; then
	pass "every one of the 65536 pages is in the dump: $result"
else
	fail "256 MiB dump: $result"
fi
expect_eq "no page twice" "$(sed -n 's/.*"addr":"\([^"]*\)".*/\1/p' /tmp/pages15.json | sort | uniq -d | wc -l)" 0
heapmonctl unwatch $WL
kill $WL
