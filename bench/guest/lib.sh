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
