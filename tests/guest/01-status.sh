# SPDX-License-Identifier: GPL-2.0
# STATUS over netlink, the CLI's table and JSON output, and sysfs agreeing.
sys=/sys/kernel/heapmon
ver=$(cat $sys/version)
expect_match "sysfs version is X.Y.Z" "$ver" '^[0-9]+\.[0-9]+\.[0-9]+$'
expect_eq "sysfs protocol" "$(cat $sys/protocol)" 2
expect_eq "sysfs max_targets default" "$(cat $sys/max_targets)" 64
expect_eq "sysfs max_target_pages default" "$(cat $sys/max_target_pages)" 4194304
expect_eq "sysfs max_total_pages default" "$(cat $sys/max_total_pages)" 16777216
expect_eq "sysfs max_memory_mb default" "$(cat $sys/max_memory_mb)" 256
expect_eq "sysfs memory_bytes with no target" "$(cat $sys/memory_bytes)" 0
expect_eq "sysfs TLB flush counters with no target" \
	"$(cd $sys && cat max_flushes_per_sec flushes_per_sec flush_rounds flush_cpus flush_deferred flush_stale_passes | tr '\n' ' ')" \
	"100 0 0 0 0 0 "
expect_eq "sysfs max_targets is the module parameter" \
	"$(cat /sys/module/heapmon/parameters/max_targets)" "$(cat $sys/max_targets)"

run heapmonctl status --json
expect_eq "status --json exit status" "$RC" 0
expect_eq "status --json matches sysfs" "$OUT" \
"{\"version\":\"$ver\",\"protocol\":$(cat $sys/protocol),\"max_targets\":$(cat $sys/max_targets),\"max_target_pages\":$(cat $sys/max_target_pages),\"max_total_pages\":$(cat $sys/max_total_pages),\"max_memory_mb\":256,\"memory_bytes\":0,\"target_count\":0,\"flush\":{\"max_per_sec\":100,\"per_sec\":0,\"rounds\":0,\"cpus\":0,\"deferred\":0,\"stale_passes\":0},\"targets\":[]}"

run heapmonctl status
expect_eq "status exit status" "$RC" 0
expect_eq "status table" "$OUT" "heapmon $ver, protocol 2
limits: 64 targets, 4194304 pages per target, 16777216 pages in all, 256 MiB of records
memory: 0 bytes of per-page records
tlb flushes: 0/s (at most 100/s), 0 rounds on 0 CPUs, 0 passes deferred, 0 stale
targets: none"

run heapmonctl status extra
expect_eq "status with a stray argument is a usage error" "$RC" 2
expect_eq "status usage message" "$OUT" "usage: heapmonctl status [-j|--json]"

run heapmonctl frobnicate
expect_eq "unknown subcommand exit status" "$RC" 2
expect_eq "unknown subcommand message" "$OUT" \
	"heapmonctl: unknown command 'frobnicate'; see 'heapmonctl --help'"

run heapmonctl help status
expect_match "help status" "$OUT" '^usage: heapmonctl status \[-j\|--json\]'

# Limits set at load time show up in sysfs and over netlink alike.
rmmod heapmon
insmod /lib/heapmon/heapmon.ko max_targets=3 max_target_pages=1000 max_total_pages=5000 \
	max_memory_mb=7
run heapmonctl status --json
expect_match "limits from module parameters reach STATUS" "$OUT" \
	'"max_targets":3,"max_target_pages":1000,"max_total_pages":5000,"max_memory_mb":7,'
expect_eq "limits from module parameters reach sysfs" \
	"$(cat $sys/max_targets) $(cat $sys/max_target_pages) $(cat $sys/max_total_pages) $(cat $sys/max_memory_mb)" \
	"3 1000 5000 7"
rmmod heapmon
run insmod /lib/heapmon/heapmon.ko max_targets=0
expect_eq "max_targets=0 is refused at load" "$([ $RC -ne 0 ] && echo refused)" refused
expect_match "max_targets=0 says why in dmesg" "$(dmesg | tail -n 3)" \
	'heapmon: max_targets, max_target_pages, max_total_pages and max_memory_mb must be nonzero'
insmod /lib/heapmon/heapmon.ko
