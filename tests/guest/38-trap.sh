# SPDX-License-Identifier: GPL-2.0
# Trap mode (watch --trap N): idle pages are armed (PROT_NONE) and each one's
# first touch is reported. Against traptouch, whose 32 cold pages are written
# once, then 8 of them touched one every 300 ms (even touches read by the
# main thread in read_page(), odd ones written by a second thread in
# write_page()), each touch bracketed by CLOCK_BOOTTIME readings:
# - every touched page gives exactly one trap event, and no untouched page
#   one;
# - its time lies between the readings taken just before and just after the
#   access; its instruction pointer lies in the function that touched, its
#   thread is the one that touched, read or write as it was, idle for at
#   least HEAPMON_TRAP_IDLE_MIN (4) periods;
# - `touches` ranks the code: read_page read 4 idle pages, write_page wrote
#   4, named by the symbolizer `sites` uses;
# - a touch by another process (process_vm_readv) is reported as remote,
#   with no thread, on 6.1; on 6.12 GUP does not take hint faults: unseen;
# - unwatching with pages armed, and unloading heapmon with pages armed,
#   leave the process's memory intact (every byte checked) and the kernel
#   quiet (the run's dmesg check);
# - bad input: N above 4096 gets the CLI's range error and, sent raw, ERANGE.
PAGES=32
TOUCHES=8
traptouch $PAGES $TOUCHES 300 > /tmp/t38.out &
TT=$!
wait_for_line /tmp/t38.out '^ready'
area=$(awk '/^ready/ { print $2 }' /tmp/t38.out)
heapmonctl watch $TT -i 100 --trap 4096 --detach >/dev/null
wait_armed $TT $PAGES
n=$(armed $TT)
[ "$n" -ge $PAGES ] && n=$PAGES
expect_eq "the cold pages are armed" "$n" $PAGES
expect_match "stats says so" "$(heapmonctl stats $TT)" "^traps: [0-9]+ pages armed \(at most 4096\)"

kill -USR1 $TT
wait_for_line /tmp/t38.out '^done'
heapmonctl events $TT --json > /tmp/e38.json
# One line per trap event in the area: ADDR TIME IP TID IDLE WRITE KERNEL.
awk -v lo=$((area)) -v hi=$((area + PAGES * 4096)) '/"kind":"trap"/ {
		for (i = 1; i <= NF; i++) {
			split($i, kv, ":")
			gsub(/[{}"]/, "", kv[1]); gsub(/[{}"]/, "", kv[2])
			f[kv[1]] = kv[2]
		}
		a = (f["addr"] + 0)
		if (a >= lo && a < hi)
			print f["addr"], f["time_ns"], f["ip"], f["tid"], f["idle"], f["write"], f["kernel"]
	}' FS=, /tmp/e38.json > /tmp/e38.traps
expect_eq "one trap event per touched page, none for the others" \
	"$(awk '{ print $1 }' /tmp/e38.traps | sort | tr '\n' ' ')" \
	"$(awk '/^touch/ { print $2 }' /tmp/t38.out | sort | tr '\n' ' ')"
# Joined with the truth, fields 1-6 ADDR BEFORE AFTER FUNC TID W (traptouch's)
# and 7-12 TIME IP TID IDLE WRITE KERNEL (the event's).
awk 'NR == FNR { t[$1] = $2 " " $3 " " $4 " " $5 " " $6 " " $7; next }
	$1 == "touch" && ($2 in t) { print $2, $3, $4, $5, $6, $7, t[$2] }' \
	/tmp/e38.traps /tmp/t38.out > /tmp/j38
expect_eq "every touch's time between the readings around it" \
	"$(awk '$7 < $2 || $7 > $3 { print $1 ": " $7 " not in [" $2 ", " $3 "]" }' /tmp/j38 | head -3)" ""
rp=$(awk '/^func read_page/ { print $3 }' /tmp/t38.out)
wp=$(awk '/^func write_page/ { print $3 }' /tmp/t38.out)
# The function whose start is the nearest at or below the IP, within 256 bytes.
expect_eq "every touch's instruction in the function that touched" \
	"$(awk -v rp=$((rp)) -v wp=$((wp)) '{
		ip = ($8 + 0); f = ""
		if (ip >= rp && ip - rp < 256 && (ip < wp || wp < rp)) f = "read_page"
		if (ip >= wp && ip - wp < 256 && (ip < rp || rp < wp)) f = "write_page"
		if (f != $4) print $1 ": ip " $8 " is not in " $4
	}' /tmp/j38 | head -3)" ""
expect_eq "every touch by the thread that touched, read or write as it was" \
	"$(awk '$9 != $5 || ($11 == "true") != ($6 == 1) || $12 != "false" { print }' /tmp/j38 | head -3)" ""
expect_eq "every touched page idle for at least 4 periods" \
	"$(awk '$10 < 4 { print $1 ": idle " $10 }' /tmp/j38 | head -3)" ""
echo "# heapmonctl touches $TT:"
heapmonctl touches $TT 2>&1 | sed 's/^/# /'
heapmonctl touches $TT --json > /tmp/u38.json
f() { grep "\"function\":\"$1\"" /tmp/u38.json | head -n 1; }
expect_eq "touches: read_page read 4 idle pages" \
	"$(json_field "$(f read_page)" pages) $(json_field "$(f read_page)" reads)" "4 4"
expect_eq "touches: write_page wrote 4 idle pages" \
	"$(json_field "$(f write_page)" pages) $(json_field "$(f write_page)" writes)" "4 4"
hits=$(json_field "$(heapmonctl stats $TT --json)" trap_hits)
[ "$hits" -ge $TOUCHES ] && hits=ok
expect_eq "stats counts the touches" "$hits" ok

# A touch by another process (process_vm_readv: GUP). 6.1's GUP takes the
# hint fault (FOLL_NUMA unless FOLL_FORCE): reported as remote, with no
# thread or instruction of the target's. 6.12's reads through a PROT_NONE
# PTE without one (only FOLL_HONOR_NUMA_FAULT callers, KVM, take it): not
# seen, and the page stays armed.
peek=$(printf '0x%x' $((area + 4096)))
traptouch peek $TT $peek
rc=$?
heapmonctl events $TT --json | grep '"kind":"trap"' | grep "\"addr\":\"$peek\"" > /tmp/r38
case $(uname -r) in
6.1.*) want=1 what="reported as remote, without thread" ;;
*) want=0 what="not seen (GUP reads through PROT_NONE here)" ;;
esac
expect_eq "a touch by another process: $what" "$rc $(grep -c '"tid":0,.*"remote":true' /tmp/r38)" \
	"0 $want"

# Unwatched with pages armed: the kernel restores them as they are touched.
n=$(armed $TT)
heapmonctl unwatch $TT
kill -USR2 $TT
wait $TT
expect_eq "unwatched with $n pages armed: memory intact" "$(tail -n 1 /tmp/t38.out)" "verify ok"

# Unloaded with pages armed.
traptouch $PAGES 0 300 > /tmp/t38b.out &
TT=$!
wait_for_line /tmp/t38b.out '^ready'
heapmonctl watch $TT -i 100 --trap 4096 --detach >/dev/null
wait_armed $TT $PAGES
n=$(armed $TT)
run rmmod heapmon
expect_eq "rmmod with $n pages armed" "$RC" 0
kill -USR2 $TT
wait $TT
expect_eq "unloaded with pages armed: memory intact" "$(tail -n 1 /tmp/t38b.out)" "verify ok"
load_module

run heapmonctl watch $$ --detach --trap 4097
expect_eq "trap above the range" "$OUT" \
	"heapmonctl: watch: --trap 4097 is out of range: 1 to 4096"
run genlsend 2 8:u32:$$ 35:u32:4097
expect_eq "trap above the range (raw)" "$OUT" "error ERANGE: integer out of range"
