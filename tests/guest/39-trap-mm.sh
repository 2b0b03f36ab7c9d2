# SPDX-License-Identifier: GPL-2.0
# Trap mode around the memory operations that meet armed (PROT_NONE) pages,
# each against trapmm in a watched process of its own (-i 100 --trap 4096),
# once its pages are armed, every byte of every page checked afterwards:
# - fork: the parent's armed pages trap once each, in the parent's thread,
#   whether the parent (then writing: copy-on-write) or the unwatched child
#   touched them first; the child sees the original everywhere;
# - swap-out (MADV_PAGEOUT, swap on zram) and swap-in: armed pages swapped
#   out are counted lost, not hits, and come back whole without a trap;
# - THP: a huge page split beside armed pages (which still trap, once), and
#   MADV_COLLAPSE over armed small pages and one just written (6.12 will
#   not collapse a range without a writable PTE, SCAN_PAGE_RO, and an armed
#   PTE is not writable there, as NUMA hinting's are not): the armed ones
#   lost, contents and holes right;
# - refusal: a userfaultfd-registered and a MADV_MERGEABLE region are never
#   armed (no trap event), the plain one beside them is;
# - KSM: pages armed, then made mergeable and left to ksmd (6.12 merges
#   them, 6.1 does not): contents right, before and after copy-on-write, a
#   trap only where a PTE stayed armed;
# - an mprotect round trip, mremap, munmap and a new mapping, MADV_DONTNEED
#   (all but mremap's read right away, before a pass sweeps the armed
#   table), and MADV_FREE: contents right, a trap event only for the pages still armed
#   (MADV_FREE's, not yet freed), the counts consistent; and an exit with
#   pages armed: none left armed.
# A kernel without userfaultfd, KSM or swap on zram fails those checks
# (the debug kernel is built with them: tests/vm/debug.config).

# lost PID: the target's trap_lost; counts PID: "ARMED HITS LOST", read
# together (armed PID: lib.sh).
lost() { json_field "$(heapmonctl stats $1 --json)" trap_lost; }
counts() {
	local st=$(heapmonctl stats $1 --json)
	echo $(json_field "$st" traps_armed) $(json_field "$st" trap_hits) \
		$(json_field "$st" trap_lost)
}

# watch_armed WHAT PID N: watches PID in trap mode, waits up to 30 s until N
# pages are armed, then two passes more (what was idle alongside them and
# could be armed is, by then) and checks it.
watch_armed() {
	heapmonctl watch $2 -i 100 --trap 4096 --detach >/dev/null
	wait_armed $2 $3
	wait_passes $2 2
	local n=$(armed $2)
	[ "$n" -ge $3 ] && pass "$1: at least $3 pages armed ($n)" ||
		fail "$1: $n pages armed after 30 s, want at least $3"
}

# next PID OUT N: sends trapmm its Nth SIGUSR1 and waits for the step's end.
next() {
	kill -USR1 $1
	wait_for_line $2 "^(step$3|done)\$"
}

# pages BASE COUNT: the addresses of COUNT pages from BASE, one a line.
pages() {
	local i=0
	while [ $i -lt $2 ]; do
		printf '0x%x\n' $(($1 + i * 4096))
		i=$((i + 1))
	done
}

# traps PID LO HI: the addresses of PID's trap events in [LO, HI), one an event.
traps() {
	heapmonctl events $1 --json | grep '"kind":"trap"' |
		sed -n 's/.*"addr":"\(0x[0-9a-f]*\)".*"addr_int":\([0-9]*\).*/\1 \2/p' |
		awk -v lo=$(($2)) -v hi=$(($3)) '$2 >= lo && $2 < hi { print $1 }'
}

# same_set GOT WANT (files of addresses): "M missing, U unexpected, R repeated",
# with one address of each.
same_set() {
	awk 'FILENAME == ARGV[1] { want[$1] = 1; next } { got[$1]++ }
	END {
		for (a in want) if (!(a in got)) { m++; fm = " (" a ")" }
		for (a in got) {
			if (!(a in want)) { u++; fu = " (" a ")" }
			if (got[a] > 1) { r++; fr = " (" a ")" }
		}
		printf "%d missing%s, %d unexpected%s, %d repeated%s\n", m, fm, u, fu, r, fr
	}' "$2" "$1"
}
ALL="0 missing, 0 unexpected, 0 repeated"

# expect_traps WHAT PID LO HI WANTFILE: PID's trap events in [LO, HI) are
# exactly one for each address in WANTFILE (empty: none).
expect_traps() {
	traps $2 $3 $4 > /tmp/t39.got
	expect_eq "$1" "$(same_set /tmp/t39.got $5)" "$ALL"
}

# line OUT REGEX: the program's output lines that match, space-joined.
line() { grep -E "$2" $1 | tr '\n' ' ' | sed 's/ $//'; }

# start_trapmm OUT ARGS...: starts trapmm, waits for its ready line; sets TM.
start_trapmm() {
	local out=$1
	shift
	trapmm "$@" > $out &
	TM=$!
	wait_for_line $out '^ready'
}

# stop: lets trapmm ($TM) exit, after its "done"; one that does not within
# 10 s (a step it still waits for) is a failure, and killed.
alive() {
	local st=$(awk '{ print $3 }' /proc/$1/stat 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}
stop() {
	local i=0
	kill -USR1 $TM
	while alive $TM && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if alive $TM; then
		fail "trapmm $TM did not exit when told to: killed"
		kill -KILL $TM
	fi
	wait $TM
}

# finish: stop, and unwatch it.
finish() {
	stop
	heapmonctl unwatch $TM 2>/dev/null
}

load_module
: > /tmp/t39.none
P=4096

# --- fork
N=32
start_trapmm /tmp/f39.out fork $N
a=$(awk '/^ready/ { print $2 }' /tmp/f39.out)
watch_armed "fork" $TM $N
next $TM /tmp/f39.out 1
pages $a $N > /tmp/f39.want
expect_traps "fork: the parent's first touch of each armed page trapped once, before and after the child's" \
	$TM $a $((a + N * P)) /tmp/f39.want
expect_eq "fork: every trap in the parent's thread" \
	"$(heapmonctl events $TM --json | grep '"kind":"trap"' | grep -v "\"tid\":$TM," | head -n 1)" ""
expect_eq "fork: the child read the original in every page, then its own writes" \
	"$(line /tmp/f39.out '^child')" "child-read ok child ok child-exit 0"
expect_eq "fork: the parent read the original in every page, before and after the child" \
	"$(line /tmp/f39.out '^parent-')" "parent-even ok parent-odd ok"
expect_eq "fork: the parent's writes (copy-on-write) in every page" \
	"$(line /tmp/f39.out '^parent ')" "parent ok"
finish

# --- swap-out and swap-in
N=32
swap_ours=
grep -q zram0 /proc/swaps || { setup_swap 64 && swap_ours=1; }
if ! grep -q zram0 /proc/swaps; then
	for c in "armed" "pageout" "lost" "armed count" "contents" "no trap"; do
		fail "swap: $c: no swap on zram in this VM: not tested"
	done
else
	start_trapmm /tmp/s39.out swap $N
	a=$(awk '/^ready/ { print $2 }' /tmp/s39.out)
	watch_armed "swap" $TM $N
	set -- $(counts $TM)
	a0=$1 h0=$2 l0=$3
	next $TM /tmp/s39.out 1
	expect_eq "swap: MADV_PAGEOUT swapped out every armed page (pagemap)" \
		"$(line /tmp/s39.out '^pageout')" "pageout 0 $N"
	wait_passes $TM 2
	set -- $(counts $TM)
	a1=$1 h1=$2 l1=$3
	# Hits: the few other pages of trapmm's touched meanwhile (stack, stdio).
	[ $((l1 - l0)) -ge $N ] && [ $((h1 - h0)) -lt $N ] &&
		pass "swap: the $N swapped-out pages counted lost, not hit (lost $l0 -> $l1, hits $h0 -> $h1)" ||
		fail "swap: trap_lost $l0 -> $l1 (want at least $N more), trap_hits $h0 -> $h1 (want fewer than $N more)"
	[ $((a0 - a1)) -ge $N ] && pass "swap: they are no longer armed ($a0 -> $a1)" ||
		fail "swap: traps_armed $a0 -> $a1, want at least $N fewer"
	next $TM /tmp/s39.out 2
	expect_eq "swap: every page swapped in whole" \
		"$(line /tmp/s39.out '^(area|swapped-after)')" "area ok swapped-after 0"
	expect_traps "swap: no trap event for a page swapped out armed" \
		$TM $a $((a + N * P)) /tmp/t39.none
	finish
fi
if [ -n "$swap_ours" ]; then
	swapoff /dev/zram0 && echo 1 > /sys/block/zram0/reset
fi

# --- THP: a split beside armed pages, a collapse over them
# MADV_HUGEPAGE gets huge pages unless THP is off ("never").
thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_was=$(sed 's/.*\[\(.*\)\].*/\1/' $thp)
[ "$thp_was" = never ] && echo madvise > $thp
start_trapmm /tmp/h39.out thp
set -- $(awk '/^ready/ { print $2, $3, $4 }' /tmp/h39.out)
s0=$1 s1=$2 s2=$3
expect_eq "thp: S1 faulted in as a huge page" "$(line /tmp/h39.out '^s1-huge')" "s1-huge 2048"
watch_armed "thp" $TM $((256 + 16))
next $TM /tmp/h39.out 1
expect_eq "thp: S1 split by MADV_DONTNEED of one page and an mprotect round trip" \
	"$(line /tmp/h39.out '^(split|s1-huge)')" "s1-huge 2048 split 0 0 0 s1-huge 0"
expect_eq "thp: after the split, S1's pages hold their data, the dropped one zeros" \
	"$(line /tmp/h39.out '^s1 ')" "s1 ok"
expect_eq "thp: S2's armed pages beside it hold their data" "$(line /tmp/h39.out '^s2 ')" "s2 ok"
pages $s2 16 > /tmp/h39.want
expect_traps "thp: S2's armed pages trapped once each" $TM $s2 $((s2 + 16 * P)) /tmp/h39.want
l0=$(lost $TM)
next $TM /tmp/h39.out 2
# S0's mapping now holds S1 too (both VM_HUGEPAGE): khugepaged may have
# collapsed S1 again meanwhile.
kb=$(awk '/^s0-huge/ { print $2 }' /tmp/h39.out)
again=$(awk '/^collapse-eagain/ { print $2 }' /tmp/h39.out)
[ "$(line /tmp/h39.out '^collapse ')" = "collapse 0" ] && [ "${kb:-0}" -ge 2048 ] &&
	pass "thp: MADV_COLLAPSE of S0 (255 small pages armed, 1 just written, 256 holes) made a huge page (after $again EAGAIN)" ||
	fail "thp: MADV_COLLAPSE of S0: '$(line /tmp/h39.out '^collapse ')' (want 0) after $again EAGAIN, AnonHugePages $kb kB (want >= 2048)"
expect_eq "thp: the collapsed page holds S0's data, zeros in the holes" \
	"$(line /tmp/h39.out '^s0 ')" "s0 ok"
pages $s0 1 > /tmp/h39.want
expect_traps "thp: in S0, a trap event for the page written before the collapse, none for those collapsed" \
	$TM $s0 $((s0 + 2 * 1024 * 1024)) /tmp/h39.want
wait_passes $TM 2
l1=$(lost $TM)
[ $((l1 - l0)) -ge 255 ] && pass "thp: the 255 collapsed armed pages counted lost ($l0 -> $l1)" ||
	fail "thp: trap_lost $l0 -> $l1, want at least 255 more"
finish
[ "$thp_was" = never ] && echo never > $thp

# --- refusal: userfaultfd and KSM regions are never armed
N=32
start_trapmm /tmp/r39.out refuse $N
set -- $(awk '/^ready/ { print $2, $3, $4 }' /tmp/r39.out)
p=$1 u=$2 k=$3
uffd=$(line /tmp/r39.out '^uffd') ksm=$(line /tmp/r39.out '^ksm')
# 0: registered, merged; ENOSYS (38): no userfaultfd; EINVAL (22): no KSM.
expect_eq "refuse: userfaultfd registered (missing mode) after the pages were written" \
	"$uffd" "uffd 0"
expect_eq "refuse: MADV_MERGEABLE" "$ksm" "ksm 0"
watch_armed "refuse" $TM $N
wait_passes $TM 2
next $TM /tmp/r39.out 1
pages $p $N > /tmp/r39.want
expect_traps "refuse: the plain region's pages trapped once each" $TM $p $((p + N * P)) /tmp/r39.want
expect_traps "refuse: no trap event in the userfaultfd region" $TM $u $((u + N * P)) /tmp/t39.none
expect_traps "refuse: no trap event in the MADV_MERGEABLE region" $TM $k $((k + N * P)) \
	/tmp/t39.none
expect_eq "refuse: all three regions hold their data" "$(line /tmp/r39.out '^[puk] ')" \
	"p ok u ok k ok"
finish

# --- KSM: pages armed before MADV_MERGEABLE, left to ksmd
# Armed first, the pages stay armed when their mapping becomes mergeable.
# 6.12's ksmd merges them: the page it makes the KSM page in place keeps
# its PROT_NONE PTE (KSM only write-protects it), those it replaces by that
# page get a new PTE. 6.1's (6.1.192) does not: it looks a page in its
# unstable tree up again with follow_page(), which refuses a PROT_NONE PTE
# (gup_can_follow_protnone() without FOLL_FORCE), and drops it. Either way:
# a trap for each page not merged, at most one for each shared frame, the
# replaced pages lost, contents right.
N=32
start_trapmm /tmp/k39.out ksm $N
a=$(awk '/^ready/ { print $2 }' /tmp/k39.out)
watch_armed "ksm-merge" $TM $N
set -- $(counts $TM)
l0=$3
next $TM /tmp/k39.out 1
ksmd=/sys/kernel/mm/ksm
if [ "$(line /tmp/k39.out '^ksm')" = "ksm 22" ] && [ ! -d $ksmd ]; then
	next $TM /tmp/k39.out 2
	for c in "merged" "contents" "traps" "lost" "written"; do
		fail "ksm-merge: $c: no KSM in this kernel: not tested"
	done
else
	was="$(cat $ksmd/run) $(cat $ksmd/sleep_millisecs) $(cat $ksmd/pages_to_scan)"
	scans=$(cat $ksmd/full_scans)
	echo 10 > $ksmd/sleep_millisecs
	echo 1000 > $ksmd/pages_to_scan
	echo 1 > $ksmd/run
	# Two full scans merge identical pages (checksum, then the trees): three.
	i=0
	while [ $(cat $ksmd/full_scans) -lt $((scans + 3)) ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	next $TM /tmp/k39.out 2
	set -- $was
	echo $1 > $ksmd/run
	echo $2 > $ksmd/sleep_millisecs
	echo $3 > $ksmd/pages_to_scan
	set -- $(awk '/^merged-pages/ { print $2, $4 }' /tmp/k39.out)
	merged=${1:-0} frames=${2:-0}
	case $(uname -r) in
	6.1.*) want="0 0" what="none merged: 6.1's ksmd leaves PROT_NONE-mapped pages" ;;
	*) want="$N 1" what="all merged into one frame" ;;
	esac
	expect_eq "ksm-merge: $what" "$merged $frames" "$want"
	expect_eq "ksm-merge: every page read back whole" "$(line /tmp/k39.out '^read ')" "read ok"
	# Trap events on merged pages: at most one a frame; on the others,
	# exactly one each.
	awk '/^merged 0x/ { print $2 }' /tmp/k39.out > /tmp/k39.merged
	traps $TM $a $((a + N * P)) > /tmp/k39.got
	pages $a $N > /tmp/k39.all
	unmerged() { awk 'FILENAME == ARGV[1] { m[$1] = 1; next } !($1 in m)' /tmp/k39.merged $1; }
	unmerged /tmp/k39.got > /tmp/k39.gotu
	unmerged /tmp/k39.all > /tmp/k39.want
	m=$(awk 'FILENAME == ARGV[1] { m[$1] = 1; next } $1 in m { n++; if (s[$1]++) r++ }
		END { print n + 0, r + 0 }' /tmp/k39.merged /tmp/k39.got)
	[ "$(same_set /tmp/k39.gotu /tmp/k39.want)" = "$ALL" ] && [ ${m% *} -le $frames ] &&
		[ ${m#* } -eq 0 ] &&
		pass "ksm-merge: a trap for each of the $((N - merged)) pages not merged, ${m% *} for the $frames frames" ||
		fail "ksm-merge: pages not merged: $(same_set /tmp/k39.gotu /tmp/k39.want); merged: ${m% *} trap events (${m#* } repeated), want at most $frames, once each"
	wait_passes $TM 2
	set -- $(counts $TM)
	[ $(($3 - l0)) -ge $((merged - frames)) ] &&
		pass "ksm-merge: the $((merged - frames)) pages replaced by a KSM page counted lost ($l0 -> $3)" ||
		fail "ksm-merge: trap_lost $l0 -> $3, want at least $((merged - frames)) more"
	expect_eq "ksm-merge: each page written, copied out of the KSM page" \
		"$(line /tmp/k39.out '^written ')" "written ok"
fi
finish

# --- mprotect, mremap, munmap, MADV_DONTNEED, MADV_FREE; exit
# Counts are compared two passes after a step, before what the step touched
# can have been idle the four periods that arming needs; on a slow kernel
# the step itself and noticing its end may take a few passes, so a page
# touched in a step may be armed again by then: only pages nothing touched
# are counted on in traps_armed.
N=16
start_trapmm /tmp/o39.out ops $N
reg() { awk -v n=$1 '$1 == "region" && $2 == n { print $3 }' /tmp/o39.out; }
watch_armed "ops" $TM $((7 * N))
set -- $(counts $TM)
a0=$1 h0=$2 l0=$3
next $TM /tmp/o39.out 1
expect_eq "ops: mprotect x2, mremap, munmap, mmap, MADV_DONTNEED, MADV_FREE succeeded" \
	"$(line /tmp/o39.out '^rc')" "rc 0 0 0 0 0 0 0"
expect_eq "ops: after an mprotect round trip, every page's data (and still writable)" \
	"$(line /tmp/o39.out '^mprot ')" "mprot ok"
b=$(reg mprot)
expect_traps "ops: no trap event in mprot's range: mprotect rewrote its PTEs" \
	$TM $b $((b + N * P)) /tmp/t39.none
wait_passes $TM 2
set -- $(counts $TM)
a1=$1 h1=$2 l1=$3
# Lost: mprot, mremap (its PTEs moved), munmap, dontneed; MADV_FREE leaves
# its pages mapped and armed. mprot, touched, may be armed again already.
[ $((l1 - l0)) -ge $((4 * N)) ] && [ $((h1 - h0)) -lt $N ] &&
	pass "ops: the four regions gone untouched counted lost, not hit (lost $l0 -> $l1, hits $h0 -> $h1)" ||
	fail "ops: trap_lost $l0 -> $l1 (want at least $((4 * N)) more), trap_hits $h0 -> $h1 (want fewer than $N more)"
[ $((a0 - a1)) -ge $((3 * N)) ] && pass "ops: no longer armed ($a0 -> $a1)" ||
	fail "ops: traps_armed $a0 -> $a1, want at least $((3 * N)) fewer (mremap, munmap, dontneed)"

next $TM /tmp/o39.out 2
expect_eq "ops: after mremap, every page's data at the new address" \
	"$(line /tmp/o39.out '^dest ')" "dest ok"
expect_eq "ops: unmapped and mapped again: zeros" "$(line /tmp/o39.out '^munmap ')" "munmap ok"
expect_eq "ops: after MADV_DONTNEED: zeros" "$(line /tmp/o39.out '^dontneed ')" "dontneed ok"
expect_eq "ops: the control region's data" "$(line /tmp/o39.out '^control ')" "control ok"
expect_eq "ops: after MADV_FREE, each page its data or zeros" "$(line /tmp/o39.out '^free ')" \
	"free ok"
for r in mremap dest munmap dontneed; do
	b=$(reg $r)
	expect_traps "ops: no trap event in $r's range" $TM $b $((b + N * P)) /tmp/t39.none
done
b=$(reg free)
kept=$(grep -c '^kept' /tmp/o39.out)
awk '/^kept/ { print $2 }' /tmp/o39.out > /tmp/o39.kept
expect_traps "ops: MADV_FREE: a trap event for each page still mapped ($kept of $N), none for the freed" \
	$TM $b $((b + N * P)) /tmp/o39.kept
b=$(reg control)
pages $b $N > /tmp/o39.want
expect_traps "ops: the control region's pages trapped once each" $TM $b $((b + N * P)) /tmp/o39.want
b=$(reg exit)
expect_traps "ops: no trap event in the region never touched" $TM $b $((b + N * P)) /tmp/t39.none
wait_passes $TM 1
set -- $(counts $TM)
h2=$2 l2=$3
[ $((h2 - h1)) -ge $((N + kept)) ] && [ $((l2 - l1 + h2 - h1)) -ge $((2 * N)) ] &&
	pass "ops: the control and MADV_FREE pages counted, touched as hits (hits $h1 -> $h2, lost $l1 -> $l2)" ||
	fail "ops: trap_hits $h1 -> $h2 (want at least $((N + kept)) more), trap_lost $l1 -> $l2 (want $((2 * N)) more in all)"
stop
i=0
while [ "$(json_field "$(heapmonctl stats $TM --json)" state)" != exited ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
st=$(heapmonctl stats $TM --json)
l3=$(json_field "$st" trap_lost)
[ "$(json_field "$st" state) $(json_field "$st" traps_armed)" = "exited 0" ] &&
	[ $((l3 - l2)) -ge $N ] &&
	pass "ops: exited with pages armed: none left armed, they are lost ($l2 -> $l3)" ||
	fail "ops: after the exit: state $(json_field "$st" state), traps_armed $(json_field "$st" traps_armed), trap_lost $l2 -> $l3 (want exited, 0, at least $N more)"
heapmonctl unwatch $TM
