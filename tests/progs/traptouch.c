// SPDX-License-Identifier: GPL-2.0
/*
 * traptouch PAGES TOUCHES STEP_MS: a workload whose cold pages are touched
 * at known times by known functions, for trap mode's test.
 *
 * Maps PAGES small anonymous pages, writes each once (a pattern of its
 * index), prints "ready ADDR" and waits for SIGUSR1. Then touches pages
 * 0, 2, 4, ... (TOUCHES of them) one every STEP_MS: an even touch is a
 * read by the main thread in read_page(), an odd one a write by a second
 * thread in write_page(). Each touch prints, after the access,
 *   touch ADDR BEFORE_NS AFTER_NS FUNC TID W
 * (CLOCK_BOOTTIME just before and just after it; W 1 for a write) and the
 * functions' addresses come first:
 *   func read_page ADDR
 *   func write_page ADDR
 * On SIGUSR2 it reads every page, checks the pattern, prints "verify ok"
 * or "verify bad PAGE" and exits.
 *
 * traptouch peek PID ADDR: reads a byte at ADDR of process PID with
 * process_vm_readv(), a touch by another process; exits 0 if it could.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static unsigned char *area;
static volatile sig_atomic_t go, verify;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long pending = -1;	/* the page the writer is to write, or -1 */

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void note(long page, uint64_t before, const char *func, int write)
{
	printf("touch 0x%lx %llu %llu %s %ld %d\n", (unsigned long)(area + page * PAGE),
	       (unsigned long long)before, (unsigned long long)boottime_ns(), func,
	       (long)syscall(SYS_gettid), write);
	fflush(stdout);
}

static __attribute__((noinline)) void read_page(long page)
{
	uint64_t before = boottime_ns();

	(void)*(volatile unsigned char *)(area + page * PAGE + 8);
	note(page, before, "read_page", 0);
}

/* Writes the byte the pattern already holds: the content stays checkable. */
static __attribute__((noinline)) void write_page(long page)
{
	uint64_t before = boottime_ns();

	*(volatile unsigned char *)(area + page * PAGE) = (unsigned char)page;
	note(page, before, "write_page", 1);
}

static void *writer(void *arg)
{
	long page;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (pending < 0)
			pthread_cond_wait(&cond, &lock);
		page = pending;
		pthread_mutex_unlock(&lock);
		write_page(page);
		pthread_mutex_lock(&lock);
		pending = -1;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		go = 1;
	else
		verify = 1;
}

static int check(long pages)
{
	long i, j;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PAGE; j++)
			if (area[i * PAGE + j] != (unsigned char)(i + j * 7)) {
				printf("verify bad %ld\n", i);
				return 1;
			}
	printf("verify ok\n");
	return 0;
}

static int peek(pid_t pid, unsigned long addr)
{
	unsigned char byte;
	struct iovec local = { &byte, 1 }, remote = { (void *)addr, 1 };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == 1 ? 0 : 1;
}

int main(int argc, char **argv)
{
	long pages, touches, step_ms, i, j;
	struct timespec next;
	pthread_t th;

	if (argc == 4 && !strcmp(argv[1], "peek"))
		return peek(atoi(argv[2]), strtoul(argv[3], NULL, 0));
	if (argc != 4)
		return 2;
	pages = atol(argv[1]);
	touches = atol(argv[2]);
	step_ms = atol(argv[3]);
	if (pages <= 0 || touches < 0 || touches * 2 > pages || step_ms <= 0)
		return 2;
	area = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 1;
	madvise(area, pages * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		for (j = 0; j < PAGE; j++)
			area[i * PAGE + j] = (unsigned char)(i + j * 7);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	if (pthread_create(&th, NULL, writer, NULL))
		return 1;
	printf("func read_page %p\nfunc write_page %p\n", (void *)read_page, (void *)write_page);
	printf("ready 0x%lx\n", (unsigned long)area);
	fflush(stdout);
	while (!go && !verify)
		pause();
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; go && !verify && i < touches; i++) {
		next.tv_nsec += step_ms * 1000000;
		next.tv_sec += next.tv_nsec / 1000000000;
		next.tv_nsec %= 1000000000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL))
			;
		if (!(i & 1)) {
			read_page(2 * i);
			continue;
		}
		pthread_mutex_lock(&lock);
		pending = 2 * i;
		pthread_cond_broadcast(&cond);
		while (pending >= 0)
			pthread_cond_wait(&cond, &lock);
		pthread_mutex_unlock(&lock);
	}
	printf("done\n");
	fflush(stdout);
	while (!verify)
		pause();
	return check(pages);
}
