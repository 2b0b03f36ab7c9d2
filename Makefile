# SPDX-License-Identifier: GPL-2.0
#
# make              build heapmon.ko (for KDIR) and heapmonctl
# make module       build heapmon.ko only
# make heapmonctl   build heapmonctl only (make STATIC=1 for a static binary)
# make install      heapmon.ko (modules_install, for KDIR), heapmonctl, the
#                   recorder and the manual pages; DESTDIR and PREFIX
#                   (default /usr/local) are honoured
# make deb          the Debian packages heapmon-dkms and heapmonctl, in
#                   build/deb/ (tools/deb; see README, "On a real host")
# make check        unit tests on the host, then the guest and torture suites
#                   in VMs on 6.1, 6.12 and the debug kernel
# make quick        the guest suite on 6.1 and 6.12 only (a few minutes)
# make check-slow   on the debug kernel, the tests make check leaves out there
#                   (tests/slow-on-debug: minutes each under KASAN and lockdep)
# make check-traps  heapstorm's integrity test with 30 more seeds in trap mode,
#                   on 6.1, 6.12 and the debug kernel (KERNELS=... for some)
# make demo         boot a VM and show heapmon at work
# make bench        heapmon against its peers, one VM per kernel
#                   (KERNELS="6.1 6.12 debug" by default); see bench/README.md
# make bench-recorder  the allocation-site recorder against heaptrack and
#                   massif, on the host (no VM, ~10 minutes); see bench/README.md
# make checkpatch   kernel style (checkpatch --strict)
# make sparse       static checking (make C=2; KDIR=... for one tree, else
#                   Debian's 6.1 and 6.12 headers)

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man

all: module heapmonctl

module:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

sparse:
	@tools/sparse

heapmonctl:
	$(MAKE) -C userspace

checkpatch:
	@tools/checkpatch

check:
	@tests/check

quick:
	@tests/check --quick

check-slow:
	@tests/check --slow

check-traps:
	@tests/torture/trap-seeds $(KERNELS)

demo:
	@tests/demo

bench:
	@bench/run $(KERNELS)
	@BENCH_PARTS=scale bench/run $(or $(KERNELS),6.1 6.12)

bench-scale:
	@BENCH_PARTS=scale bench/run $(or $(KERNELS),6.12)

bench-recorder:
	@bench/recorder/run

deb:
	@tools/deb

install: install-module install-userspace install-man

# Into DESTDIR/lib/modules/KERNELRELEASE/ (INSTALL_MOD_PATH), as the kernel's
# modules_install does, depmod included.
install-module: module
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_PATH=$(DESTDIR) modules_install

# heapmonctl in PREFIX/sbin, the recorder in PREFIX/lib/heapmon/ (where
# heapmonctl looks: userspace/libpath.c), and what userspace generates.
install-userspace: heapmonctl
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

install-man:
	install -D -m 0644 man/heapmon.4 $(DESTDIR)$(MANDIR)/man4/heapmon.4

clean:
	-$(MAKE) -C $(KDIR) M=$(PWD) clean
	$(MAKE) -C userspace clean
	rm -rf build

.PHONY: all module sparse heapmonctl checkpatch check quick check-slow check-traps demo bench bench-scale bench-recorder \
	deb install install-module install-userspace install-man clean
