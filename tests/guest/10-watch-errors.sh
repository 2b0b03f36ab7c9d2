# SPDX-License-Identifier: GPL-2.0
# Bad input gets the right errno and a message that says why.
start_workload /tmp/w10.out mmap:1:page1
nopid=$(($(cat /proc/sys/kernel/pid_max) - 1))
kill -0 $nopid 2>/dev/null && nopid=$((nopid - 1))
run heapmonctl watch $nopid --detach
expect_eq "watch a nonexistent PID: exit status" "$RC" 1
expect_eq "watch a nonexistent PID" "$OUT" \
	"heapmonctl: watch $nopid: No such process: no such process"
run heapmonctl watch 2 --detach
expect_eq "watch a kernel thread" "$OUT" \
	"heapmonctl: watch 2: Invalid argument: a kernel thread has no user memory to watch"
# heapmonctl checks the range before sending; the module checks it again.
run heapmonctl watch $WL --detach -i 9
expect_eq "interval below the range" "$OUT" \
	"heapmonctl: watch: --interval 9 is out of range: 10 to 3600000"
run heapmonctl watch $WL --detach -i 3600001
expect_eq "interval above the range" "$OUT" \
	"heapmonctl: watch: --interval 3600001 is out of range: 10 to 3600000"
run genlsend 2 8:u32:$WL 9:u32:9
expect_eq "interval below the range (raw)" "$OUT" "error ERANGE: integer out of range"
run genlsend 2 8:u32:$WL 9:u32:3600001
expect_eq "interval above the range (raw)" "$OUT" "error ERANGE: integer out of range"
run genlsend 2 8:u32:$WL 10:u32:4
expect_eq "unknown watch flag (raw)" "$OUT" "error EINVAL: reserved bit set"
run genlsend 2 8:u32:$WL 10:u32:3
expect_eq "contradictory watch flags (raw)" "$OUT" \
	"error EINVAL: FLUSH_TLB and NO_FLUSH_TLB exclude each other"
run genlsend 2 8:u8:1
expect_eq "PID of the wrong size (raw)" "$OUT" "error EINVAL: invalid attribute length"
run genlsend 2 9:u32:1000
expect_eq "watch without a PID (raw)" "$OUT" "error EINVAL: a PID is required"
run genlsend 2 8:u32:0
expect_eq "PID 0 (raw)" "$OUT" "error ERANGE: integer out of range"

run heapmonctl watch $WL --detach -i 100
expect_eq "watch a process" "$RC" 0
run heapmonctl watch $WL --detach
expect_eq "watch it twice" "$OUT" \
	"heapmonctl: watch $WL: File exists: the process is already watched"

run asuser 65534 heapmonctl watch $WL --detach
expect_eq "non-root watch: exit status" "$RC" 1
expect_match "non-root watch: EPERM" "$OUT" "^heapmonctl: watch $WL: Operation not permitted"
for cmd in "unwatch $WL" "stats $WL" "regions $WL" "pages $WL" "events $WL"; do
	run asuser 65534 heapmonctl $cmd
	expect_match "non-root $cmd: EPERM" "$OUT" "Operation not permitted"
done
# Each capability alone is not enough; CAP_NET_ADMIN with CAP_SYS_PTRACE is.
run asuser -c net_admin 65534 heapmonctl watch $WL --detach
expect_eq "watch with CAP_NET_ADMIN alone" "$OUT" \
	"heapmonctl: watch $WL: Operation not permitted: watching processes needs CAP_SYS_PTRACE"
run asuser -c sys_ptrace 65534 heapmonctl stats $WL
expect_match "stats with CAP_SYS_PTRACE alone: EPERM" "$OUT" "Operation not permitted"
run asuser -c net_admin,sys_ptrace 65534 heapmonctl stats $WL --json
expect_match "stats with CAP_NET_ADMIN and CAP_SYS_PTRACE" "$OUT" "\"pid\":$WL,\"state\":\"running\""
# Events show where every target maps memory: subscribing needs CAP_SYS_ADMIN.
run asuser -c net_admin,sys_ptrace 65534 heapmonctl events $WL --follow
expect_match "events --follow without CAP_SYS_ADMIN: EPERM" "$OUT" \
	"^heapmonctl: events $WL: Operation not permitted"
run asuser 65534 heapmonctl status --json
expect_match "non-root status sees the count, not the targets" "$OUT" \
	'"target_count":1,"flush":\{[^}]*\}}$'
# Nor does sysfs tell an unprivileged user which processes are watched:
# targets/ and targets/<pid>/ are 0500, their files 0400 (root only).
S=/sys/kernel/heapmon/targets
expect_eq "sysfs modes: targets/, targets/<pid>/, a file" \
	"$(stat -c %a $S $S/$WL $S/$WL/passes | tr '\n' ' ')" "500 500 400 "
run asuser 65534 ls $S
expect_match "non-root cannot list targets/" "$RC $OUT" "^1 .*Permission denied"
run asuser 65534 ls $S/$WL
expect_match "non-root cannot list targets/<pid>/" "$RC $OUT" "^1 .*Permission denied"
run asuser 65534 cat $S/$WL/passes
expect_match "non-root cannot read targets/<pid>/passes" "$RC $OUT" "^1 .*Permission denied"
run asuser -c net_admin,sys_ptrace 65534 cat $S/$WL/state
expect_match "not even with CAP_NET_ADMIN and CAP_SYS_PTRACE" "$RC $OUT" "^1 .*Permission denied"
expect_eq "root lists targets/" "$(ls $S)" "$WL"
expect_eq "root reads targets/<pid>/state" "$(cat $S/$WL/state)" running

run heapmonctl unwatch $WL
expect_eq "unwatch" "$RC" 0
run heapmonctl unwatch $WL
expect_eq "unwatch twice" "$OUT" \
	"heapmonctl: unwatch $WL: No such file or directory: the process is not watched"
run heapmonctl stats $WL
expect_eq "stats of an unwatched process" "$OUT" \
	"heapmonctl: stats $WL: No such file or directory: the process is not watched; watch it first: 'heapmonctl watch $WL --detach'"

# The max_targets limit.
kill $WL
unload_module
insmod /lib/heapmon/heapmon.ko max_targets=2
sleep 100 & a=$!
sleep 100 & b=$!
sleep 100 & c=$!
heapmonctl watch $a --detach >/dev/null
heapmonctl watch $b --detach >/dev/null
run heapmonctl watch $c --detach
expect_eq "one target past max_targets" "$OUT" \
	"heapmonctl: watch $c: No space left on device: too many targets: max_targets reached; unwatch one or reload heapmon with a larger max_targets"
kill $a $b $c
unload_module
load_module

# A thread is not a process, and one address space is watched once.
start_workload /tmp/w10t.out -T -V mmap:1:page1
tid=$(sed -n 's/^thread //p' /tmp/w10t.out)
vmchild=$(sed -n 's/^vmchild //p' /tmp/w10t.out)
run heapmonctl watch $tid --detach
expect_eq "watch a thread" "$OUT" \
	"heapmonctl: watch $tid: Invalid argument: a thread, not a process: watch its thread group leader"
heapmonctl watch $WL --detach >/dev/null
run heapmonctl watch $vmchild --detach
expect_eq "watch a CLONE_VM child of a watched process" "$OUT" \
	"heapmonctl: watch $vmchild: File exists: its address space is already watched, as another process"
heapmonctl unwatch $WL
kill $vmchild $WL

# Empty page ranges and idle filters past the maximum are refused.
start_workload /tmp/w10r.out mmap:1:page1
heapmonctl watch $WL --detach >/dev/null
run heapmonctl pages $WL --start 0x2000 --end 0x1000
expect_match "pages with an empty address range" "$OUT" "Invalid argument"
run genlsend -d 6 8:u32:$WL 14:u32:526081
expect_match "idle filter past 526080 periods (raw)" "$OUT" "^error ERANGE"
heapmonctl unwatch $WL
kill $WL
