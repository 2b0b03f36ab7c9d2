# SPDX-License-Identifier: GPL-2.0
# DAMON through its sysfs interface (Documentation/admin-guide/mm/damon/
# usage.rst): one kdamond, one virtual address space context, one target.
DAMON=/sys/kernel/mm/damon/admin/kdamonds
DK=$DAMON/0
DC=$DK/contexts/0

damon_available() { [ -d $DAMON ]; }

# damon_tried_regions_available: whether this kernel's DAMON sysfs can list
# the regions it monitors (6.2 and later).
damon_tried_regions_available() { [ -d $DC/schemes/0/tried_regions ]; }

# damon_start PID SAMPLE_US AGGR_US MIN_REGIONS MAX_REGIONS [stat]: monitors
# PID. With "stat", adds a scheme that matches every region and does nothing
# but count, so that damon_regions can list the regions.
damon_start() {
	echo 1 > $DAMON/nr_kdamonds
	echo 1 > $DK/contexts/nr_contexts
	echo vaddr > $DC/operations
	echo $2 > $DC/monitoring_attrs/intervals/sample_us
	echo $3 > $DC/monitoring_attrs/intervals/aggr_us
	echo $5 > $DC/monitoring_attrs/nr_regions/max
	echo $4 > $DC/monitoring_attrs/nr_regions/min
	echo 1 > $DC/targets/nr_targets
	echo $1 > $DC/targets/0/pid_target
	if [ "${6:-}" = stat ]; then
		echo 1 > $DC/schemes/nr_schemes
		echo stat > $DC/schemes/0/action
		local p=$DC/schemes/0/access_pattern
		echo 0 > $p/sz/min
		echo 18446744073709551615 > $p/sz/max
		echo 0 > $p/nr_accesses/min
		echo 4294967295 > $p/nr_accesses/max
		echo 0 > $p/age/min
		echo 4294967295 > $p/age/max
	else
		echo 0 > $DC/schemes/nr_schemes
	fi
	echo on > $DK/state
}

damon_running() { [ "$(cat $DK/state 2>/dev/null)" = on ]; }

# damon_stop: kdamond ends by itself when its target exits.
damon_stop() { echo off > $DK/state 2>/dev/null || true; }

damon_kdamond_pid() { cat $DK/pid; }

# damon_regions: the monitored regions as of the last aggregation, one
# "START END NR_ACCESSES" line each; fails when kdamond is not running.
damon_regions() {
	local d s e n
	echo update_schemes_tried_regions 2>/dev/null > $DK/state || return 1
	for d in $DC/schemes/0/tried_regions/[0-9]*; do
		[ -d "$d" ] || continue
		read s < $d/start
		read e < $d/end
		read n < $d/nr_accesses
		echo "$s $e $n"
	done
}

# damon_cpu_per_s PID SAMPLE_US AGGR_US MIN MAX WARM_S SECONDS: kdamond's CPU
# time per second of monitoring PID, in ns, after WARM_S seconds.
damon_cpu_per_s() {
	local k c0 c1
	damon_start $1 $2 $3 $4 $5
	sleep $6
	k=$(damon_kdamond_pid)
	c0=$(cpu_ns $k)
	sleep $7
	c1=$(cpu_ns $k)
	damon_stop
	calc "($c1 - $c0) / $7"
}

# damon_cover_regions PAGES PERIOD_MS SAMPLE_US: the number of regions with
# which DAMON checks as many pages per PERIOD_MS as there are PAGES (one
# page per region per sample), the heapmon period's coverage.
damon_cover_regions() {
	awk -v p=$1 -v per=$2 -v s=$3 'BEGIN { n = p / (per * 1000 / s); n = (n == int(n)) ? n : int(n) + 1; print (n < 10) ? 10 : n }'
}
