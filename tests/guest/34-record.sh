# SPDX-License-Identifier: GPL-2.0
# heapmonctl record and report on a workload with a known schedule: an 8 MiB
# mapping of small pages whose 2 MiB blocks are hot (written every 20 ms)
# and cold (written once) in turn, watched every 200 ms and recorded for
# 2 s: about 11 frames, each with its times, the stats and the region's 256
# heat slices, which must match the truth file page for page (every page
# resident once; hot slices idle 0 or 1, cold ones idle 5 or more or never
# touched). report must draw it in the guest. Then a record without -d
# ends on SIGINT, and one ends by itself when its target exits, each with
# its last frame whole.
t0=$(date +%s)
start_workload /tmp/w34.out -o /tmp/t34 nothp:8:block2
heapmonctl watch $WL -i 200 --detach >/dev/null
wait_passes $WL 5
heapmonctl record $WL -d 2s -o /tmp/r34.ndjson
expect_eq "record -d 2s: exit status 0" $? 0
head -n 1 /tmp/r34.ndjson > /tmp/h34
expect_eq "header: format 1, pid, comm, period and interval" \
	"$(json_field "$(cat /tmp/h34)" heapmon_record) $(json_field "$(cat /tmp/h34)" pid) $(json_field "$(cat /tmp/h34)" comm) $(json_field "$(cat /tmp/h34)" period_ms) $(json_field "$(cat /tmp/h34)" interval_ms)" \
	"1 $WL workload 200 200"
frames=$(($(wc -l < /tmp/r34.ndjson) - 1))
[ $frames -ge 8 ] && [ $frames -le 12 ] &&
	pass "2 s at 200 ms: $frames frames" ||
	fail "2 s at 200 ms: $frames frames, want 8 to 12 (11 on time)"
# Each frame's frame number, boot time and wall-clock time, in order.
sed 1d /tmp/r34.ndjson | sed 's/^{"frame":\([0-9]*\),"time":"[^"]*","time_ns":\([0-9]*\),"boottime_ns":\([0-9]*\),.*/\1 \2 \3/' > /tmp/ts34
bad=$(awk 'NR > 1 && ($1 != f + 1 || $2 <= w || $3 <= b || $3 - b < 150000000) { print NR }
	{ f = $1; w = $2; b = $3 } NF != 3 { print "line " NR }' /tmp/ts34 | head -n 3)
expect_eq "frames numbered in turn, both clocks rising, at least 150 ms apart" "$bad" ""
expect_match "wall-clock time in RFC 3339 UTC with nanoseconds" \
	"$(sed -n 2p /tmp/r34.ndjson | cut -c1-60)" \
	'^\{"frame":0,"time":"20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{9}Z"'

# The last frame: the workload's region, found by the truth's first address.
last=$(tail -n 1 /tmp/r34.ndjson)
lo=$((0x$(head -n 1 /tmp/t34 | cut -d' ' -f2)))
hi=$((0x$(tail -n 1 /tmp/t34 | cut -d' ' -f3)))
reg=$(printf '%s\n' "$last" | sed "s/.*\"start\":\"$(printf '0x%x' $lo)\"//; s/}}.*//")
expect_eq "the region's resident bytes: all 8 MiB" "$(json_field "$reg" resident_bytes)" 8388608
total=0
for r in $(printf '%s\n' "$last" | sed 's/.*"regions":\[//' | grep -o '"resident_bytes":[0-9]*' |
		cut -d: -f2); do
	total=$((total + r))
done
expect_eq "stats' resident bytes are the regions' sum" \
	"$(json_field "$(printf '%s\n' "$last" | sed 's/"regions":.*//')" resident_bytes)" $total
arr() { printf '%s\n' "$reg" | sed "s/.*\"$1\":\[\([^]]*\)\].*/\1/" | tr ',' ' '; }
set -- $(arr resident)
res=$*
set -- $(arr never)
nev=$*
set -- $(arr idle)
idle=$*
# Each slice against the truth: 8 MiB in 256 slices of 8 pages.
printf '%s\n%s\n%s\n' "$res" "$nev" "$idle" > /tmp/a34
out=$(awk -v lo=$lo '
function hex(s,  i, v) {
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
FNR == NR { for (i = 1; i <= NF; i++) a[NR - 1, i - 1] = $i; slices = NF; next }
{ kind[FNR] = $1; s[FNR] = hex($2); e[FNR] = hex($3); runs = FNR }
END {
	for (i = 0; i < slices; i++) {
		pages += a[0, i]
		addr = lo + i * 32768
		for (r = 1; r <= runs; r++)
			if (s[r] <= addr && addr < e[r])
				break
		if (kind[r] == "hot" && (a[1, i] > 0 || a[2, i] > 1))
			badhot++
		if (kind[r] != "hot" && a[1, i] < a[0, i] && a[2, i] < 5)
			badcold++
		if (a[0, i] != 8)
			uneven++
	}
	printf "slices %d pages %d uneven %d badhot %d badcold %d\n", slices, pages, uneven + 0,
		badhot + 0, badcold + 0
}' /tmp/a34 /tmp/t34)
expect_eq "heat: 256 slices of 8 resident pages, hot and cold as the truth says" "$out" \
	"slices 256 pages 2048 uneven 0 badhot 0 badcold 0"
[ $hi -eq $((lo + 8388608)) ] || fail "truth: the area is not 8 MiB from $lo"

# report in the guest: the region's heatmap, 16 rows of 512 KiB, hot and
# cold by 2 MiB blocks (4 rows each), low addresses at the bottom.
heapmonctl report /tmp/r34.ndjson > /tmp/rep34
expect_eq "report: exit status 0" $? 0
rows=$(sed -n "/^region anon $(printf '0x%012x' $lo)-/,/^\$/p" /tmp/rep34 | grep '^  0x' |
	sed 's/.*\(.\)|$/\1/' | tr -d '\n')
# The area is 2 MiB aligned, its first block hot or cold as the truth says.
if [ "$(head -n 1 /tmp/t34 | cut -d' ' -f1)" = hot ]; then
	want='^[.-]{4}#{4}[.-]{4}#{4}$'
else
	want='^#{4}[.-]{4}#{4}[.-]{4}$'
fi
expect_match "report: the last column of its heatmap, top row first: 2 MiB blocks as the truth" \
	"$rows" "$want"
heapmonctl report /tmp/r34.ndjson --svg /tmp/r34.svg
cells=$(awk -v r=">region anon $(printf '0x%x' $lo)-" 'index($0, ">region ") { on = index($0, r) > 0 }
	on && /^<rect data-frame=/ { split($0, f, "\""); n += f[4] } END { print n + 0 }' /tmp/r34.svg)
expect_eq "report --svg: the region's runs of cells cover each frame in each of its 64 rows" \
	"$cells" $((frames * 64))

# Without -d: SIGINT ends it with its last frame whole.
heapmonctl record $WL -o /tmp/r34b.ndjson &
rec=$!
wait_for_line /tmp/r34b.ndjson '"frame":1,'
kill -INT $rec
wait $rec
expect_eq "SIGINT: exit status 0" $? 0
expect_match "SIGINT: the last line a whole frame" "$(tail -n 1 /tmp/r34b.ndjson | tail -c 3)" '\]\}$'

# The target exits: the record ends by itself, its last frame saying so.
heapmonctl record $WL -o /tmp/r34c.ndjson &
rec=$!
wait_for_line /tmp/r34c.ndjson '"frame":1,'
kill $WL
i=0
while kill -0 $rec 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $rec 2>/dev/null && { fail "record still running 5 s after its target exited"; kill $rec; }
wait $rec
expect_eq "target exit: exit status 0" $? 0
expect_eq "target exit: the last frame's state" \
	"$(json_field "$(tail -n 1 /tmp/r34c.ndjson | sed 's/"regions":.*//')" state)" exited
heapmonctl unwatch $WL >/dev/null 2>&1
echo "# 34-record: $(($(date +%s) - t0)) s"
