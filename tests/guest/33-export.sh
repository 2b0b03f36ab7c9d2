# SPDX-License-Identifier: GPL-2.0
# heapmonctl export: a workload with 4 MiB written once and never again
# (nothp, so small pages), watched every second and stopped (SIGSTOP), so
# that between two passes nothing in its statistics moves. Known truth:
# export's values are STATS' when STATS, the export and HISTORY are all of
# one pass (a period of 500 ms was too short for that on the debug kernel),
# at least the 4 MiB are resident and never touched again, and the cold
# growth is the history's first and last samples' (as `heapmonctl history`
# reads them). --textfile replaces DIR/heapmon.prom by a rename (a new
# inode, no temporary file left, mode 0644); a target that exits is gone
# from the next export. Cost: 9 s on 6.12, 29 s on the debug kernel.
MIB=1048576
D=/tmp/prom33

# metric FILE NAME [LABELS]: the value of NAME{pid="$WL",comm=...LABELS}.
metric() {
	grep "^$2{pid=\"$WL\",comm=\"[^\"]*\"$3} " "$1" | awk '{ print $NF }'
}

start_workload /tmp/w33.out nothp:4:none
heapmonctl watch $WL -i 1000 --detach >/dev/null
wait_passes $WL 3
kill -STOP $WL

# STATS, the export and HISTORY of the same pass: up to 5 tries, each said.
for try in 1 2 3 4 5; do
	s1=$(heapmonctl stats $WL --json)
	heapmonctl export --idle 1s > /tmp/e33.prom
	rc=$?
	heapmonctl history $WL --json > /tmp/h33.json
	p1=$(json_field "$s1" passes)
	[ "$(metric /tmp/e33.prom heapmon_passes_total)" = "$p1" ] &&
		[ "$(tail -n 1 /tmp/h33.json | sed -n 's/.*"passes":\([0-9]*\).*/\1/p')" = "$p1" ] && break
	echo "# try $try: a pass ran during the export, again"
done
expect_eq "export: status 0" "$rc" 0
expect_eq "export: the same pass as STATS" "$(metric /tmp/e33.prom heapmon_passes_total)" \
	"$(json_field "$s1" passes)"
expect_eq "export: comm label is the workload's" \
	"$(grep -c "^heapmon_resident_bytes{pid=\"$WL\",comm=\"workload\"} " /tmp/e33.prom)" 1
for f in resident_bytes:resident_bytes swapped_bytes:swapped_bytes tracked_bytes:tracked_bytes \
	touched_bytes:touched_bytes never_touched_bytes:never_bytes huge_bytes:huge_bytes \
	untracked_pages:untracked_pages skipped_passes_total:skipped_passes \
	faults_total:faults pass_pages:pass_pages; do
	expect_eq "export: heapmon_${f%%:*} as stats' ${f#*:}" \
		"$(metric /tmp/e33.prom heapmon_${f%%:*})" "$(json_field "$s1" ${f#*:})"
done
r=$(metric /tmp/e33.prom heapmon_resident_bytes)
[ "${r:-0}" -ge $((4 * MIB)) ] && [ "${r:-0}" -lt $((5 * MIB)) ] &&
	pass "export: resident bytes are the 4 MiB area and the small heap: $r" ||
	fail "export: resident bytes $r, want 4 MiB to 5 MiB"
n=$(metric /tmp/e33.prom heapmon_never_touched_bytes)
[ "${n:-0}" -ge $((4 * MIB)) ] && pass "export: the 4 MiB never touched again: $n" ||
	fail "export: never touched $n, want at least 4 MiB"
# Buckets of 1, 10, 60, 600 periods of 1 s.
for b in 1:idle1 10:idle10 60:idle60 600:idle600; do
	expect_eq "export: heapmon_idle_bytes{idle_seconds=${b%%:*}} as stats' ${b#*:}_bytes" \
		"$(metric /tmp/e33.prom heapmon_idle_bytes ",idle_seconds=\"${b%%:*}\"")" \
		"$(json_field "$s1" ${b#*:}_bytes)"
done
expect_eq "export: pass duration as stats' pass_ns" \
	"$(metric /tmp/e33.prom heapmon_pass_duration_seconds | awk '{ printf "%.0f", $1 * 1e9 }')" \
	"$(json_field "$s1" pass_ns)"
# Cold growth (idle >= 1 s, 1 period) from the history's first to last sample.
want=$(awk '{ match($0, /"time_ns":[0-9]+/); t = substr($0, RSTART + 10, RLENGTH - 10)
	match($0, /"idle1_bytes":[0-9]+/); b = substr($0, RSTART + 14, RLENGTH - 14)
	if (NR == 1) { t0 = t; b0 = b } }
	END { printf "%.0f %.3f", (b - b0) / ((t - t0) / 1e9), (t - t0) / 1e9 }' /tmp/h33.json)
got=$(printf '%.0f %.3f' "$(metric /tmp/e33.prom heapmon_cold_growth_bytes_per_second ',idle_seconds="1"')" \
	"$(metric /tmp/e33.prom heapmon_cold_growth_window_seconds)")
expect_eq "export: cold growth and its window as the history's first and last samples" "$got" "$want"

# --textfile: a rename over the old file, nothing else left in DIR.
rm -rf $D
mkdir -p $D
heapmonctl export --textfile $D
rc1=$?
i1=$(ls -i $D/heapmon.prom | awk '{ print $1 }')
heapmonctl export --textfile $D
rc2=$?
i2=$(ls -i $D/heapmon.prom | awk '{ print $1 }')
expect_eq "export --textfile: status 0, twice" "$rc1 $rc2" "0 0"
[ -n "$i1" ] && [ -n "$i2" ] && [ "$i1" != "$i2" ] &&
	pass "export --textfile: the file is replaced (inode $i1, then $i2), not rewritten" ||
	fail "export --textfile: inodes '$i1' then '$i2', want two different ones"
expect_eq "export --textfile: only heapmon.prom in DIR" "$(ls -A $D)" heapmon.prom
expect_eq "export --textfile: mode 0644" "$(stat -c %a $D/heapmon.prom)" 644
expect_eq "export --textfile: the target is in it" \
	"$(grep -c "^heapmon_resident_bytes{pid=\"$WL\"," $D/heapmon.prom)" 1
run heapmonctl export --textfile $D/missing
expect_eq "export --textfile to a missing directory: status 1" "$RC" 1
if [ -c /dev/full ]; then
	heapmonctl export > /dev/full 2>/tmp/e33.err
	expect_eq "export to a full disk (/dev/full): status 1, said" \
		"$? $(grep -c 'No space left' /tmp/e33.err)" "1 1"
else
	fail "export to a full disk: no /dev/full in the VM"
fi

# The target exits: gone from the next export, counted as exited until unwatched.
kill -CONT $WL
kill $WL
wait $WL 2>/dev/null
i=0
# list's columns: PID COMMAND STATE INTERVAL ("200 ms"; a command may hold spaces).
while [ "$(heapmonctl list | awk -v p=$WL '$1 == p { print $(NF - 2) }')" != exited ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
heapmonctl export > /tmp/e33b.prom
expect_eq "export: the exited target has no samples" "$(grep -c "pid=\"$WL\"" /tmp/e33b.prom)" 0
expect_eq "export: it counts as exited, as list says" \
	"$(grep '^heapmon_targets{state="exited"} ' /tmp/e33b.prom | awk '{ print $2 }')" \
	"$(heapmonctl list | awk 'NR > 1 && $(NF - 2) == "exited"' | wc -l)"
heapmonctl unwatch $WL
rm -rf $D
