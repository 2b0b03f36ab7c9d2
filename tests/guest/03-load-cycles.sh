# SPDX-License-Identifier: GPL-2.0
# Load and unload 20 times; the family, sysfs tree and memory come and go with it.
slab() { sed -n 's/^SUnreclaim: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
unload_module
run heapmonctl status
expect_eq "status without the module: exit status" "$RC" 3
expect_eq "status without the module: message" "$OUT" \
	"heapmonctl: the heapmon kernel module is not loaded, nor installed for kernel $(uname -r); build it with 'make module' in heapmon's source and load it with 'insmod heapmon.ko' (as root)."
expect_eq "no sysfs tree without the module" "$(ls -d /sys/kernel/heapmon 2>&1 >/dev/null | wc -l)" 1

bad=0
i=0
while [ $i -lt 20 ]; do
	insmod /lib/heapmon/heapmon.ko || bad=$((bad + 1))
	heapmonctl status >/dev/null || bad=$((bad + 1))
	[ -d /sys/kernel/heapmon/targets ] || bad=$((bad + 1))
	rmmod heapmon || bad=$((bad + 1))
	[ ! -e /sys/kernel/heapmon ] || bad=$((bad + 1))
	[ $i -eq 0 ] && before=$(slab)
	i=$((i + 1))
done
after=$(slab)
expect_eq "20 load/status/unload cycles without a failed step" "$bad" 0
if [ -w /sys/kernel/debug/kmemleak ]; then
	# KASAN's quarantine keeps freed memory: ask kmemleak instead of the slab totals.
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak)
	expect_eq "kmemleak after 20 cycles: unreferenced objects" "$leaks" 0
else
	grow=$((after - before))
	if [ "$grow" -lt 256 ]; then
		pass "unreclaimable slab grew ${grow} kB over 19 cycles (limit 256 kB)"
	else
		fail "unreclaimable slab grew ${grow} kB over 19 cycles (limit 256 kB)"
	fi
fi
load_module
