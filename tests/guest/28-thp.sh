# SPDX-License-Identifier: GPL-2.0
# A transparent huge page split, then collapsed again: its pages carry on
# with its record (age, idle, touched) instead of starting afresh.
# thp:4:none: two huge pages written once before the watch, then never.
start_workload /tmp/w28.out -a split,collapse thp:4:none
heapmonctl watch $WL -i 100 --detach >/dev/null
wait_passes $WL 8
heapmonctl pages $WL --json | grep '"size":2097152,' > /tmp/p28a.json
huge=$(grep -c . /tmp/p28a.json)
expect_eq "two huge pages before the split" "$huge" 2
age0=$(sed -n 's/.*"age":\([0-9]*\).*/\1/p' /tmp/p28a.json | sort -n | head -n 1)
kill -WINCH $WL
wait_for_line /tmp/w28.out '^split' ||
	fail "the workload did not say split in 30 s: '$(tail -n 3 /tmp/w28.out | tr '\n' ' ')'"
wait_passes $WL 2
p=$(passes $WL)
heapmonctl pages $WL --json > /tmp/p28b.json 2> /tmp/p28b.err ||
	fail "pages --json after the split: status $?: $(head -c 300 /tmp/p28b.err)"
# The two huge pages' 2 MiB spans, each without its first 4 KiB page.
small=0 carried=0
for start in $(sed -n 's/.*"addr":"0x\([0-9a-f]*\)".*/\1/p' /tmp/p28a.json); do
	s=$((0x$start))
	small=$((small + $(awk -v s=$s -v e=$((s + 2097152)) -F'"' '
		{ a = 0; for (i = 3; i <= length($4); i++) a = a * 16 + index("0123456789abcdef", substr($4, i, 1)) - 1 }
		a >= s && a < e && /"size":4096,/ { n++ } END { print n + 0 }' /tmp/p28b.json)))
	carried=$((carried + $(awk -v s=$s -v e=$((s + 2097152)) -v min=$((age0 + 2)) -F'"' '
		{ a = 0; for (i = 3; i <= length($4); i++) a = a * 16 + index("0123456789abcdef", substr($4, i, 1)) - 1 }
		a >= s && a < e && /"size":4096,"touched":0,/ {
			match($0, /"idle":[0-9]+/); idle = substr($0, RSTART + 7, RLENGTH - 7)
			match($0, /"age":[0-9]+/); age = substr($0, RSTART + 6, RLENGTH - 6)
			if (age + 0 >= min && idle == age) n++
		} END { print n + 0 }' /tmp/p28b.json)))
done
expect_eq "split: 1022 small pages where the two huge pages were" "$small" 1022
if [ "$small" != 1022 ]; then
	# What the dump held instead, and what the kernel says of the area.
	echo "# after the split, at pass $p (now $(passes $WL)): $(grep -c '"addr"' /tmp/p28b.json) records;" \
		"sizes: $(grep -o '"size":[0-9]*' /tmp/p28b.json | sort | uniq -c | tr '\n' ' ')"
	echo "# huge pages before: $(tr '\n' ' ' < /tmp/p28a.json | cut -c 1-400)"
	echo "# AnonHugePages: $(awk '/^AnonHugePages:/ { s += $2 } END { print s + 0 }' /proc/$WL/smaps) kB;" \
		"thp_split_pmd $(awk '$1 == "thp_split_pmd" { print $2 }' /proc/vmstat);" \
		"thp_split_page $(awk '$1 == "thp_split_page" { print $2 }' /proc/vmstat)"
fi
expect_eq "split: each carries the huge page's record (age >= $((age0 + 2)), never touched)" "$carried" 1022

kill -WINCH $WL
wait_for_line /tmp/w28.out '^collapse'
expect_eq "MADV_COLLAPSE succeeded" "$(sed -n 's/^collapse //p' /tmp/w28.out)" 0
wait_passes $WL 2
heapmonctl pages $WL --json | grep '"size":2097152,' > /tmp/p28c.json
expect_eq "collapse: two huge pages again" "$(grep -c . /tmp/p28c.json)" 2
p=$(passes $WL)
age1=$(sed -n 's/.*"age":\([0-9]*\).*/\1/p' /tmp/p28c.json | sort -n | head -n 1)
[ "${age1:-0}" -ge $((age0 + 4)) ] &&
	pass "collapse: the huge pages carry their small pages' age ($age1 at pass $p; $age0 before the split)" ||
	fail "collapse: youngest huge page age '$age1' at pass $p, want >= $((age0 + 4)) (carried)"
heapmonctl unwatch $WL
kill $WL
