// SPDX-License-Identifier: GPL-2.0
/*
 * spawnpid: starts a command under a PID of our choosing, to reuse the PID
 * of a process that has exited.
 *
 *   spawnpid PID CMD [ARGS...]
 *
 * clone3() with set_tid (root, any kernel from 5.5, with or without
 * CONFIG_CHECKPOINT_RESTORE, which /proc/sys/kernel/ns_last_pid needs): the
 * child gets PID in our PID namespace and execs CMD; the parent prints
 * "pid PID" and exits 0, or prints the error and exits 1 (EEXIST: PID is
 * taken).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>

int main(int argc, char **argv)
{
	struct clone_args args;
	pid_t tid, pid;

	if (argc < 3) {
		fprintf(stderr, "usage: spawnpid PID CMD [ARGS...]\n");
		return 2;
	}
	tid = atoi(argv[1]);
	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uintptr_t)&tid;
	args.set_tid_size = 1;
	fflush(stdout);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		fprintf(stderr, "spawnpid: clone3 with PID %d: %s\n", (int)tid, strerror(errno));
		return 1;
	}
	if (!pid) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "spawnpid: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	printf("pid %d\n", (int)pid);
	return 0;
}
