# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the VM bench. Sourced, never run.

HM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HM_CACHE=${HM_CACHE:-$HM_ROOT/.cache}
HM_BUILD=${HM_BUILD:-$HM_ROOT/build}
HM_KERNELS="6.1 6.12"

hm_log() { printf 'vm: %s\n' "$*" >&2; }
hm_die() { printf 'vm: error: %s\n' "$*" >&2; exit 2; }

# Run a stage under a time limit; a stage that hangs fails the run.
hm_stage() {
	local limit=$1; shift
	timeout --kill-after=10 "$limit" "$@"
	local rc=$?
	[ $rc -eq 124 ] || [ $rc -eq 137 ] && hm_log "stage timed out after $limit: $*"
	return $rc
}

# Install Debian packages that are missing. Quiet when all are present.
hm_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	hm_log "installing ${missing[*]}"
	if [ ! -f "$HM_CACHE/.apt-updated" ]; then
		hm_stage 600 apt-get update -q >/dev/null || hm_die "apt-get update failed"
		mkdir -p "$HM_CACHE" && touch "$HM_CACHE/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive hm_stage 1200 \
		apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		hm_die "apt-get install ${missing[*]} failed"
}

# Everything the bench needs on the host.
hm_host_pkgs() {
	hm_need_pkgs make gcc libc6-dev pkg-config cpio gzip qemu-system-x86 \
		busybox-static libnl-3-dev libnl-genl-3-dev sparse perl dwarves xz-utils stress-ng kmod \
		libdw-dev libelf-dev zlib1g-dev liblzma-dev libbz2-dev
	# heapmonctl's man page is checked with man --warnings (tests/cli).
	hm_need_pkgs man-db groff-base
	# The recorder's tests: programs linked with jemalloc and tcmalloc, and
	# Debian's redis-server.
	hm_need_pkgs libjemalloc-dev libgoogle-perftools-dev redis-server redis-tools
	# heapmonctl export's tests: promtool (Debian ships it only in the
	# prometheus package; not started: the tests run promtool alone) and
	# systemd-analyze for contrib/'s units.
	hm_need_pkgs prometheus systemd
	# make deb and the packaging tests (tests/pkg): DKMS, debhelper, lintian,
	# and man with groff to check heapmon(4).
	hm_need_pkgs dpkg-dev debhelper dh-dkms dkms lintian man-db groff-base
	# heapmonctl report's test: its SVG rendered by headless Chromium, the
	# screenshot's pixels read by python3.
	hm_need_pkgs chromium python3
}
