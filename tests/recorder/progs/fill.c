// SPDX-License-Identifier: GPL-2.0
/*
 * fill N: keeps N allocations of 100 bytes live, each written, and prints
 * "ok" with the sum of their first bytes. With every allocation sampled
 * its site file outgrows a small file system: the recorder must stop
 * updating the file (HM_SITES_F_STALE), never take a SIGBUS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 40000, i, sum = 0;
	char **p = calloc(n, sizeof(*p));

	if (!p)
		return 1;
	for (i = 0; i < n; i++) {
		p[i] = malloc(100);
		if (!p[i])
			return 1;
		memset(p[i], 1, 100);
	}
	for (i = 0; i < n; i++)
		sum += p[i][0];
	printf("ok %ld\n", sum);
	return sum == n ? 0 : 1;
}
