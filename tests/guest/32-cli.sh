# SPDX-License-Identifier: GPL-2.0
# heapmonctl's command line with the module loaded: --version names the
# module and its protocol; list and status show each target's command name
# (not an exited one's: its PID may be reused); watch of a target already
# watched shows it and leaves it watched; without the module, modprobe is
# suggested when modules.dep lists heapmon.ko.
listed() { heapmonctl list --json | grep -c "\"pid\":$1,"; }
ver=$(cat /sys/kernel/heapmon/version)
proto=$(heapmonctl status --json | sed -n 's/.*"protocol":\([0-9]*\),.*/\1/p')
run heapmonctl --version
expect_eq "--version: the release, the module and its protocol" "$OUT" \
	"heapmonctl $ver (protocol $proto)
heapmon module $ver (protocol $proto)"

start_workload /tmp/w32.out mmap:1:page1
heapmonctl watch $WL -i 200 --detach >/dev/null
row=$(printf '%8s  %-16s  %-8s  %s' $WL workload running '200 ms')
expect_eq "list: the target's command name" "$(heapmonctl list | grep "^ *$WL ")" "$row"
expect_eq "status: the target's command name" "$(heapmonctl status | grep "^ *$WL ")" "$row"
expect_match "list --json: comm" "$(heapmonctl list --json)" \
	"\\{\"pid\":$WL,\"state\":\"running\",\"interval_ms\":200,\"comm\":\"workload\"\\}"

# Watched already (every 200 ms): watch shows it, and leaves it watched.
run heapmonctl watch $WL -d 500ms
expect_eq "watch of a watched target: exit status" "$RC" 0
expect_eq "watch of a watched target: says so" "$(printf '%s\n' "$OUT" | head -n 1)" \
	"heapmonctl: watch $WL: already watched, every 200 ms: showing it; it stays watched"
expect_match "watch of a watched target: shows its frames" "$OUT" "^heapmon: pid $WL"
expect_eq "watch of a watched target: still watched on exit" "$(listed $WL)" 1
run heapmonctl watch $WL -d 300ms -i 100 --json
expect_match "watch -i of a watched target: its own period stays" "$OUT" \
	"^\\{\"pid\":$WL,\"pass\":[0-9]+,\"state\":\"running\",\"interval_ms\":200,"
expect_match "watch -i of a watched target: says -i did not change it" "$OUT" \
	"already watched, every 200 ms: showing it; it stays watched \\(--interval, --adaptive, --trap and the TLB options do not change it\\)$"

# Exited: listed, but its command is not told.
kill $WL
wait $WL 2>/dev/null
i=0
while [ "$(cat /sys/kernel/heapmon/targets/$WL/state)" != exited ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "list: an exited target without a command name" "$(heapmonctl list | grep "^ *$WL ")" \
	"$(printf '%8s  %-16s  %-8s  %s' $WL - exited '200 ms')"
expect_match "list --json: an exited target without comm" "$(heapmonctl list --json)" \
	"\\{\"pid\":$WL,\"state\":\"exited\",\"interval_ms\":200\\}"
heapmonctl unwatch $WL >/dev/null

# Without the module: modprobe, when modules.dep lists heapmon.ko.
dep=/lib/modules/$(uname -r)/modules.dep
mkdir -p "${dep%/*}"
[ -e "$dep" ] && cp "$dep" /tmp/modules.dep.32
echo "updates/dkms/heapmon.ko.xz:" >>"$dep"
unload_module
run heapmonctl status
expect_eq "no module, installed: suggests modprobe" "$OUT" \
	"heapmonctl: the heapmon kernel module is not loaded; load it with 'modprobe heapmon' (as root)."
run heapmonctl --version
expect_eq "--version without the module" "$RC $OUT" "0 heapmonctl $ver (protocol $proto)
heapmon module: not loaded"
if [ -e /tmp/modules.dep.32 ]; then mv /tmp/modules.dep.32 "$dep"; else rm -f "$dep"; fi
load_module

# The live view fits its terminal: on a pty of 70 x 12 (script(1) gives one),
# every line is cut to 70 columns and a frame has at most 11 lines; a
# target with more regions than fit shows the largest and one line for the
# rest. 16 MiB of stripes (1 MiB mappings) gives 16 regions and more.
start_workload /tmp/w32f.out stripes:16:none
script -qc "stty cols 70 rows 12; heapmonctl watch $WL -i 200 -d 1.5" /tmp/t32f >/dev/null 2>&1
# Frames begin with ESC [H ESC [2J; lines end with CR LF on the pty.
tr -d '\r' < /tmp/t32f | tr '\033' '~' |
	awk '{ gsub(/~\[H~\[2J/, "\nFRAME\n"); print }' > /tmp/t32f.txt
res=$(awk '/^FRAME$/ { if (n) frames++; if (n > tall) tall = n; n = 0; next }
	   /^Script / { next }
	   length($0) { n++; if (length($0) > wide) wide = length($0) }
	   /more regions/ { more++ }
	   END { if (n > tall) tall = n; printf "frames %d widest %d tallest %d more %d\n", frames + (n > 0), wide, tall, more }' /tmp/t32f.txt)
echo "# watch on a 70 x 12 pty: $res"
set -- $res
[ "$2" -ge 2 ] && [ "$4" -le 70 ] && [ "$4" -ge 60 ] && [ "$6" -le 11 ] && [ "$8" -ge 1 ] &&
	pass "watch on a 70 x 12 terminal: $2 frames, lines of at most $4 columns, at most $6 lines, the rest of the regions on one line" ||
	fail "watch on a 70 x 12 terminal: $res; want 2 or more frames, lines of 60 to 70 columns, at most 11 lines, a 'more regions' line"
expect_match "watch on a 70 x 12 terminal: the line for the rest" "$(grep -m1 'more regions' /tmp/t32f.txt)" \
	"^\\.\\.\\. [0-9]+ more regions, .* resident \\(heapmonctl regions $WL\\)"
kill $WL
