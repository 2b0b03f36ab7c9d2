#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside a VM (doc/make-heatmap boots it): records make demo's workload
# (8 MiB hot, 8 MiB cold, a leak growing by 256 KiB every 100 ms) for 30 s,
# one frame every 500 ms, and prints report's SVG between two marker lines.
export PATH=/work/progs:/work/bin:$PATH
workload -g 256 mmap:16:block2 > /tmp/workload.out &
W=$!
while ! grep -q ready /tmp/workload.out; do sleep 0.1; done
heapmonctl watch $W -i 500 --detach > /dev/null
heapmonctl record $W -d 30s -o /tmp/demo.ndjson
heapmonctl report /tmp/demo.ndjson --svg /tmp/demo.svg
heapmonctl report /tmp/demo.ndjson | head -n 12 >&2
echo "record: $(wc -c < /tmp/demo.ndjson) bytes, $(($(wc -l < /tmp/demo.ndjson) - 1)) frames" >&2
echo "--- svg ---"
cat /tmp/demo.svg
echo "--- end ---"
heapmonctl unwatch $W
kill $W
