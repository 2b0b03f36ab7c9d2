// SPDX-License-Identifier: GPL-2.0
/*
 * timeit: a command's wall time, in nanoseconds.
 *
 *   timeit OUTFILE COMMAND [ARGS...]
 *
 * Runs COMMAND with its standard output sent to OUTFILE (/dev/null to drop
 * it) and prints "ns N status S".
 */
#include "bench.h"
#include <fcntl.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	uint64_t t0;
	int status = 0, fd;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: timeit OUTFILE COMMAND [ARGS...]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("ns %llu status %d\n", (unsigned long long)(now_ns() - t0),
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
