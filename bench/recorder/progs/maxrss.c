// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into a benchmark program, prints "maxrss_kb N" (its own peak
 * resident set, getrusage's ru_maxrss) and "minflt N" (its page faults
 * that needed no I/O: fresh pages, mostly) when it exits. The process's own
 * figure, not its parent's: under heaptrack the parent is a shell script,
 * under valgrind the process is valgrind itself (whose memory counts, as it
 * is the price of watching).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static void print_maxrss(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("maxrss_kb %ld\nminflt %ld\n", ru.ru_maxrss, ru.ru_minflt);
}

__attribute__((constructor)) static void register_maxrss(void)
{
	atexit(print_maxrss);
}
