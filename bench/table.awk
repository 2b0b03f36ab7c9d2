# SPDX-License-Identifier: GPL-2.0
# One bench/results/*.json file (one row object per line, as bench/run
# writes it) to a Markdown table.

function str(s, key) {
	if (!match(s, "\"" key "\":\"[^\"]*\""))
		return ""
	return substr(s, RSTART + length(key) + 4, RLENGTH - length(key) - 5)
}

function num(s, key) {
	if (!match(s, "\"" key "\":-?[0-9.e+-]+"))
		return ""
	return substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
}

# 3 significant digits, without exponents.
function fmt(v,   a) {
	if (v == "")
		return ""
	v += 0
	a = v < 0 ? -v : v
	if (a >= 100)
		return sprintf("%.0f", sprintf("%.3g", v))
	if (a >= 10)
		return sprintf("%.1f", v)
	if (a >= 1)
		return sprintf("%.2f", v)
	if (a >= 0.001 || a == 0)
		return sprintf("%.3f", v)
	return sprintf("%.2e", v)
}

function range(s) {
	if (num(s, "min") == num(s, "max"))
		return fmt(num(s, "median"))
	return fmt(num(s, "median")) " (" fmt(num(s, "min")) "–" fmt(num(s, "max")) ")"
}

NR == 1 { kernel = str($0, "kernel"); date = str($0, "date") }
/^"meta":/ {
	name = kernel == "debug" ? "debug kernel" : "Debian " kernel
	printf "#### %s (%s), %s: %s repetitions, %s CPUs, %s MiB, QEMU TCG\n\n", name,
		str($0, "release"), date, num($0, "reps"), num($0, "cpus"), num($0, "mem_mib")
	print "| part | figure | median (min–max) | unit | ratio: median (min–max) | ratio to |"
	print "|---|---|---|---|---|---|"
}
/^\{"part":/ {
	part = num($0, "part")
	if (str($0, "na") != "") {
		printf "| %s | %s | n/a: %s | | | |\n", part, str($0, "name"), str($0, "na")
		next
	}
	ratio = ""
	vs = ""
	if (match($0, /"ratio":\{[^}]*\}/)) {
		r = substr($0, RSTART, RLENGTH)
		ratio = range(r)
		vs = str(r, "vs")
	}
	printf "| %s | %s | %s | %s | %s | %s |\n", part, str($0, "name"), range($0),
		str($0, "unit"), ratio, vs
}
END { print "" }
