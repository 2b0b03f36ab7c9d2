# SPDX-License-Identifier: GPL-2.0
# Helpers for the tests that run inside the VM. Each check prints one line,
# "PASS name" or "FAIL name: why", which tests/check counts.
export PATH=/work/progs:/work/bin:/bin:/sbin

pass() { echo "PASS $T: $*"; }
fail() { echo "FAIL $T: $*"; }

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

# expect_match WHAT GOT EXTENDED-REGEX
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1: got '$2', want a match for '$3'"
	fi
}

# run CMD...: sets OUT (stdout+stderr) and RC.
run() {
	OUT=$("$@" 2>&1)
	RC=$?
}

module_loaded() { grep -q '^heapmon ' /proc/modules; }
load_module() { module_loaded || insmod /lib/heapmon/heapmon.ko "$@"; }
unload_module() { ! module_loaded || rmmod heapmon; }
