# SPDX-License-Identifier: GPL-2.0
# Bad input gets the right errno and a message that says why.
start_workload /tmp/w10.out mmap:1:page1
run heapmonctl watch 999999 --detach
expect_eq "watch a nonexistent PID: exit status" "$RC" 1
expect_eq "watch a nonexistent PID" "$OUT" \
	"heapmonctl: watch 999999: No such process: no such process"
run heapmonctl watch 2 --detach
expect_eq "watch a kernel thread" "$OUT" \
	"heapmonctl: watch 2: Invalid argument: a kernel thread has no user memory to watch"
run heapmonctl watch $WL --detach -i 9
expect_eq "interval below the range" "$OUT" \
	"heapmonctl: watch $WL: Numerical result out of range: integer out of range"
run heapmonctl watch $WL --detach -i 3600001
expect_eq "interval above the range" "$OUT" \
	"heapmonctl: watch $WL: Numerical result out of range: integer out of range"
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
run asuser 65534 heapmonctl status --json
expect_match "non-root status sees the count, not the targets" "$OUT" \
	'"target_count":1}$'

run heapmonctl unwatch $WL
expect_eq "unwatch" "$RC" 0
run heapmonctl unwatch $WL
expect_eq "unwatch twice" "$OUT" \
	"heapmonctl: unwatch $WL: No such file or directory: the process is not watched"
run heapmonctl stats $WL
expect_eq "stats of an unwatched process" "$OUT" \
	"heapmonctl: stats $WL: No such file or directory: the process is not watched"

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
