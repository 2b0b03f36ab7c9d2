# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM: a workload with a hot set (8 MiB written every
# 20 ms), a cold set (8 MiB written once) and a leak (a mapping that grows by
# 256 KiB every 100 ms, each page written once and never again), watched live.
# Then a small server (tests/leaks/progs/leaky.c) with a hot working set, a
# hot cache, a constant configuration table and one leaking function, run
# under the allocation recorder: heapmonctl leaks names the leaking function.
export PATH=/work/progs:/work/bin:$PATH
say() { printf '\n$ %s\n' "$*"; }

workload -g 256 mmap:16:block2 > /tmp/workload.out &
W=$!
while ! grep -q ready /tmp/workload.out; do sleep 0.1; done
echo "workload $W: 8 MiB hot, 8 MiB cold, and a leak growing by 2.5 MiB/s"

say heapmonctl watch $W -i 500 -d 10 --keep
heapmonctl watch $W -i 500 -d 10 --keep
say heapmonctl stats $W
heapmonctl stats $W
say heapmonctl regions $W
heapmonctl regions $W
say "the coldest regions: idle for 10 periods or more"
heapmonctl regions $W --json | sed -n \
	's/.*"start":"\([^"]*\)",.*"end":"\([^"]*\)".*"idle10_bytes":\([0-9]*\).*/\3 \1-\2/p' |
	sort -n -r | head -n 3 | while read -r bytes range; do
		printf '  %-32s %10d bytes idle >= 10 periods\n' "$range" "$bytes"
	done
say heapmonctl events $W
heapmonctl events $W | tail -n 8
heapmonctl unwatch $W
kill $W

echo
echo "A server with a hot working set, a hot cache, a configuration table filled at"
echo "start, and one function that appends to a list nobody reads again (leaky list)."
mkdir -p /run/heapmon && chmod 1777 /run/heapmon
say heapmonctl run --sample 65536 -i 200 -- leaky list -d 90 '&'
heapmonctl run --sample 65536 -i 200 -- leaky list -d 90 -p /tmp/leaky.pid &
R=$!
while [ ! -s /tmp/leaky.pid ]; do sleep 0.1; done
L=$(cat /tmp/leaky.pid)
sleep 40
say heapmonctl sites $L --top 4 --frames 2
heapmonctl sites $L --top 4 --frames 2
say heapmonctl leaks $L --idle 8s
heapmonctl leaks $L --idle 8s
say heapmonctl leaks $L --idle 8s --all
heapmonctl leaks $L --idle 8s --all
# The server is stopped here; heapmonctl run passes its status on (143).
kill $L
wait $R
exit 0
