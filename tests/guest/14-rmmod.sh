# SPDX-License-Identifier: GPL-2.0
# rmmod while several targets are watched and passes are running.
pids=
for i in 1 2 3 4; do
	start_workload /tmp/w14-$i.out thp:32:block2 nothp:16:page2
	pids="$pids $WL"
	heapmonctl watch $WL -i 10 --detach >/dev/null
done
wait_passes $WL 5
run rmmod heapmon
expect_eq "rmmod with 4 targets and 10 ms passes" "$RC" 0
expect_eq "no sysfs tree left" "$(ls /sys/kernel/heapmon 2>/dev/null | wc -l)" 0
alive=0
for p in $pids; do
	kill -0 $p 2>/dev/null && alive=$((alive + 1))
done
expect_eq "the targets live on" "$alive" 4
kill $pids

# The probes go in with the first watch that succeeds, not with a request
# that fails: a wrong PID must not leave six kprobes on every page fault of
# the machine. (Loaded without hm-arm-probes, which arms them with a watch.)
command insmod /lib/heapmon/heapmon.ko
heapmonctl watch $(($(cat /proc/sys/kernel/pid_max) - 1)) --detach >/dev/null 2>&1
heapmonctl watch 2 --detach >/dev/null 2>&1
expect_eq "after two watches that failed, no probe is in" \
	"$(grep -c ' active' /sys/kernel/heapmon/probes)" 0
hm-arm-probes
expect_eq "after a watch that succeeded, the probes are in" \
	"$(grep -c ' active' /sys/kernel/heapmon/probes)" \
	"$(grep -vc ' unavailable' /sys/kernel/heapmon/probes)"

# What could hold a target after its unwatch, and so run its release in
# module code after rmmod: an open dump and an open sysfs file. A netlink
# dump holds a reference on the module until it ends, so rmmod is refused
# while one is open (read slowly: 4 KiB a recv, 100 ms apart) and goes
# through once it ends; a sysfs file held open holds nothing (kernfs drains
# its readers when the directory goes), and reading it after rmmod fails.
start_workload /tmp/w14d.out nothp:64:none
heapmonctl watch $WL -i 100 --detach >/dev/null
wait_passes $WL 2
# CMD_PAGES 6, A_PID 8; items: A_CHUNK 18 (2 MiB of records each).
genlsend -d -b 4096 -s 100 -i 18 -k 2 6 8:u32:$WL > /tmp/g14d.out &
reader=$!
sleep 1
refs=$(cat /sys/module/heapmon/refcnt)
run rmmod heapmon
[ "$RC" != 0 ] && [ "$refs" -ge 1 ] && module_loaded &&
	pass "rmmod refused while a dump is open (module refcount $refs)" ||
	fail "rmmod during an open dump: status $RC, refcount $refs, loaded $(module_loaded && echo yes || echo no)"
wait $reader
set -- $(cat /tmp/g14d.out)
[ "${1:-}" = ok ] && [ "${4:-0}" -ge 32 ] && [ "${8:-}" = nointr ] &&
	pass "the dump then ends whole: $2 messages, $4 chunks" ||
	fail "the dump ended as '$*', want ok with at least the 32 chunks of 64 MiB, not interrupted"
exec 3< /sys/kernel/heapmon/targets/$WL/passes
run rmmod heapmon
expect_eq "then rmmod, with a target's sysfs file held open" "$RC" 0
if read -r stale <&3 2>/dev/null; then
	fail "a sysfs file held open across rmmod read '$stale'"
else
	pass "a sysfs file held open across rmmod no longer reads"
fi
exec 3<&-
kill $WL
load_module
