# SPDX-License-Identifier: GPL-2.0
# Helpers for benchmarks inside the VM.
export PATH=/work/progs:/work/bin:/bin:/sbin
. /work/guest/lib.sh

# median: the median of the numbers on stdin, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { sort -n | head -n 1; }
maximum() { sort -n | tail -n 1; }

# summary NAME FILE: "NAME median M (min A, max B)" from a file of numbers.
summary() {
	printf '%-44s median %10s  (min %s, max %s)\n' "$1" "$(median < "$2")" \
		"$(minimum < "$2")" "$(maximum < "$2")"
}

# The rest serves `make bench` (bench/run). Every figure is printed as one
# line "BENCH {json}" that bench/run collects; everything else is progress.
export PATH=/work/bprogs:$PATH
REPS=${REPS:-5}

progress() { echo "bench: $*"; }

# calc EXPR: awk arithmetic, printed with up to 4 significant decimals.
calc() { awk "BEGIN { v = $1; printf \"%.6g\n\", v }"; }

# stats FILE: "MEDIAN MIN MAX N" of the numbers in FILE.
stats() { echo "$(median < "$1") $(minimum < "$1") $(maximum < "$1") $(wc -l < "$1")"; }

# row PART NAME UNIT VALUES [RATIOS VS]: one figure, with its ratio to VS
# (measured in the same repetition) when RATIOS is given.
row() {
	set -- "$1" "$2" "$3" "$4" "${5:-}" "${6:-}" $(stats "$4")
	local r=
	if [ -n "$5" ]; then
		r=$(stats "$5" | awk -v vs="$6" '{ printf ",\"ratio\":{\"vs\":\"%s\",\"median\":%s,\"min\":%s,\"max\":%s}", vs, $1, $2, $3 }')
	fi
	echo "BENCH {\"part\":$1,\"name\":\"$2\",\"unit\":\"$3\",\"median\":$7,\"min\":$8,\"max\":$9,\"n\":${10}$r}"
}

# row_na PART NAME WHY: a figure this kernel cannot give.
row_na() { echo "BENCH {\"part\":$1,\"name\":\"$2\",\"na\":\"$3\"}"; }

# start_prog OUTFILE PROG ARGS...: starts PROG in the background and waits
# for its "ready" line; sets BG to its PID.
start_prog() {
	local out=$1 i=0
	shift
	rm -f "$out"
	"$@" > "$out" &
	BG=$!
	while ! grep -q "^ready $BG" "$out" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_sweeps FILE N: waits until a heaphold writing to FILE has swept its
# heap N more times.
wait_sweeps() {
	local want=$(($(grep -c '^sweep' "$1") + $2)) i=0
	while [ "$(grep -c '^sweep' "$1")" -lt $want ] && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# alive PID: whether PID runs (a child that exited but is not yet reaped
# does not).
alive() { [ -r /proc/$1/stat ] && [ "$(awk '{ print $3 }' /proc/$1/stat 2>/dev/null)" != Z ]; }

# stop_prog PID: kills and reaps it.
stop_prog() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# cpu_ns PID: CPU time PID has used, in ns (from schedstat when the kernel
# has it, else from the utime and stime ticks of stat).
cpu_ns() {
	if [ -r /proc/$1/schedstat ]; then
		awk '{ print $1 }' /proc/$1/schedstat
	else
		awk -v hz=100 '{ printf "%.0f\n", ($14 + $15) * 1e9 / hz }' /proc/$1/stat
	fi
}

# uptime_s: seconds since boot, the clock of masim's record.
uptime_s() { cut -d ' ' -f 1 /proc/uptime; }

# field WORD LINE: the value after WORD in "WORD VALUE WORD VALUE..." output.
field() { echo "$2" | awk -v w="$1" '{ for (i = 1; i < NF; i++) if ($i == w) { print $(i + 1); exit } }'; }
