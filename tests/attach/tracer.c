// SPDX-License-Identifier: GPL-2.0
/* tracer PID SECONDS: holds PID traced (PTRACE_SEIZE, not stopped) for SECONDS. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	if (ptrace(PTRACE_SEIZE, atoi(argv[1]), NULL, NULL)) {
		perror("tracer: PTRACE_SEIZE");
		return 1;
	}
	sleep(atoi(argv[2]));
	return 0;
}
