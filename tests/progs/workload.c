// SPDX-License-Identifier: GPL-2.0
/*
 * workload: a heap with a known access schedule, for checking what heapmon
 * reports page by page.
 *
 *   workload [-t TOUCH_MS] [-o TRUTH] AREA...
 *
 * AREA is KIND:MIB:PATTERN. KIND is brk (grown with sbrk), mmap (an
 * anonymous private mapping), thp (mmap + MADV_HUGEPAGE, 2 MiB aligned) or
 * nothp (mmap + MADV_NOHUGEPAGE), stripes (mmap, 2 MiB aligned, cut into 1 MiB
 * mappings of alternating MADV_NOHUGEPAGE and MADV_HUGEPAGE: small pages, and
 * every 2 MiB span straddles two mappings), or sparse (MIB reserved with
 * MAP_NORESERVE, and only one page of every PATTERN MiB written: "64"). For
 * the other kinds PATTERN says which pages stay hot: "blockN"
 * makes every Nth 2 MiB-aligned block hot (so that huge pages never mix hot
 * and cold), "pageN" every Nth 4 KiB page, "none" no page.
 *
 * Every page is written once. Then TRUTH gets one line per run of pages,
 * "hot START END" or "cold START END" (hex, END exclusive), the line "ready"
 * is printed, and the hot pages are written again every TOUCH_MS (default
 * 20) until the process is killed. Cold pages are never touched again.
 *
 * -g KIB grows a separate anonymous mapping by KIB every 100 ms, writes the
 * new pages once and never touches them again: a leak (up to 256 MiB).
 *
 * -c CGROUP moves the process into the cgroup v2 directory CGROUP first, so
 * that every page of its areas is charged there.
 *
 * -T starts a thread (printed as "thread TID"); -V starts a child that
 * shares the address space, clone(CLONE_VM) (printed as "vmchild PID").
 * -E hands the work to a new thread and ends the main thread with
 * pthread_exit(): the process lives on under a zombie leader, which has no
 * mm of its own.
 *
 * -f forks a child (printed as "child PID") that waits for SIGUSR1, then
 * keeps writing its own copy of every page: copy-on-write faults on demand,
 * with the parent's pages shared until then. In the parent, SIGUSR1 shrinks each area to its first half (sbrk
 * down, munmap) and prints "shrunk"; SIGUSR2 adds a 4 MiB brk area and a
 * 4 MiB nothp area, all hot, and prints "grown". Both rewrite TRUTH; after a
 * shrink it also has "gone START END" lines for what was given back.
 * SIGHUP reads every page of every area once, cold ones too (swapping in
 * those reclaim swapped out), and prints "reread"; TRUTH is unchanged.
 *
 * -a ACTION[,ACTION...]: each SIGWINCH does the next action and prints a line
 * when it is done:
 *   exec=SPEC  prints "exec", then execs this program with the one area SPEC
 *              (it prints "ready" again when that is set up);
 *   mmaps=N    maps, writes and unmaps 12 KiB N times: 2N heap events; prints
 *              "mmaps N";
 *   mremap     moves the first area (a mapping) to a new 2 MiB-aligned place
 *              with mremap(MREMAP_FIXED); prints "moved OLD NEW LEN" (hex);
 *   split      drops the first 4 KiB page of every 2 MiB block of the first
 *              area (MADV_DONTNEED), which splits its huge pages; "split";
 *   collapse   MADV_COLLAPSE on the first area; prints "collapse RC";
 *   storm=MS   for MS milliseconds, one thread populates 32 MiB of small
 *              pages (MADV_POPULATE_WRITE, which holds the mmap lock for
 *              reading all along) and drops them (MADV_DONTNEED), over and
 *              over, while two others change the protection of 1 MiB
 *              mappings of their own back and forth, so that a writer waits
 *              for the lock most of the time (and no new reader gets it
 *              then); prints "storm P W1 W2" (populate rounds, mprotect
 *              calls of each writer);
 *   hold=MS    for MS milliseconds, changes the protection of 768 MiB of
 *              resident shared memory back and forth, 0.5 to 2 ms apart, each call
 *              holding the mmap lock for writing longer than a pass tries
 *              for it; prints "hold N" (calls);
 *   writer=US  starts a thread that, every US microseconds, maps 64 KiB,
 *              writes a page, makes it read-only and unmaps it: a writer of
 *              the mmap lock that comes often but holds it briefly (it never
 *              touches the areas); prints "writer". (An action, not an
 *              option: heapmon puts its kprobes in at the first watch, and
 *              QEMU's multi-threaded TCG can crash a guest whose other CPU
 *              runs a function being probed meanwhile; see tests/vm/run.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define HUGE (2UL << 20)
#define MAX_AREAS 8

struct area {
	char *base;
	size_t len;
	char pattern;		/* 'b' block, 'p' page, 'n' none */
	char kind;		/* 'b' brk, else a mapping */
	size_t stride;		/* sparse: bytes between written pages */
	char *gone;		/* [gone, gone_end) was given back by shrink() */
	char *gone_end;
	unsigned long every;
};

static struct area areas[MAX_AREAS];
static int nareas;
static volatile sig_atomic_t want_shrink, want_grow, want_reread, want_action;
static char *actions;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		want_shrink = 1;
	else if (sig == SIGHUP)
		want_reread = 1;
	else if (sig == SIGWINCH)
		want_action = 1;
	else
		want_grow = 1;
}

static int page_hot(const struct area *a, char *p)
{
	uintptr_t addr = (uintptr_t)p;

	switch (a->pattern) {
	case 'b':
		return (addr / HUGE) % a->every == 0;
	case 'p':
		return (addr / PAGE) % a->every == 0;
	default:
		return 0;
	}
}

/*
 * Mappings of 1 MiB with alternating flags, so that every 2 MiB span of page
 * tables (one chunk of heapmon's records) straddles two of them; too small
 * for huge pages.
 */
static void stripe(char *p, size_t len)
{
	size_t off;

	madvise(p, len, MADV_NOHUGEPAGE);
	for (off = HUGE / 2; off < len; off += HUGE)
		madvise(p + off, HUGE / 2, MADV_HUGEPAGE);
}

static char *map_area(const char *kind, size_t len)
{
	char *p;

	if (!strcmp(kind, "sparse")) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			perror("workload: mmap sparse");
			exit(1);
		}
		/* One page per write, not a huge page each. */
		madvise(p, len, MADV_NOHUGEPAGE);
		return p;
	}
	if (!strcmp(kind, "brk")) {
		p = sbrk(len);
		if (p == (void *)-1) {
			perror("workload: sbrk");
			exit(1);
		}
		return p;
	}
	/* Over-allocate so that the area can be 2 MiB aligned. */
	p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("workload: mmap");
		exit(1);
	}
	p = (char *)(((uintptr_t)p + HUGE - 1) & ~(HUGE - 1));
	if (!strcmp(kind, "thp"))
		madvise(p, len, MADV_HUGEPAGE);
	else if (!strcmp(kind, "nothp"))
		madvise(p, len, MADV_NOHUGEPAGE);
	else if (!strcmp(kind, "stripes"))
		stripe(p, len);
	else if (strcmp(kind, "mmap")) {
		fprintf(stderr, "workload: unknown kind %s\n", kind);
		exit(2);
	}
	return p;
}

static void parse_area(char *spec)
{
	char *kind = strtok(spec, ":"), *mib = strtok(NULL, ":"), *pat = strtok(NULL, ":");
	struct area *a = &areas[nareas++];

	if (!kind || !mib || !pat || nareas > MAX_AREAS) {
		fprintf(stderr, "workload: bad area\n");
		exit(2);
	}
	a->len = strtoul(mib, NULL, 0) << 20;
	a->pattern = pat[0];
	a->every = strtoul(pat + strspn(pat, "abcdefghijklmnopqrstuvwxyz"), NULL, 0);
	if (a->pattern != 'n' && !a->every)
		a->every = 1;
	a->kind = kind[0];
	if (a->kind == 's') {
		/* Every page of the sparse area is cold: touched once, at setup. */
		a->pattern = 'n';
		a->stride = strtoul(pat, NULL, 0) << 20;
	}
	a->base = map_area(kind, a->len);
}

static void write_truth(FILE *f)
{
	int i;

	for (i = 0; i < nareas; i++) {
		struct area *a = &areas[i];
		char *p = a->base, *run = a->base;
		int hot = page_hot(a, p);

		if (a->gone)
			fprintf(f, "gone %lx %lx\n", (unsigned long)a->gone,
				(unsigned long)a->gone_end);
		for (; p <= a->base + a->len; p += PAGE) {
			if (p == a->base + a->len || page_hot(a, p) != hot) {
				fprintf(f, "%s %lx %lx\n", hot ? "hot" : "cold",
					(unsigned long)run, (unsigned long)p);
				if (p == a->base + a->len)
					break;
				run = p;
				hot = !hot;
			}
		}
	}
}

static void save_truth(const char *truth)
{
	FILE *f;

	if (!truth)
		return;
	f = fopen(truth, "w");
	if (!f) {
		perror("workload: truth");
		exit(1);
	}
	write_truth(f);
	fclose(f);
}

static void shrink(void)
{
	int i;

	for (i = 0; i < nareas; i++) {
		struct area *a = &areas[i];
		size_t half = (a->len / 2) & ~(PAGE - 1);

		if (a->kind == 'b')
			sbrk(-(intptr_t)(a->len - half));
		else
			munmap(a->base + half, a->len - half);
		a->gone = a->base + half;
		a->gone_end = a->base + a->len;
		a->len = half;
	}
}

static void grow(void)
{
	static char spec_brk[] = "brk:4:page1", spec_mmap[] = "nothp:4:page1";

	if (nareas + 2 > MAX_AREAS)
		return;
	parse_area(spec_brk);
	parse_area(spec_mmap);
	memset(areas[nareas - 2].base, 0x5a, areas[nareas - 2].len);
	memset(areas[nareas - 1].base, 0x5a, areas[nareas - 1].len);
}

/* One read of every page: a touch that leaves the contents as they are. */
static void reread(void)
{
	int i;

	for (i = 0; i < nareas; i++) {
		struct area *a = &areas[i];
		size_t off, step = a->stride ? a->stride : PAGE;

		for (off = 0; off < a->len; off += step)
			(void)*(volatile char *)(a->base + off);
	}
}

/* The leak of -g: written once, never read again. */
static void leak_more(size_t kib)
{
	static char *base, *end;
	static const size_t cap = 256UL << 20;

	if (!base) {
		base = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
			    MAP_NORESERVE, -1, 0);
		if (base == MAP_FAILED) {
			perror("workload: leak");
			exit(1);
		}
		/* In 4 KiB pages, so that its faults show page by page. */
		madvise(base, cap, MADV_NOHUGEPAGE);
		end = base;
	}
	if (end + (kib << 10) > base + cap)
		return;
	memset(end, 0x6c, kib << 10);
	end += kib << 10;
}

static void *thread_main(void *arg)
{
	printf("thread %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	for (;;)
		pause();
	return arg;
}

static int vmchild_main(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static void start_sharers(int thread, int vmchild)
{
	static char stack[65536] __attribute__((aligned(16)));
	pthread_t th;
	pid_t pid;

	if (thread)
		pthread_create(&th, NULL, thread_main, NULL);
	if (vmchild) {
		pid = clone(vmchild_main, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);
		printf("vmchild %d\n", (int)pid);
	}
	/* Let the thread print before "ready". */
	usleep(100000);
}

static long touch_ms = 20;
static long leak_kib;

/* writer=US: a writer of the mmap lock, pausing US microseconds between rounds. */
static void *writer_loop(void *arg)
{
	long us = (long)arg;
	char *p;

	for (;;) {
		p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			exit(1);
		p[0] = 1;
		mprotect(p, PAGE, PROT_READ);
		munmap(p, 16 * PAGE);
		usleep(us);
	}
	return NULL;
}

struct storm {
	char *base;
	size_t len;
	int populate;		/* populate and drop, or change protection */
	int pause_us;		/* between two calls */
	struct timespec end;
	long calls;
};

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * storm=MS, until s->end, back to back: either populate a mapping (which
 * holds the mmap lock for reading all along) and drop its pages again, or
 * change a mapping's protection (a writer; each call a change, as one to the
 * same protection would return at once).
 */
static void *storm_loop(void *arg)
{
	struct storm *s = arg;
	struct timespec now;
	long n = 0;

	do {
		if (s->populate) {
			madvise(s->base, s->len, MADV_POPULATE_WRITE);
			madvise(s->base, s->len, MADV_DONTNEED);
		} else {
			mprotect(s->base, s->len, n & 1 ? PROT_READ | PROT_WRITE : PROT_READ);
		}
		/* From half to twice pause_us: kernels differ in when a reader gets in. */
		if (s->pause_us)
			usleep(s->pause_us / 2 + rand() % (s->pause_us * 3 / 2));
		n++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (before(&now, &s->end));
	s->calls = n;
	return NULL;
}

static void storm_until(struct storm *s, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, &s->end);
	s->end.tv_sec += ms / 1000;
	s->end.tv_nsec += (ms % 1000) * 1000000;
	if (s->end.tv_nsec >= 1000000000) {
		s->end.tv_sec++;
		s->end.tv_nsec -= 1000000000;
	}
}

/*
 * hold=MS: for MS milliseconds, one thread changes the protection of 768 MiB
 * of resident shared memory back and forth, 0.5 to 2 ms apart (at random):
 * each call holds the mmap lock for writing for as long as it takes to
 * rewrite 196608 PTEs (tens of milliseconds under TCG), longer than a pass
 * tries for the lock. Shared, so that heapmon does not track it: the passes'
 * time goes to the areas.
 */
static void hold(long ms)
{
	struct storm s = { .len = 768UL << 20, .pause_us = 1000 };

	s.base = mmap(NULL, s.len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s.base == MAP_FAILED)
		exit(1);
	memset(s.base, 1, s.len);
	storm_until(&s, ms);
	storm_loop(&s);
	munmap(s.base, s.len);
	printf("hold %ld\n", s.calls);
}

static void storm(long ms)
{
	struct storm s[3];
	pthread_t t[3];
	char *p;
	int i;

	p = mmap(NULL, 34UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	madvise(p, 34UL << 20, MADV_NOHUGEPAGE);
	memset(p + (32UL << 20), 1, 2UL << 20);
	for (i = 0; i < 3; i++) {
		s[i].populate = !i;
		s[i].base = i ? p + (31UL << 20) + ((size_t)i << 20) : p;
		s[i].len = i ? 1UL << 20 : 32UL << 20;
		s[i].pause_us = 0;
		storm_until(&s[i], ms);
	}
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, storm_loop, &s[i]);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	munmap(p, 34UL << 20);
	printf("storm %ld %ld %ld\n", s[0].calls, s[1].calls, s[2].calls);
}
static const char *truth;

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

/* The next action of -a, for SIGWINCH. */
static void do_action(void)
{
	char *act = strsep(&actions, ",");
	struct area *a = &areas[0];
	size_t off;

	if (!act)
		return;
	if (!strncmp(act, "exec=", 5)) {
		printf("exec\n");
		fflush(stdout);
		execl("/proc/self/exe", "workload", act + 5, (char *)NULL);
		perror("workload: exec");
		exit(1);
	} else if (!strncmp(act, "mmaps=", 6)) {
		long i, n = atol(act + 6);

		for (i = 0; i < n; i++) {
			char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED)
				exit(1);
			p[0] = 1;
			munmap(p, 3 * PAGE);
		}
		printf("mmaps %ld\n", n);
	} else if (!strcmp(act, "mremap")) {
		char *to = mmap(NULL, a->len + HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
				MAP_NORESERVE, -1, 0), *p;

		to = (char *)(((uintptr_t)to + HUGE - 1) & ~(HUGE - 1));
		p = mremap(a->base, a->len, a->len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
		if (p == MAP_FAILED) {
			perror("workload: mremap");
			exit(1);
		}
		printf("moved %lx %lx %lx\n", (unsigned long)a->base, (unsigned long)p,
		       (unsigned long)a->len);
		a->base = p;
		save_truth(truth);
	} else if (!strcmp(act, "split")) {
		for (off = 0; off < a->len; off += HUGE)
			madvise(a->base + off, PAGE, MADV_DONTNEED);
		printf("split\n");
	} else if (!strcmp(act, "collapse")) {
		printf("collapse %d\n", madvise(a->base, a->len, MADV_COLLAPSE) ? errno : 0);
	} else if (!strncmp(act, "storm=", 6)) {
		storm(atol(act + 6));
	} else if (!strncmp(act, "hold=", 5)) {
		hold(atol(act + 5));
	} else if (!strncmp(act, "writer=", 7)) {
		pthread_t t;

		pthread_create(&t, NULL, writer_loop, (void *)atol(act + 7));
		printf("writer\n");
	}
	fflush(stdout);
}

/* Writes the hot pages every touch_ms, for ever; shrinks and grows on signals. */
static void *touch_loop(void *unused)
{
	long since_leak = 0;
	struct timespec ts;
	int i;

	(void)unused;
	ts.tv_sec = touch_ms / 1000;
	ts.tv_nsec = (touch_ms % 1000) * 1000000;
	for (;;) {
		if (want_shrink) {
			want_shrink = 0;
			shrink();
			save_truth(truth);
			printf("shrunk\n");
			fflush(stdout);
		}
		if (want_grow) {
			want_grow = 0;
			grow();
			save_truth(truth);
			printf("grown\n");
			fflush(stdout);
		}
		if (want_action) {
			want_action = 0;
			do_action();
		}
		if (want_reread) {
			want_reread = 0;
			reread();
			printf("reread\n");
			fflush(stdout);
		}
		for (i = 0; i < nareas; i++) {
			struct area *a = &areas[i];
			char *p;

			if (a->pattern == 'n')
				continue;
			for (p = a->base; p < a->base + a->len; p += PAGE)
				if (page_hot(a, p))
					(*(volatile char *)p)++;
		}
		nanosleep(&ts, NULL);
		since_leak += touch_ms;
		if (leak_kib && since_leak >= 100) {
			since_leak = 0;
			leak_more(leak_kib);
		}
	}
	return NULL;
}

/* Moves the process into a cgroup v2 directory, before it maps anything. */
static void join_cgroup(const char *dir)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	int thread = 0, vmchild = 0, leader_exits = 0;
	int forking = 0;
	pthread_t worker;
	int c, i;

	/* malloc must not share the brk heap that the areas grow and shrink. */
	mallopt(M_MMAP_THRESHOLD, 0);
	while ((c = getopt(argc, argv, "a:t:o:c:fg:TVE")) != -1) {
		if (c == 'c')
			join_cgroup(optarg);
		else if (c == 'E')
			leader_exits = 1;
		else if (c == 'T')
			thread = 1;
		else if (c == 'V')
			vmchild = 1;
		else if (c == 't')
			touch_ms = atol(optarg);
		else if (c == 'g')
			leak_kib = atol(optarg);
		else if (c == 'f')
			forking = 1;
		else if (c == 'o')
			truth = optarg;
		else if (c == 'a')
			actions = optarg;
		else
			return 2;
	}
	for (i = optind; i < argc; i++)
		parse_area(argv[i]);
	for (i = 0; i < nareas; i++) {
		struct area *a = &areas[i];
		size_t off;

		if (a->stride) {
			for (off = 0; off < a->len; off += a->stride)
				a->base[off] = 0x5a;
			continue;
		}
		memset(a->base, 0x5a, a->len);
	}
	save_truth(truth);
	start_sharers(thread, vmchild);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGWINCH, on_signal);
	if (forking) {
		pid_t child = fork();

		if (!child) {
			while (!want_shrink)
				pause();
			for (;;) {
				for (i = 0; i < nareas; i++)
					memset(areas[i].base, 0x33, areas[i].len);
				usleep(50000);
			}
		}
		printf("child %d\n", (int)child);
	}
	printf("ready\n");
	fflush(stdout);
	if (leader_exits) {
		pthread_create(&worker, NULL, touch_loop, NULL);
		pthread_exit(NULL);
	}
	touch_loop(NULL);
	return 0;
}
