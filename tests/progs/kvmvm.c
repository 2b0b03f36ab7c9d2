// SPDX-License-Identifier: GPL-2.0
/*
 * kvmvm [-n]: a process with a secondary MMU, as QEMU is one. It maps and
 * touches a 4 MiB heap, creates a KVM virtual machine (KVM_CREATE_VM
 * registers MMU notifiers on the process's address space; no virtual CPU
 * is needed), prints "kvmvm: ready" and waits. SIGUSR1 closes the virtual
 * machine (its notifiers go) and prints "kvmvm: closed"; SIGTERM ends it.
 * -n: no virtual machine, the same process otherwise.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t closing;

static void on_usr1(int sig)
{
	(void)sig;
	closing = 1;
}

int main(int argc, char **argv)
{
	int with_vm = !(argc > 1 && !strcmp(argv[1], "-n"));
	size_t len = 4 << 20;
	int kvm = -1, vm = -1;
	char *heap;

	signal(SIGUSR1, on_usr1);
	heap = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (heap == MAP_FAILED) {
		perror("kvmvm: mmap");
		return 1;
	}
	memset(heap, 1, len);
	if (with_vm) {
		kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm < 0) {
			perror("kvmvm: /dev/kvm");
			return 1;
		}
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		if (vm < 0) {
			perror("kvmvm: KVM_CREATE_VM");
			return 1;
		}
	}
	printf("kvmvm: ready\n");
	fflush(stdout);
	for (;;) {
		pause();
		if (closing && vm >= 0) {
			close(vm);
			close(kvm);
			vm = -1;
			printf("kvmvm: closed\n");
			fflush(stdout);
		}
	}
}
