# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM: a workload with a hot set (8 MiB written every
# 20 ms), a cold set (8 MiB written once) and a leak (a mapping that grows by
# 256 KiB every 100 ms, each page written once and never again), watched live.
export PATH=/work/progs:$PATH
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
	's/.*"start":"\([^"]*\)","end":"\([^"]*\)".*"idle10_bytes":\([0-9]*\).*/\3 \1-\2/p' |
	sort -n -r | head -n 3 | while read -r bytes range; do
		printf '  %-32s %10d bytes idle >= 10 periods\n' "$range" "$bytes"
	done
say heapmonctl events $W
heapmonctl events $W | tail -n 8
heapmonctl unwatch $W
kill $W
