# SPDX-License-Identifier: GPL-2.0
# Helpers for the tests that run inside the VM. Each check prints one line,
# "PASS name" or "FAIL name: why", which tests/check counts.
export PATH=/work/progs:/work/bin:/bin:/sbin

pass() { echo "PASS $T: $*"; }
fail() { echo "FAIL $T: $*"; }

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

# expect_match WHAT GOT EXTENDED-REGEX
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1: got '$2', want a match for '$3'"
	fi
}

# run CMD...: sets OUT (stdout+stderr) and RC.
run() {
	OUT=$("$@" 2>&1)
	RC=$?
}

# insmod as the tests use it: heapmon.ko gets its kprobes in right away,
# before the test starts its workloads (tests/vm/arm-probes says why).
insmod() {
	command insmod "$@" || return
	case $1 in
	*/heapmon.ko) hm-arm-probes ;;
	esac
}

module_loaded() { grep -q '^heapmon ' /proc/modules; }
load_module() { module_loaded || insmod /lib/heapmon/heapmon.ko "$@"; }
unload_module() { ! module_loaded || rmmod heapmon; }

# start_workload OUTFILE ARGS...: starts workload in the background, waits
# until it is ready; sets WL to its PID.
start_workload() {
	local out=$1 i=0
	shift
	workload "$@" > "$out" &
	WL=$!
	while ! grep -q '^ready' "$out" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_for_line FILE REGEX: waits up to 30 s for a line to appear; false if
# none did.
wait_for_line() {
	local i=0
	while ! grep -Eq "$2" "$1" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -Eq "$2" "$1" 2>/dev/null
}

# passes PID: passes done so far.
passes() { cat /sys/kernel/heapmon/targets/$1/passes 2>/dev/null || echo 0; }

# wait_passes PID N: waits until N more passes than now have been done; a
# target that does not get them within 60 s is a failure, said so.
wait_passes() {
	local want=$(($(passes $1) + $2)) i=0
	while [ "$(passes $1)" -lt $want ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(passes $1)" -ge $want ] ||
		fail "wait_passes: target $1 reached $(passes $1) passes in 60 s, want $want"
}

# json_field JSON KEY: the value of a numeric or string field of one object.
json_field() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1
}

# armed PID: the pages trap mode holds armed in PID.
armed() { json_field "$(heapmonctl stats $1 --json)" traps_armed; }

# wait_armed PID N: up to 30 s, until at least N of PID's pages are armed
# (idle for 4 periods first).
wait_armed() {
	local i=0
	while [ "$(armed $1)" -lt $2 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# setup_swap MB: swap on a zram device of MB megabytes.
setup_swap() {
	if [ ! -e /sys/block/zram0 ] && [ -f /lib/heapmon/extra/order ]; then
		for m in $(cat /lib/heapmon/extra/order); do
			insmod /lib/heapmon/extra/$m.ko
		done
	fi
	[ -e /sys/block/zram0 ] || return 1
	grep -q lzo-rle /sys/block/zram0/comp_algorithm &&
		echo lzo-rle > /sys/block/zram0/comp_algorithm
	echo "${1}M" > /sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
}

# swap_ins, swap_outs: pages read from and written to the zram swap device
# so far. Its block statistics, not /proc/vmstat's pswpin and pswpout, which
# need CONFIG_VM_EVENT_COUNTERS (off in the debug kernel's tinyconfig base).
swap_ins() { awk '{ print int($3 / 8) }' /sys/block/zram0/stat; }
swap_outs() { awk '{ print int($7 / 8) }' /sys/block/zram0/stat; }

# majflt PID: major faults of PID so far.
majflt() { awk '{ print $12 }' /proc/$1/stat; }
