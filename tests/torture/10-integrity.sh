# SPDX-License-Identifier: GPL-2.0
# Data integrity: heapstorm's memory holds what it wrote, and its checksums
# are the same watched (passes every 10 ms) as unwatched.
OPS=${HEAPSTORM_OPS:-400}
for seed in 11 12 13; do
	ref=$(heapstorm -s $seed -n $OPS | sed -n 's/.* sum //p')
	heapstorm -s $seed -n $OPS -p > /tmp/hs.out &
	pid=$!
	heapmonctl watch $pid -i 10 --detach >/dev/null 2>&1
	wait $pid
	rc=$?
	got=$(sed -n 's/.* sum //p' /tmp/hs.out)
	heapmonctl unwatch $pid >/dev/null 2>&1
	if [ $rc -eq 0 ] && [ -n "$ref" ] && [ "$got" = "$ref" ]; then
		pass "seed $seed: $(cat /tmp/hs.out); unwatched sum $ref"
	else
		fail "seed $seed: exit $rc, watched sum '$got', unwatched '$ref': $(cat /tmp/hs.out)"
	fi
done
