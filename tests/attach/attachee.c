// SPDX-License-Identifier: GPL-2.0
/*
 * attachee MODE READY STOP: a program to attach to. It allocates 20 MiB at
 * a known site (before_site) and writes READY ("PID" and the address
 * ranges of its sites and of the 20 MiB), then, by MODE, first blocks in
 * nanosleep for 2 s (sleep) or in read on stdin until a line comes (pipe),
 * or does neither (busy); then it allocates at another known site
 * (after_site) every few milliseconds, keeping the last 64 blocks, while a
 * second thread churns small allocations, until the file STOP exists (30 s
 * at most). It checks all its data, and prints OK and exits 0 if intact.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BEFORE_BYTES (20u << 20)
#define BLOCK (64u << 10)
#define RING 64

/* Each site in a section of its own: the linker's __start_/__stop_ symbols bound it. */
#define SITE(s) __attribute__((noinline, section(s), used))
extern char __start_site_before[], __stop_site_before[];
extern char __start_site_after[], __stop_site_after[];

static volatile int stop;
static int bad;

static uint64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

SITE("site_before") static unsigned char *before_site(size_t n)
{
	return malloc(n);
}

SITE("site_after") static unsigned char *after_site(size_t n)
{
	return malloc(n);
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i += 64)
		p[i] = (unsigned char)(seed * 31 + i / 64);
}

static int intact(const unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i += 64)
		if (p[i] != (unsigned char)(seed * 31 + i / 64))
			return 0;
	return 1;
}

static void *churn(void *arg)
{
	unsigned int i = 0;

	(void)arg;
	while (!stop) {
		unsigned char *p = malloc(200 + i % 300);

		fill(p, 200, i);
		if (!intact(p, 200, i))
			__atomic_store_n(&bad, 1, __ATOMIC_RELAXED);
		free(p);
		i++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 3 * 1000 * 1000 }, two = { 2, 0 };
	unsigned char *ring[RING] = {};
	unsigned int seq[RING] = {}, n = 0, i;
	uint64_t t0, deadline;
	char line[64];
	pthread_t t;
	FILE *f;

	if (argc != 4)
		return 2;
	unsigned char *before = before_site(BEFORE_BYTES);
	fill(before, BEFORE_BYTES, 7);
	pthread_create(&t, NULL, churn, NULL);
	f = fopen(argv[2], "w");
	fprintf(f, "%d %p %p %p %p %p %p\n", getpid(), (void *)__start_site_before,
		(void *)__stop_site_before, (void *)__start_site_after, (void *)__stop_site_after,
		(void *)before, (void *)(before + BEFORE_BYTES));
	fclose(f);

	if (!strcmp(argv[1], "sleep")) {
		t0 = ns_now();
		int r = nanosleep(&two, NULL);
		uint64_t slept = ns_now() - t0;

		printf("nanosleep %d after %llu ms\n", r, (unsigned long long)slept / 1000000);
		if (r || slept < 2000000000ULL)
			bad = 1;
	} else if (!strcmp(argv[1], "pipe")) {
		ssize_t r = read(0, line, sizeof(line) - 1);

		line[r > 0 ? r : 0] = '\0';
		printf("read %zd: %s", r, line);
		if (r != 6 || strcmp(line, "hello\n"))
			bad = 1;
	}

	deadline = ns_now() + 30000000000ULL;
	while (access(argv[3], F_OK) && ns_now() < deadline) {
		i = n % RING;
		if (ring[i]) {
			bad |= !intact(ring[i], BLOCK, seq[i]);
			free(ring[i]);
		}
		ring[i] = after_site(BLOCK);
		seq[i] = n;
		fill(ring[i], BLOCK, n);
		n++;
		nanosleep(&tick, NULL);
	}
	stop = 1;
	pthread_join(t, NULL);
	for (i = 0; i < RING; i++)
		if (ring[i])
			bad |= !intact(ring[i], BLOCK, seq[i]);
	bad |= !intact(before, BEFORE_BYTES, 7);
	printf("%s after %u blocks\n", bad ? "CORRUPT" : "OK", n);
	return bad;
}
