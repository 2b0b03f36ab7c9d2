# SPDX-License-Identifier: GPL-2.0
# Part 5: accuracy, heapmon against DAMON, page by page. Each workload in
# bench/workloads/ runs under masim, which records exactly which pages each
# phase touches. A run watches masim with one monitor; the other monitor
# gets the next run (never both at once: their accessed-bit clearing would
# interfere), alternately, REPS times each.
#   heapmon: period P (-i P), snapshots are `heapmonctl pages --json`; a page
#   is hot when it was touched in the last period.
#   DAMON: 5 ms samples, aggregation P, 10 to 1000 regions (its defaults but
#   for the aggregation, set to heapmon's period), and a "stat" scheme that
#   lists its regions; every page of a region with nr_accesses > 0 is hot.
# Snapshots are taken one after the other while masim runs and scored by
# `score` against the phase running at the time. Per run: precision and
# recall of the hot and the cold pages and the working set size error, in
# the second half of each phase (after the monitor had time to adapt); and
# for each phase change, the periods until 90% of the pages that changed
# class are seen in their new class (a change not seen by the end of the
# phase counts as the phase's length).
. /work/bench/guest/lib.sh
. /work/bench/guest/damon.sh
P=${ACC_PERIOD_MS:-250}
rm -f /tmp/a.*
tools=heapmon
why=
if ! damon_available; then
	why="no CONFIG_DAMON_SYSFS in this kernel"
elif ! uname -r | awk -F. '{ exit !($1 > 6 || ($1 == 6 && $2 >= 2)) }'; then
	why="this kernel's DAMON sysfs cannot list its regions (tried_regions, 6.2 on)"
else
	tools="heapmon damon"
fi

# run_acc TOOL CONFIG OUT: one masim run watched by TOOL; the scores of its
# snapshots go to OUT. Fails, and the run does not count, when DAMON's
# kdamond was not running throughout.
run_acc() {
	local pid n=0 t ok=0
	start_prog /tmp/a.out masim $2 /tmp/a.rec
	pid=$BG
	if [ $1 = heapmon ]; then
		heapmonctl watch $pid -i $P --detach >/dev/null
		wait_passes $pid 2
	else
		damon_start $pid 5000 $((P * 1000)) 10 1000 stat
		sleep $(calc "2 * $P / 1000")
		damon_running || ok=1
	fi
	kill -USR1 $pid
	while ! grep -q '^end' /tmp/a.rec && alive $pid; do
		if [ $1 = heapmon ]; then
			t=$(uptime_s)
			heapmonctl pages $pid --json > /tmp/a.snap.$n 2>/dev/null
		elif [ $ok = 0 ]; then
			damon_regions > /tmp/a.snap.$n || ok=1
			t=$(uptime_s)
		fi
		echo $t > /tmp/a.snap.$n.t
		n=$((n + 1))
		sleep 0.05
	done
	wait $pid || ok=1
	if [ $1 = heapmon ]; then
		heapmonctl unwatch $pid >/dev/null 2>&1
	else
		damon_stop
	fi
	: > $3
	[ $ok = 0 ] || progress "part 5: masim failed or DAMON's kdamond was not running; run discarded"
	while [ $n -gt 0 ]; do
		n=$((n - 1))
		score /tmp/a.rec $P $(cat /tmp/a.snap.$n.t) $1 < /tmp/a.snap.$n >> $3 2>/dev/null
		rm -f /tmp/a.snap.$n /tmp/a.snap.$n.t
	done
	[ $ok = 0 ] || : > $3
	return $ok
}

# summarize SCORES: one line "HP HR CP CR WSS" (means over the second half of
# each phase), then one line per phase change: periods to notice it.
summarize() {
	sort -k2,2n -k4,4n "$1" | awk '
		{ ph[NR] = $2; since[NR] = $4; hp[NR] = $6; hr[NR] = $8; cp[NR] = $10
		  cr[NR] = $12; wss[NR] = $14; seen[NR] = $16
		  if ($4 > len[$2]) len[$2] = $4 }
		END {
			for (i = 1; i <= NR; i++) {
				if (since[i] < len[ph[i]] / 2)
					continue
				n++; s1 += hp[i]; s2 += hr[i]; s3 += cp[i]; s4 += cr[i]; s5 += wss[i]
			}
			if (n)
				printf "steady %.4f %.4f %.4f %.4f %.4f\n", s1 / n, s2 / n, s3 / n, s4 / n, s5 / n
			for (i = 1; i <= NR; i++) {
				if (ph[i] == 0 || ph[i] in done || seen[i] < 0.9)
					continue
				done[ph[i]] = 1
				printf "notice %d\n", (since[i] == int(since[i])) ? since[i] : int(since[i]) + 1
			}
			for (p in len)
				if (p > 0 && !(p in done))
					printf "notice %d never\n", int(len[p]) + 1
		}'
}

for cfg in /work/bench/workloads/*.masim; do
	wl=$(basename $cfg .masim)
	i=0
	while [ $i -lt $REPS ]; do
		progress "part 5: $wl, repetition $((i + 1)) of $REPS"
		for tool in $tools; do
			run_acc $tool $cfg /tmp/a.scores || continue
			summarize /tmp/a.scores > /tmp/a.sum
			set -- $(grep '^steady' /tmp/a.sum)
			echo $2 >> /tmp/a.$wl.$tool.hp
			echo $3 >> /tmp/a.$wl.$tool.hr
			echo $4 >> /tmp/a.$wl.$tool.cp
			echo $5 >> /tmp/a.$wl.$tool.cr
			echo $6 >> /tmp/a.$wl.$tool.wss
			grep '^notice' /tmp/a.sum | awk '{ print $2 }' >> /tmp/a.$wl.$tool.notice
			grep -c 'never' /tmp/a.sum >> /tmp/a.$wl.$tool.never
		done
		i=$((i + 1))
	done
	for tool in $tools; do
		name=heapmon
		[ $tool = damon ] && name=DAMON
		for m in hp hr cp cr; do
			if [ $tool = damon ]; then
				paste /tmp/a.$wl.damon.$m /tmp/a.$wl.heapmon.$m |
					awk '{ printf "%.4g\n", $2 ? $1 / $2 : 0 }' > /tmp/a.$wl.damon.$m.ratio
			fi
		done
		r() { [ $tool = damon ] && echo "/tmp/a.$wl.damon.$1.ratio heapmon"; }
		row 5 "$wl, $name: hot precision" "" /tmp/a.$wl.$tool.hp $(r hp)
		row 5 "$wl, $name: hot recall" "" /tmp/a.$wl.$tool.hr $(r hr)
		row 5 "$wl, $name: cold precision" "" /tmp/a.$wl.$tool.cp $(r cp)
		row 5 "$wl, $name: cold recall" "" /tmp/a.$wl.$tool.cr $(r cr)
		row 5 "$wl, $name: working set size error" "(seen - true) / true" /tmp/a.$wl.$tool.wss
		row 5 "$wl, $name: periods to notice a phase change ($(awk '{ n += $1 } END { print n + 0 }' /tmp/a.$wl.$tool.never) of $(wc -l < /tmp/a.$wl.$tool.notice) never)" \
			"periods of $P ms" /tmp/a.$wl.$tool.notice
	done
	[ -n "$why" ] && row_na 5 "$wl, DAMON" "$why"
done
