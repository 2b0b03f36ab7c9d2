# SPDX-License-Identifier: GPL-2.0
# Adaptive mode (watch --adaptive K): page tables whose pages have all been
# idle for K periods are visited every K passes, and count as untouched
# meanwhile. Against a workload of 32 MiB of small pages, every fourth 2 MiB
# block hot (written every 20 ms), the rest written once before the watch:
# - every pass accounts for every page: visited (pass_pages) or left
#   dormant (dormant_pages), and three passes in four leave exactly the
#   cold 24 MiB dormant and visit the hot 8 MiB alone;
# - the statistics of passes that leave the cold pages dormant are still
#   exact: a cold page is idle for P - 1 periods at pass P (the first pass
#   only sets the baseline), so idle10 holds the cold 24 MiB from pass 11
#   on and idle60 from pass 61 on, which dormant page tables cross between
#   two visits; hot pages read idle 0 or 1;
# - the page dump reads the records as of its pass: every cold page idle
#   P - 1, as a pass that visited it would have made it, and the hot/cold
#   classification exact;
# - a cold page touched again is seen within K passes: after the workload
#   reads every page once (SIGHUP), K + 1 passes later no page reads idle
#   above K + 1;
# - a huge page is one unit: a second workload, 8 MiB of huge pages with
#   every other 2 MiB block hot, leaves its two cold huge pages (1024 small
#   pages' worth) dormant, with its idle10 exact likewise;
# - bad input: K above 64 gets the CLI's range error and, sent raw, ERANGE.
K=4
COLD=$((24 << 20))
start_workload /tmp/w37t.out thp:8:block2
THP=$WL
start_workload /tmp/w37.out -o /tmp/truth37 nothp:32:block4
heapmonctl watch $THP -i 200 --adaptive $K --detach >/dev/null
heapmonctl watch $WL -i 200 --adaptive $K --detach >/dev/null
st() { heapmonctl stats $WL --json; }
expect_eq "the revisit period is reported" "$(json_field "$(st)" revisit)" $K
run heapmonctl watch $WL -d 1
expect_match "watch's frame says so" "$(printf '%s\n' "$OUT" | grep -m 1 '^heapmon: pid')" \
	"state running  adaptive $K\$"

# Samples of every pass up to 66: passes idle10 idle60 dormant visited resident.
sample() {
	local s
	s=$(heapmonctl stats $1 --json)
	echo "$(json_field "$s" passes) $(json_field "$s" idle10_bytes)" \
		"$(json_field "$s" idle60_bytes) $(json_field "$s" dormant_pages)" \
		"$(json_field "$s" pass_pages) $(json_field "$s" resident_bytes)"
}
: > /tmp/s37
: > /tmp/s37t
while [ "$(passes $WL)" -lt 66 ]; do
	sample $WL >> /tmp/s37
	sample $THP >> /tmp/s37t
done
heapmonctl unwatch $THP >/dev/null
kill $THP
sort -un /tmp/s37t | awk '!seen[$1]++' > /tmp/s37t.u
expect_eq "huge pages: the two cold ones left dormant, as 1024 pages" \
	"$(awk '$4 == 1024 { n++ } $4 != 0 && $4 != 1024 { bad++ } END { print (n >= 5 && !bad) ? "yes" : n + 0 " " bad + 0 }' /tmp/s37t.u)" yes
expect_eq "huge pages: idle10 exact on every pass, dormant or not" \
	"$(awk -v c=$((4 << 20)) -v x=$((64 * 4096)) '$1 >= 2 && $1 - 1 >= 10 && ($2 < c || $2 > c + x) { print }
		$1 >= 2 && $1 - 1 < 10 && $2 > x { print }' /tmp/s37t.u | head -3 | tr '\n' ' ')" ""
sort -un /tmp/s37 | awk '!seen[$1]++' > /tmp/s37.u
# Pages outside the workload's areas (the C library's) are few: EXTRA.
extra=$(awk 'END { print $6 / 4096 - 8192 }' /tmp/s37.u)
echo "# $(wc -l < /tmp/s37.u) passes sampled of 66, $extra pages outside the areas"
expect_eq "every page visited or dormant, each pass" \
	"$(awk '$1 > 1 && $4 + $5 != $6 / 4096' /tmp/s37.u | head -3 | tr '\n' ' ')" ""
expect_eq "passes leaving the cold 24 MiB dormant visit the rest alone" \
	"$(awk '$4 == 6144 { n++ } $4 != 0 && $4 != 6144 { bad++ } END { print (n >= 10 && !bad) ? "yes" : n + 0 " " bad + 0 }' /tmp/s37.u)" yes
expect_eq "the cold pages are visited every $K passes, no more often" \
	"$(awk -v k=$K '$1 > 2 * k && $4 == 0 { v++; r[$1 % k] = 1 } $1 > 2 * k && $4 { d++ }
		END { for (i in r) m++; print (v && d > v && m == 1) ? "yes" : v + 0 " visits in " m + 0 " phases" }' /tmp/s37.u)" yes
# The pages outside the areas were written before the watch, or are hot:
# idle10 (idle60) is the cold 24 MiB plus at most EXTRA pages from pass 11
# (61) on, the same on every pass, and at most EXTRA pages before.
for b in 10:2 60:3; do
	expect_eq "idle${b%:*} exact on every pass, dormant or not" \
		"$(awk -v c=$COLD -v x=$((extra * 4096)) -v m=${b%:*} -v f=${b#*:} '
			$1 < 2 { next }
			$1 - 1 < m && $f > x { print; next }
			$1 - 1 >= m && ($f < c || $f > c + x || (seen && $f != seen)) { print; next }
			$1 - 1 >= m { seen = $f }' /tmp/s37.u | head -3 | tr '\n' ' ')" ""
done

# A dump between two passes, one that left the cold spans dormant: its
# records of them are advanced to its pass as it reads them.
for try in $(seq 20); do
	s=$(st)
	p0=$(json_field "$s" passes)
	heapmonctl pages $WL --json > /tmp/p37.json
	[ "$(passes $WL)" = "$p0" ] && [ "$(json_field "$s" dormant_pages)" = 6144 ] && break
done
cold_ok=$(awk -v want=$((p0 - 1)) -v x=$extra -F'"idle":' 'NF > 1 { split($2, a, ","); i = a[1] + 0;
	if (i > 1 && i != want) bad++; if (i > 1) n++ }
	END { print (n >= 6144 && n <= 6144 + x) ? "6144" : n + 0, bad + 0 }' /tmp/p37.json)
expect_eq "dump at pass $p0: the 6144 cold pages idle $((p0 - 1)), none otherwise" "$cold_ok" "6144 0"
if result=$(classify /tmp/truth37 5 1 < /tmp/p37.json); then
	pass "hot and cold exact page by page: $result"
else
	fail "hot and cold page by page: $result (want 1 for all four)"
fi

# A cold page touched again: seen within K passes.
kill -HUP $WL
wait_for_line /tmp/w37.out '^reread'
wait_passes $WL $((K + 1))
heapmonctl pages $WL --json > /tmp/p37b.json
sed 's/^cold/hot/' /tmp/truth37 > /tmp/truth37b
if result=$(classify /tmp/truth37b $((K + 2)) 1 < /tmp/p37b.json); then
	pass "every page read again is seen within $K passes: $result"
else
	fail "pages read again, seen within $K passes: $result (want 1 for all four)"
fi
# (and perhaps a few of the EXTRA pages, which the workload's output touches)
now=$(($(grep -c '"touched":0,' /tmp/p37.json) - $(grep -c '"touched":0,' /tmp/p37b.json)))
[ $now -ge 6144 ] && [ $now -le $((6144 + extra)) ] && now=6144
expect_eq "the 6144 cold pages, untouched before, counted as touched" $now 6144

heapmonctl unwatch $WL
run heapmonctl watch $WL --detach --adaptive 65
expect_eq "adaptive above the range" "$OUT" \
	"heapmonctl: watch: --adaptive 65 is out of range: 0 to 64"
run genlsend 2 8:u32:$WL 34:u32:65
expect_eq "revisit above the range (raw)" "$OUT" "error ERANGE: integer out of range"
kill $WL
