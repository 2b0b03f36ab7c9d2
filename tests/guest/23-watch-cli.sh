# SPDX-License-Identifier: GPL-2.0
# heapmonctl watch itself: frames once per period (not a terminal: separated
# by a blank line), -d, --keep, --json, and its end when the target exits.
listed() { heapmonctl list --json | grep -c "\"pid\":$1,"; }
start_workload /tmp/w23.out nothp:2:page2
run heapmonctl watch $WL -i 200 -d 1
expect_eq "watch -d 1: exit status 0" "$RC" 0
frames=$(printf '%s\n' "$OUT" | grep -c '^heapmon: pid ')
# Frames come at 0, 200, ..., 800 ms: at most 5 in 1 s, fewer on a slow VM.
[ "$frames" -ge 2 ] && [ "$frames" -le 5 ] &&
	pass "watch -d 1 -i 200: $frames frames, one per period" ||
	fail "watch -d 1 -i 200: $frames frames, want 2 to 5"
expect_eq "watch: frames separated by one blank line" \
	"$(printf '%s\n' "$OUT" | grep -c '^$')" $((frames - 1))
expect_match "watch: a frame has the heap line" "$OUT" \
	'heap [0-9.]+ [KMG]iB  resident .* touched .* idle>=1 .* never touched '
# Every other page is written every 20 ms: each of the 64 slices (8 pages)
# holds hot pages, so the last frame's strip is all '#'.
expect_match "watch: the last frame shows the 2 MiB region's heat strip, all hot" \
	"$(printf '%s\n' "$OUT" | grep '^anon .* 2\.0 MiB  \[' | tail -n 1)" \
	'^anon  0x[0-9a-f]+-0x[0-9a-f]+ +2\.0 MiB  \[#{64}\]$'
expect_eq "watch -d: unwatched at the end" "$(listed $WL)" 0

run heapmonctl watch $WL -i 200 -d 500ms --keep
expect_eq "watch --keep -d 500ms: exit status 0" "$RC" 0
expect_eq "watch --keep: still watched at the end" "$(listed $WL)" 1
heapmonctl unwatch $WL

run heapmonctl watch $WL -i 200 -d 1 --json
expect_eq "watch --json: exit status 0" "$RC" 0
n=$(printf '%s\n' "$OUT" | grep -c .)
# The fields of every line, whatever their order.
good=$(printf '%s\n' "$OUT" | grep "^{\"pid\":$WL," | grep '"interval_ms":200,' |
	grep -E '"pass":[0-9]+,' | grep '"state":"running",' | grep '"stats":{' |
	grep '"regions":\[' | grep -E '"events":\[.*\]}$' | grep -c .)
[ "$n" -ge 2 ] && [ "$n" -le 5 ] && [ "$good" = "$n" ] &&
	pass "watch --json: $n frames, one object per line with every field" ||
	fail "watch --json: $n lines, $good well-formed: $(printf '%s\n' "$OUT" | head -c 300)"
p=$(printf '%s\n' "$OUT" | sed -n 's/^{"pid":[0-9]*,.*"pass":\([0-9]*\),.*/\1/p' | tr '\n' ' ')
expect_match "watch --json: the pass number never goes back" "$p" '^[0-9 ]+$'
prev=-1 ok=1
for x in $p; do [ "$x" -ge "$prev" ] || ok=0; prev=$x; done
[ $ok = 1 ] && pass "watch --json: passes in order ($p)" || fail "watch --json: passes out of order: $p"

# The target exits: a last frame says so, watch ends with status 0 and
# unwatches it.
heapmonctl watch $WL -i 200 > /tmp/w23-exit.out 2>&1 &
watcher=$!
wait_for_line /tmp/w23-exit.out '^heapmon: pid'
kill $WL
i=0
while kill -0 $watcher 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $watcher 2>/dev/null; then
	kill $watcher
	fail "watch did not end within 10 s of its target's exit"
else
	wait $watcher
	expect_eq "watch ends when the target exits, status 0" "$?" 0
fi
expect_eq "watch: its last line says the target exited" "$(tail -n 1 /tmp/w23-exit.out)" \
	"pid $WL exited"
expect_match "watch: the last frame's state is exited" "$(grep '^heapmon: pid' /tmp/w23-exit.out | tail -n 1)" \
	'state exited$'
expect_eq "watch: the exited target was unwatched" "$(listed $WL)" 0
