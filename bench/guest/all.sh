# SPDX-License-Identifier: GPL-2.0
# make bench inside one VM boot: the parts named in $1 (default all), in
# order. Prints the kernel, then each part's figures as BENCH lines.
. /work/bench/guest/lib.sh
parts=${1:-cost slowdown latency faults memory accuracy trap}
echo "BENCH-META {\"release\":\"$(uname -r)\",\"reps\":$REPS,\"cpus\":$(nproc),\"mem_mib\":$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)}"
for p in $parts; do
	progress "$p: start ($(uptime_s) s since boot)"
	sh /work/bench/guest/$p.sh
	progress "$p: done ($(uptime_s) s since boot)"
done
