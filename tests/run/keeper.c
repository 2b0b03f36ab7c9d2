// SPDX-License-Identifier: GPL-2.0
/*
 * A program with a known heap for heapmonctl run and sites: keep_blocks()
 * allocates 10 blocks of 100000 bytes from one line and keeps them. Prints
 * "ready LINE" (the line of that malloc call), then waits until stdin
 * closes (at most 30 s), then frees them and exits with status 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCKS 10
#define BLOCK_SIZE 100000

static void *blocks[BLOCKS];
static int malloc_line;

static __attribute__((noinline)) void keep_blocks(void)
{
	for (int i = 0; i < BLOCKS; i++) {
		malloc_line = __LINE__ + 1;
		blocks[i] = malloc(BLOCK_SIZE);
		memset(blocks[i], i, BLOCK_SIZE);
	}
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	char c;

	keep_blocks();
	printf("ready %d\n", malloc_line);
	fflush(stdout);
	alarm(30);
	while (read(0, &c, 1) > 0)
		;
	for (int i = 0; i < BLOCKS; i++)
		free(blocks[i]);
	return 0;
}
