# SPDX-License-Identifier: GPL-2.0
# Part 7: what trap mode (watch --trap N) costs the program it watches and
# its passes. trapcost keeps a 64 MiB heap cold while it works on a hot
# 1 MiB area, then does TRAP_STEPS steps, each one the first read of the
# next cold page (in address order) and W random read-modify-writes of the
# hot area, timing its whole work and each cold read alone; W is each of
# TRAP_WORKS in turn (by default about 600 cold reads a second in the VM,
# then ten times as many). Each repetition runs it unwatched, watched every
# 100 ms in accessed-bit mode, watched every 100 ms with --trap N for each
# N of TRAP_NS, and unwatched again. A watched run starts once heapmon has
# done TRAP_SETUP passes (the cold pages idle for 4 periods, so armed in
# trap mode). Figures, and their ratios within one repetition:
#   the program's time, over the mean of the two unwatched runs (as part 2);
#   the median time of one cold read, the trap runs' over the accessed-bit
#   run's (the same read of a page idle as long, whose accessed bit was
#   cleared: what differs is the fault); the share of cold reads that
#   trapped (trap_hits over reads); the extra time per trap: the cold
#   reads' summed time, and the whole run's, less the accessed-bit run's,
#   over trap_hits; the cold reads' extra time over the unwatched run's
#   time (the slowdown the traps themselves account for: the whole run's
#   ratio is within the noise of the shared host);
#   pass_ns, in runs of their own (REPS repetitions, the configurations in
#   turn): trapcost's setup watched every TRAP_PASS_MS (500: slow enough
#   for every pass's pass_ns to be read before the next; trapcost at nice
#   19, so that it keeps its CPU busy but lets the polling in), in accessed-bit
#   mode on the idle heap (median of passes 3 and on), and with --trap N
#   the pass that armed pages (it ends with the synchronous flush of the
#   target's CPUs) and the passes after it, with none to arm; over the
#   accessed-bit pass.
. /work/bench/guest/lib.sh
TRAP_MIB=${TRAP_MIB:-64}
TRAP_STEPS=${TRAP_STEPS:-4000}
TRAP_WORKS=${TRAP_WORKS:-200000 20000}
TRAP_NS=${TRAP_NS:-256 4096}
TRAP_SETUP=${TRAP_SETUP:-9}
TRAP_PASS_MS=${TRAP_PASS_MS:-500}
rm -f /tmp/t.*

configs=abit
for n in $TRAP_NS; do
	configs="$configs trap:$n"
done

# poll_passes PID N FILE: until PID has done N passes, a line per pass seen:
# "PASS PASS_NS TRAPS_ARMED" (a pass missed between two polls leaves a gap).
poll_passes() {
	local last=0 s p i=0
	: > "$3"
	while [ $i -lt 3000 ]; do
		s=$(heapmonctl stats $1 --json | sed -n \
			's/.*"passes":\([0-9]*\).*"pass_ns":\([0-9]*\).*"traps_armed":\([0-9]*\).*/\1 \2 \3/p')
		p=${s%% *}
		if [ "${p:-0}" != $last ]; then
			echo "$s" >> "$3"
			last=$p
		fi
		[ "${p:-0}" -ge $2 ] && return 0
		alive $1 || break
		sleep 0.02
		i=$((i + 1))
	done
	progress "part 7: target $1 did not reach $2 passes"
	return 1
}

# run_one: runs trapcost under $config; prints its result line, then
# "hits N" (trap_hits during the timed part) when watched.
run_one() {
	local pid s h0=0 i=0
	start_prog /tmp/t.out trapcost $TRAP_MIB $TRAP_STEPS $work
	pid=$BG
	case $config in
	abit) heapmonctl watch $pid -i 100 --detach >/dev/null ;;
	trap:*) heapmonctl watch $pid -i 100 --trap ${config#trap:} --detach >/dev/null ;;
	esac
	if [ $config != none ]; then
		wait_passes $pid $TRAP_SETUP
		h0=$(json_field "$(heapmonctl stats $pid --json)" trap_hits)
	fi
	kill -USR1 $pid
	while ! grep -q '^elapsed_ns' /tmp/t.out && [ $i -lt 6000 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep '^elapsed_ns' /tmp/t.out
	if [ $config != none ]; then
		s=$(heapmonctl stats $pid --json)
		echo "hits $(($(json_field "$s" trap_hits) - h0))"
		heapmonctl unwatch $pid >/dev/null 2>&1
	fi
	stop_prog $pid
}

describe() {
	case $1 in
	none) echo "unwatched" ;;
	abit) echo "heapmon 100 ms" ;;
	trap:*) echo "heapmon 100 ms, --trap ${1#trap:}" ;;
	esac
}

# Trap mode needs CONFIG_NUMA_BALANCING and one NUMA node: say so otherwise.
start_prog /tmp/t.out trapcost 1 1 1
if ! heapmonctl watch $BG --trap 1 --detach > /tmp/t.why 2>&1; then
	stop_prog $BG
	row_na 7 "trap mode" "$(tr -d '"\\' < /tmp/t.why | head -n 1)"
	exit 0
fi
heapmonctl unwatch $BG >/dev/null
stop_prog $BG

# schedule: REPS repetitions of every config with $work hot writes per cold
# read; figures to /tmp/t.$work.*.
schedule() {
	local i=0 a b ea eb r r0 e hits f=/tmp/t.$work
	config=none
	run_one > /dev/null	# warm-up
	while [ $i -lt $REPS ]; do
		progress "part 7: $work hot writes per cold read, repetition $((i + 1)) of $REPS"
		config=none
		a=$(run_one)
		for config in $configs; do
			run_one > $f.now.$config
		done
		config=none
		b=$(run_one)
		ea=$(field elapsed_ns "$a")
		eb=$(field elapsed_ns "$b")
		calc "($ea + $eb) / 2e6" >> $f.none.ms
		calc "2 * $TRAP_STEPS * 1e9 / ($ea + $eb)" >> $f.none.rate
		calc "($(field touch_median_ns "$a") + $(field touch_median_ns "$b")) / 2" >> $f.none.touch
		for config in $configs; do
			e=$(field elapsed_ns "$(cat $f.now.$config)")
			calc "$e / 1e6" >> $f.$config.ms
			calc "2 * $e / ($ea + $eb)" >> $f.$config.ms.ratio
			field touch_median_ns "$(cat $f.now.$config)" >> $f.$config.touch
		done
		# Against the accessed-bit run of the same repetition.
		r0=$(cat $f.now.abit)
		for config in $configs; do
			[ $config = abit ] && continue
			r=$(cat $f.now.$config)
			hits=$(field hits "$r")
			calc "$(field touch_median_ns "$r") / $(field touch_median_ns "$r0")" >> $f.$config.touch.ratio
			calc "$hits / $(field touches "$r")" >> $f.$config.share
			calc "2 * ($(field touch_sum_ns "$r") - $(field touch_sum_ns "$r0")) / ($ea + $eb)" \
				>> $f.$config.added
			[ "$hits" -gt 0 ] || continue
			calc "($(field touch_sum_ns "$r") - $(field touch_sum_ns "$r0")) / $hits" >> $f.$config.pertrap
			calc "($(field elapsed_ns "$r") - $(field elapsed_ns "$r0")) / $hits" >> $f.$config.perrun
		done
		i=$((i + 1))
	done
}

# rows NAME UNIT FILE [RATIOS VS]: a row when FILE has figures (a pass
# missed by the polling may leave a repetition without one).
rows() { [ -s "$3" ] && row 7 "$1" "$2" "$3" "${4:-}" "${5:-}"; }

# pass_cost: REPS repetitions of trapcost's setup watched every TRAP_PASS_MS
# under each config; figures to /tmp/t.pass.*.
pass_cost() {
	local i=0 f=/tmp/t.pass p0 opt
	while [ $i -lt $REPS ]; do
		progress "part 7: pass cost, repetition $((i + 1)) of $REPS"
		for config in $configs; do
			start_prog /tmp/t.out trapcost $TRAP_MIB 1 1 19
			opt=
			[ $config != abit ] && opt="--trap ${config#trap:}"
			heapmonctl watch $BG -i $TRAP_PASS_MS $opt --detach >/dev/null
			poll_passes $BG $TRAP_SETUP $f.passes.$config
			heapmonctl unwatch $BG >/dev/null
			stop_prog $BG
		done
		p0=$(awk '$1 >= 3 { print $2 }' $f.passes.abit | median)
		i=$((i + 1))
		[ -n "$p0" ] || continue
		calc "$p0 / 1000" >> $f.abit
		for config in $configs; do
			[ $config = abit ] && continue
			# The arming pass: the first seen with pages armed, right after
			# one seen with none; then the passes after it, none to arm.
			awk -v p0="$p0" -v f=$f.$config '
				armed && $3 == armed { after[++n] = $2 }
				!armed && prev != "" && $3 > 0 && prev_armed == 0 && $1 == prev + 1 {
					printf "%.6g\n", $2 / 1000 >> (f ".arm")
					printf "%.6g\n", $2 / p0 >> (f ".arm.ratio")
					printf "%d\n", $3 >> (f ".armed")
					armed = $3
				}
				{ prev = $1; prev_armed = $3 }
				END {
					if (!n)
						exit
					for (i = 1; i <= n; i++)
						for (j = i + 1; j <= n; j++)
							if (after[j] < after[i]) {
								t = after[i]; after[i] = after[j]; after[j] = t
							}
					m = (n % 2) ? after[(n + 1) / 2] : (after[n / 2] + after[n / 2 + 1]) / 2
					printf "%.6g\n", m / 1000 >> (f ".idle")
					printf "%.6g\n", m / p0 >> (f ".idle.ratio")
				}' $f.passes.$config
		done
	done
}

for work in $TRAP_WORKS; do
	schedule
	f=/tmp/t.$work
	w="$TRAP_MIB MiB, a cold read per $work hot writes"
	rows "trapcost, $w, unwatched" ms $f.none.ms
	rows "trapcost, $w, unwatched: cold reads per second" "reads/s" $f.none.rate
	for config in $configs; do
		rows "trapcost, $w, $(describe $config)" ms $f.$config.ms $f.$config.ms.ratio unwatched
	done
	rows "one cold read, $w, unwatched" ns $f.none.touch
	rows "one cold read, $w, heapmon 100 ms" ns $f.abit.touch
	for config in $configs; do
		[ $config = abit ] && continue
		d="$w, $(describe $config)"
		rows "one cold read, $d" ns $f.$config.touch $f.$config.touch.ratio \
			"heapmon 100 ms (no trap)"
		rows "$d: share of cold reads that trapped" "" $f.$config.share
		rows "$d: extra time of the cold reads per trap" ns/trap $f.$config.pertrap
		rows "$d: extra time of the whole run per trap" ns/trap $f.$config.perrun
		rows "$d: extra time of the cold reads over the unwatched run's time" "" $f.$config.added
	done
done

pass_cost
f=/tmp/t.pass
rows "pass, heapmon $TRAP_PASS_MS ms, $TRAP_MIB MiB idle" us $f.abit
for config in $configs; do
	[ $config = abit ] && continue
	n=${config#trap:}
	rows "pass arming pages, heapmon $TRAP_PASS_MS ms, --trap $n" us $f.$config.arm \
		$f.$config.arm.ratio "heapmon $TRAP_PASS_MS ms pass"
	rows "pass arming pages, heapmon $TRAP_PASS_MS ms, --trap $n: pages armed" pages \
		$f.$config.armed
	rows "pass with none to arm, heapmon $TRAP_PASS_MS ms, --trap $n" us $f.$config.idle \
		$f.$config.idle.ratio "heapmon $TRAP_PASS_MS ms pass"
done
