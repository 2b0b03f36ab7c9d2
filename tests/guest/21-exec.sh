# SPDX-License-Identifier: GPL-2.0
# A target that execs: the module drops every record of the old address
# space, starts its pass count again (the next pass is a new baseline), says
# so with one exec event, and goes on watching the same PID.
start_workload /tmp/w21.out -a mmaps=2,exec=nothp:2:none nothp:8:page2
heapmonctl watch $WL -i 100 --detach >/dev/null
wait_passes $WL 12
before=$(passes $WL)
oldage=$(heapmonctl pages $WL --json | sed -n 's/.*"age":\([0-9]*\).*/\1/p' | sort -n | tail -n 1)
# Two mappings made and unmapped: four events before the exec.
kill -WINCH $WL
wait_for_line /tmp/w21.out '^mmaps'
kill -WINCH $WL
i=0
while [ "$(grep -c '^ready' /tmp/w21.out)" -lt 2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
i=0
while ! heapmonctl events $WL --json | grep -q '"kind":"exec"' && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait_passes $WL 4
after=$(passes $WL)
events=$(heapmonctl events $WL --json)
expect_eq "exec: one exec event" "$(printf '%s\n' "$events" | grep -c '"kind":"exec"')" 1
expect_match "exec: the events before it are kept, numbered on" \
	"$(printf '%s\n' "$events" | grep '"kind":"exec"')" '^\{"seq":([5-9]|[1-9][0-9]+),'
# Only passes since the exec count: the pass count started again from 0.
[ "$after" -lt "$before" ] && [ "$after" -ge 4 ] &&
	pass "exec: the pass count started again ($before before, $after now)" ||
	fail "exec: $before passes before the exec, $after now: want fewer, at least 4"
maxage=$(heapmonctl pages $WL --json | sed -n 's/.*"age":\([0-9]*\).*/\1/p' | sort -n | tail -n 1)
# Read after the dump: a page seen at every pass since the exec has age
# passes - 1 (the baseline pass gives age 0).
after=$(passes $WL)
[ "${maxage:-99}" -lt "$after" ] && [ "$oldage" -ge 10 ] &&
	pass "exec: no record survives it (oldest page age $maxage after $after passes; $oldage before)" ||
	fail "exec: oldest page age '$maxage' after $after passes since the exec ($oldage before)"
regions=$(heapmonctl regions $WL --json)
expect_eq "exec: the old image's 8 MiB area is gone" \
	"$(printf '%s\n' "$regions" | grep -c '"size":8388608,')" 0
expect_match "exec: the new image's 2 MiB area is tracked, all of it resident" "$regions" \
	'"size":2097152,"resident_bytes":2097152,'
expect_eq "exec: still watched, running" "$(cat /sys/kernel/heapmon/targets/$WL/state)" running
heapmonctl unwatch $WL
kill $WL
