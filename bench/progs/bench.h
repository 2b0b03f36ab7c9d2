/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the benchmark programs: clocks, a small PRNG, anonymous
 * 4 KiB-page mappings, and the start signal.
 */
#ifndef BENCH_H
#define BENCH_H

#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* xorshift64*: fast, and the same sequence on every run. */
static inline uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/*
 * An anonymous private mapping in 4 KiB pages (no transparent huge pages),
 * every page written once: the same resident heap for every tool.
 */
static inline char *map_pages(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len; i += PAGE)
		p[i] = 1;
	return p;
}

static volatile sig_atomic_t started;

static void on_start(int sig)
{
	(void)sig;
	started = 1;
}

/* Print "ready PID" and wait for SIGUSR1: the timed part starts then. */
static inline void wait_for_start(void)
{
	sigset_t block, old;

	signal(SIGUSR1, on_start);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	printf("ready %d\n", getpid());
	fflush(stdout);
	while (!started)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

#endif
