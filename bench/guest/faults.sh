# SPDX-License-Identifier: GPL-2.0
# Part 3: what heapmon costs processes it does not watch. A page-fault
# microbenchmark (faultbench: 64 MiB of fresh 4 KiB pages touched, 8 times)
# runs unwatched with the module unloaded, then with it loaded and watching
# another process (a 16 MiB heaphold at 1000 ms), alternately, REPS times.
# The difference is the price of heapmon's page-fault probe (and its other
# probes) for everyone else. Then the same fault loop, unwatched, while
# FAULT_TARGETS (default "64 4096") sleeping processes are watched: the
# probe's filter must cost the same however many targets there are.
. /work/bench/guest/lib.sh
rm -f /tmp/f.*
progress "part 3: page faults, module unloaded and loaded"
start_prog /tmp/other.out heaphold 16 1000
other=$BG
faultbench 64 2 >/dev/null
i=0
while [ $i -lt $REPS ]; do
	unload_module
	r=$(faultbench 64 8)
	a=$(calc "$(field elapsed_ns "$r") / $(field faults "$r")")
	echo "$a" >> /tmp/f.unloaded
	load_module
	heapmonctl watch $other --detach >/dev/null
	wait_passes $other 1
	r=$(faultbench 64 8)
	b=$(calc "$(field elapsed_ns "$r") / $(field faults "$r")")
	heapmonctl unwatch $other >/dev/null
	echo "$b" >> /tmp/f.loaded
	calc "$b / $a" >> /tmp/f.ratio
	i=$((i + 1))
done
stop_prog $other
row 3 "page fault, module unloaded" "ns/fault" /tmp/f.unloaded
row 3 "page fault, module loaded, watching another process" "ns/fault" /tmp/f.loaded \
	/tmp/f.ratio "module unloaded"

# Many targets: N sleepers watched (once an hour: their passes stay out of the
# way), max_targets raised to allow them.
for n in ${FAULT_TARGETS:-64 4096}; do
	progress "part 3: page faults with $n processes watched"
	rm -f /tmp/f.many
	unload_module
	load_module max_targets=4096
	sleepers=
	i=0
	while [ $i -lt $n ]; do
		sleep 100000 &
		sleepers="$sleepers $!"
		i=$((i + 1))
	done
	watched=0
	for p in $sleepers; do
		heapmonctl watch $p -i 3600000 --detach >/dev/null && watched=$((watched + 1))
	done
	[ "$watched" -eq "$n" ] || progress "part 3: only $watched of $n sleepers watched"
	i=0
	while [ $i -lt $REPS ]; do
		r=$(faultbench 64 8)
		calc "$(field elapsed_ns "$r") / $(field faults "$r")" >> /tmp/f.many
		i=$((i + 1))
	done
	unload_module
	kill $sleepers
	wait $sleepers 2>/dev/null
	row 3 "page fault, module loaded, $watched other processes watched" "ns/fault" /tmp/f.many
done
load_module
