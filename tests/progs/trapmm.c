// SPDX-License-Identifier: GPL-2.0
/*
 * trapmm SCENARIO PAGES: the memory operations trap mode must survive, on
 * pages armed (PROT_NONE) by a watch in trap mode, for 39-trap-mm.sh.
 *
 * Every region is written once with a pattern of its own (a tag, the page's
 * index and the byte's offset: no page of it is all zero), then left idle.
 * The program prints its addresses ("ready ..."), waits for SIGUSR1, does
 * one step, prints what it saw, and so on; a step's output ends with a line
 * "stepN" (N from 1), the last step's with "done" instead, after which
 * SIGUSR1 makes it exit. Every check of contents reads every byte and
 * prints "NAME ok" or "NAME bad PAGE OFFSET GOT WANT" (the first bad byte
 * of each bad page).
 *
 * fork PAGES: step 1 forks. The parent reads the even pages (the first
 * touch of armed pages) and writes its own pattern over them while the
 * child still maps them; then the child (unwatched) reads every page, which
 * must still hold the original (copy-on-write, whatever the parent's hint
 * faults restored), writes its own pattern and checks it; then the parent
 * reads the odd pages, which the child touched first, writes them, and
 * checks all. Checks "parent-even", "child-read", "child" (its writes),
 * "parent-odd" and "parent" (its writes), and prints "child-exit STATUS".
 *
 * swap PAGES: step 1 MADV_PAGEOUTs the region (a few times if reclaim
 * skipped pages) and prints "pageout RC SWAPPED" (pages whose PTE is a
 * swap entry, by /proc/self/pagemap); step 2 reads them back ("area ok")
 * and prints "swapped-after N".
 *
 * thp: three regions: S0, a 2 MiB aligned range of small pages, the even
 * ones written, the odd ones never; S1, the next 2 MiB, one transparent
 * huge page; S2, 16 small pages after it. Prints "s1-huge KB" (S1's
 * AnonHugePages in smaps). Step 1 splits S1 (MADV_DONTNEED of its page 5,
 * then an mprotect round trip of pages 100-101), prints "split RC RC RC"
 * and "s1-huge KB", checks S1 ("s1", page 5 zero) and S2 ("s2"). Step 2
 * writes S0's page 0 again (its pattern), then MADV_COLLAPSEs S0 (again
 * while EAGAIN, up to 10 times), prints "collapse RC" (0 or errno),
 * "collapse-eagain N" (the EAGAINs) and "s0-huge KB", and checks S0 ("s0":
 * even pages their pattern, odd ones zero).
 *
 * refuse PAGES: P plain, U registered with userfaultfd (missing mode, after
 * it was written: nothing reaches a handler), K madvised MADV_MERGEABLE.
 * Prints "uffd RC" and "ksm RC" (0 or errno: a kernel without them says
 * ENOSYS or EINVAL). Step 1 checks P, U and K ("p", "u", "k").
 *
 * ksm PAGES: pages of the same contents, armed, then madvised
 * MADV_MERGEABLE (step 1, "ksm RC"): armed before, they stay armed. Step 2
 * (once ksmd has had its chance) prints "merged ADDR" for each page whose
 * frame another page maps too (by pagemap, without touching them) and
 * "merged-pages N frames F" (F frames shared), checks the contents
 * ("read"), writes a pattern of each page's own to every page (out of the
 * KSM page: copy-on-write) and checks it ("written").
 *
 * ops PAGES: regions mprot, mremap, munmap, dontneed, free, control, exit,
 * each a mapping of its own between inaccessible guard pages, and "dest",
 * where mremap moves its region to. Step 1: an mprotect round trip
 * (PROT_NONE, then back) of mprot, whose pages are read at once, checked
 * ("mprot") and written (still writable); then mremap of mremap onto dest,
 * munmap of munmap and a new mapping at the same address, MADV_DONTNEED of
 * dontneed (both then read at once), MADV_FREE of free; prints
 * "rc RC RC RC RC RC RC RC" (0 or errno each). Step 2 checks dest, munmap
 * and dontneed (zeros), control; free's pages each hold either their
 * pattern (still mapped) or zeros (freed), and each that kept its contents
 * is printed as "kept ADDR" ("free ok" unless a page held neither). exit is
 * never touched: it is armed when the process exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smaps.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define PAGE 4096UL
#define HUGE (2UL << 20)

static volatile sig_atomic_t steps;
static sigset_t waitmask;	/* SIGUSR1 unblocked: it is blocked outside sigsuspend() */

static void on_usr1(int sig)
{
	(void)sig;
	steps++;
}

/* Ends step n - 1's output and waits for SIGUSR1 number n. */
static void step(int n)
{
	if (n > 1)
		printf("step%d\n", n - 1);
	fflush(stdout);
	while (steps < n)
		sigsuspend(&waitmask);
}

static unsigned char pat(int tag, unsigned long page, unsigned long off)
{
	return (unsigned char)(tag * 31 + page * 7 + off * 13 + 1);
}

static void fill_page(unsigned char *base, unsigned long page, int tag)
{
	unsigned long j;

	for (j = 0; j < PAGE; j++)
		base[page * PAGE + j] = pat(tag, page, j);
}

static void fill(unsigned char *base, unsigned long pages, int tag)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		fill_page(base, i, tag);
}

/*
 * Whether page `page` of base holds tag's pattern (tag 0: zeros); if not,
 * says where, as "NAME bad PAGE OFFSET GOT WANT".
 */
static int page_ok(const char *name, unsigned char *base, unsigned long page, int tag)
{
	unsigned long j;
	unsigned char want;

	for (j = 0; j < PAGE; j++) {
		want = tag ? pat(tag, page, j) : 0;
		if (base[page * PAGE + j] != want) {
			printf("%s bad %lu %lu %u %u\n", name, page, j, base[page * PAGE + j],
			       want);
			return 0;
		}
	}
	return 1;
}

/* Checks pages of base (every stride-th from first, below pages) against tag. */
static int pages_ok(const char *name, unsigned char *base, unsigned long first,
		    unsigned long pages, unsigned long stride, int tag)
{
	unsigned long i;
	int ok = 1;

	for (i = first; i < pages; i += stride)
		ok &= page_ok(name, base, i, tag);
	return ok;
}

/* pages_ok(), and "NAME ok" if they are. */
static int check(const char *name, unsigned char *base, unsigned long first,
		 unsigned long pages, unsigned long stride, int tag)
{
	int ok = pages_ok(name, base, first, pages, stride, tag);

	if (ok)
		printf("%s ok\n", name);
	return ok;
}

/* Small anonymous pages only: a THP would be neither armed nor split here. */
static unsigned char *map_small(unsigned long pages)
{
	unsigned char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	return p;
}

static int err(int rc)
{
	return rc ? errno : 0;
}

/* The pagemap entry of addr: bit 63 present, bit 62 swapped. */
static uint64_t pagemap(void *addr)
{
	static int fd = -1;
	uint64_t e = 0;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY);
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / PAGE * sizeof(e)) != sizeof(e))
		return 0;
	return e;
}

static unsigned long swapped(unsigned char *base, unsigned long pages)
{
	unsigned long i, n = 0;

	for (i = 0; i < pages; i++)
		n += !!(pagemap(base + i * PAGE) & (1ULL << 62));
	return n;
}

static int scenario_fork(unsigned long pages)
{
	unsigned char *a = map_small(pages);
	int pipefd[2], status, ok;
	unsigned long i;
	char c = 0;
	pid_t pid;

	fill(a, pages, 1);
	printf("ready 0x%lx\n", (unsigned long)a);
	step(1);
	if (pipe(pipefd))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		/* The child: the original everywhere, whatever the parent did since. */
		if (read(pipefd[0], &c, 1) != 1)
			_exit(1);
		ok = check("child-read", a, 0, pages, 1, 1);
		fill(a, pages, 3);
		ok &= check("child", a, 0, pages, 1, 3);
		fflush(stdout);
		_exit(!ok);
	}
	/* Even pages: the parent's hint fault first, then its write (COW). */
	check("parent-even", a, 0, pages, 2, 1);
	for (i = 0; i < pages; i += 2)
		fill_page(a, i, 2);
	fflush(stdout);
	if (write(pipefd[1], &c, 1) != 1 || waitpid(pid, &status, 0) != pid)
		return 1;
	printf("child-exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	/* Odd pages: the child touched its copies first. */
	check("parent-odd", a, 1, pages, 2, 1);
	for (i = 1; i < pages; i += 2)
		fill_page(a, i, 2);
	check("parent", a, 0, pages, 1, 2);
	return 0;
}

static int scenario_swap(unsigned long pages)
{
	unsigned char *a = map_small(pages);
	unsigned long n = 0;
	int rc = 0, i;

	fill(a, pages, 1);
	printf("ready 0x%lx\n", (unsigned long)a);
	step(1);
	/* Reclaim skips a page not yet on an LRU list (a per-CPU batch): again. */
	for (i = 0; i < 5 && n < pages; i++) {
		rc = err(madvise(a, pages * PAGE, MADV_PAGEOUT));
		n = swapped(a, pages);
		if (n < pages)
			usleep(20000);
	}
	printf("pageout %d %lu\n", rc, n);
	step(2);
	check("area", a, 0, pages, 1, 1);
	printf("swapped-after %lu\n", swapped(a, pages));
	return 0;
}

static int scenario_thp(void)
{
	unsigned long pages = HUGE / PAGE, i;
	unsigned char *raw, *s0, *s1, *s2;
	int rc;

	raw = mmap(NULL, 4 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return 1;
	s0 = (unsigned char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	s1 = s0 + HUGE;
	s2 = s1 + HUGE;
	madvise(s0, HUGE, MADV_NOHUGEPAGE);
	madvise(s1, HUGE, MADV_HUGEPAGE);
	madvise(s2, 16 * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i += 2)
		fill_page(s0, i, 1);
	fill(s1, pages, 2);
	fill(s2, 16, 3);
	printf("ready 0x%lx 0x%lx 0x%lx\n", (unsigned long)s0, (unsigned long)s1,
	       (unsigned long)s2);
	printf("s1-huge %ld\n", anon_huge_kb(s1));
	step(1);
	/* Split S1's PMD twice over, beside S0's and S2's armed PTEs. */
	printf("split %d", err(madvise(s1 + 5 * PAGE, PAGE, MADV_DONTNEED)));
	printf(" %d", err(mprotect(s1 + 100 * PAGE, 2 * PAGE, PROT_READ)));
	printf(" %d\n", err(mprotect(s1 + 100 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE)));
	printf("s1-huge %ld\n", anon_huge_kb(s1));
	if (pages_ok("s1", s1, 0, 5, 1, 2) & page_ok("s1", s1, 5, 0) &
	    pages_ok("s1", s1, 6, pages, 1, 2))
		printf("s1 ok\n");
	check("s2", s2, 0, 16, 1, 3);
	step(2);
	/*
	 * MADV_COLLAPSE refuses VM_NOHUGEPAGE: undo it first. It also refuses
	 * a range without one writable PTE (SCAN_PAGE_RO): on 6.12 an armed
	 * PTE is never writable, as NUMA hinting's are not, so every page
	 * armed would leave S0 as it is. Page 0 is written (its trap) first.
	 */
	madvise(s0, HUGE, MADV_HUGEPAGE);
	fill_page(s0, 0, 1);
	/*
	 * EAGAIN (seen once on 6.1): a page had a reference besides its
	 * mapping's for a moment, probably a pass's folio_mark_accessed() of
	 * page 0, just written, parked in a per-CPU LRU batch. The kernel
	 * says: try again.
	 */
	for (i = 0; i < 10; i++) {
		rc = err(madvise(s0, HUGE, MADV_COLLAPSE));
		if (rc != EAGAIN)
			break;
		usleep(100000);
	}
	printf("collapse %d\n", rc);
	printf("collapse-eagain %lu\n", i);
	printf("s0-huge %ld\n", anon_huge_kb(s0));
	if (pages_ok("s0", s0, 0, pages, 2, 1) & pages_ok("s0", s0, 1, pages, 2, 0))
		printf("s0 ok\n");
	return 0;
}

/* Registers [p, p + len) with a new userfaultfd, missing mode: 0 or errno. */
static int uffd_register(void *p, unsigned long len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return errno;
	if (ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg))
		return errno;
	return 0;	/* fd stays open: the registration lasts as long as it */
}

static int scenario_refuse(unsigned long pages)
{
	unsigned char *p = map_small(pages), *u = map_small(pages), *k = map_small(pages);

	fill(p, pages, 1);
	fill(u, pages, 2);
	fill(k, pages, 3);
	/* Written first: a missing-mode range sends only missing pages to a handler. */
	printf("uffd %d\n", uffd_register(u, pages * PAGE));
	printf("ksm %d\n", err(madvise(k, pages * PAGE, MADV_MERGEABLE)));
	printf("ready 0x%lx 0x%lx 0x%lx\n", (unsigned long)p, (unsigned long)u,
	       (unsigned long)k);
	step(1);
	check("p", p, 0, pages, 1, 1);
	check("u", u, 0, pages, 1, 2);
	check("k", k, 0, pages, 1, 3);
	return 0;
}

/* The page frame of addr (pagemap bits 0-54, root only), 0 if not present. */
static uint64_t pfn(void *addr)
{
	uint64_t e = pagemap(addr);

	return e & (1ULL << 63) ? e & ((1ULL << 55) - 1) : 0;
}

/*
 * Whether every page of base holds the bytes page 0 of tag's pattern has
 * (the same in each, for KSM to merge); says where not, as page_ok().
 */
static int same_ok(const char *name, unsigned char *base, unsigned long pages, int tag)
{
	unsigned long i, j;
	int ok = 1;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PAGE; j++)
			if (base[i * PAGE + j] != pat(tag, 0, j)) {
				printf("%s bad %lu %lu %u %u\n", name, i, j, base[i * PAGE + j],
				       pat(tag, 0, j));
				ok = 0;
				break;
			}
	if (ok)
		printf("%s ok\n", name);
	return ok;
}

static int scenario_ksm(unsigned long pages)
{
	unsigned char *a = map_small(pages);
	unsigned long i, j, n = 0, frames = 0;
	uint64_t f;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PAGE; j++)
			a[i * PAGE + j] = pat(5, 0, j);
	printf("ready 0x%lx\n", (unsigned long)a);
	step(1);
	printf("ksm %d\n", err(madvise(a, pages * PAGE, MADV_MERGEABLE)));
	step(2);
	/*
	 * Merged: its frame mapped at another address too (pagemap, which
	 * touches nothing); a frame counted at the first page that maps it.
	 */
	for (i = 0; i < pages; i++) {
		f = pfn(a + i * PAGE);
		for (j = 0; j < pages; j++)
			if (j != i && f && pfn(a + j * PAGE) == f)
				break;
		if (j == pages)
			continue;
		printf("merged 0x%lx\n", (unsigned long)(a + i * PAGE));
		n++;
		frames += j > i;
	}
	printf("merged-pages %lu frames %lu\n", n, frames);
	same_ok("read", a, pages, 5);
	/* A pattern of each page's own: a write reaching a shared frame shows. */
	fill(a, pages, 6);
	check("written", a, 0, pages, 1, 6);
	return 0;
}

enum { MPROT, MREMAP, MUNMAP, DONTNEED, FREE, CONTROL, EXIT, NREG };
static const char *const reg_name[NREG] = {
	"mprot", "mremap", "munmap", "dontneed", "free", "control", "exit",
};

static int scenario_ops(unsigned long pages)
{
	unsigned long len = pages * PAGE, slot = len + PAGE, i;
	unsigned char *r[NREG], *base, *dest, *m;
	int rc[6], ok = 1;

	/* Each region between inaccessible pages: a mapping of its own. */
	base = mmap(NULL, NREG * slot + PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dest = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || dest == MAP_FAILED)
		return 1;
	for (i = 0; i < NREG; i++) {
		r[i] = base + PAGE + i * slot;
		if (mprotect(r[i], len, PROT_READ | PROT_WRITE))
			return 1;
		madvise(r[i], len, MADV_NOHUGEPAGE);
		fill(r[i], pages, i + 1);
	}
	for (i = 0; i < NREG; i++)
		printf("region %s 0x%lx\n", reg_name[i], (unsigned long)r[i]);
	printf("region dest 0x%lx\n", (unsigned long)dest);
	printf("ready\n");
	step(1);
	rc[0] = err(mprotect(r[MPROT], len, PROT_NONE));
	rc[1] = err(mprotect(r[MPROT], len, PROT_READ | PROT_WRITE));
	/*
	 * Touched at once: the PTEs mprotect rewrote are present and not
	 * young, and a pass that got in now would arm them again, rightly.
	 */
	for (i = 0; i < pages; i++)
		(void)*(volatile unsigned char *)(r[MPROT] + i * PAGE);
	check("mprot", r[MPROT], 0, pages, 1, MPROT + 1);
	fill(r[MPROT], pages, MPROT + 1);
	m = mremap(r[MREMAP], len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	rc[2] = m == dest ? 0 : errno;
	rc[3] = err(munmap(r[MUNMAP], len));
	m = mmap(r[MUNMAP], len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	rc[4] = m == r[MUNMAP] ? 0 : errno;
	rc[5] = err(madvise(r[DONTNEED], len, MADV_DONTNEED));
	/*
	 * Read before a pass can sweep their armed pages from the table: a
	 * fault where an armed page was is no trap. Reads map the zero page,
	 * which is never armed.
	 */
	for (i = 0; i < pages; i++) {
		(void)*(volatile unsigned char *)(r[MUNMAP] + i * PAGE);
		(void)*(volatile unsigned char *)(r[DONTNEED] + i * PAGE);
	}
	printf("rc %d %d %d %d %d %d", rc[0], rc[1], rc[2], rc[3], rc[4], rc[5]);
	printf(" %d\n", err(madvise(r[FREE], len, MADV_FREE)));
	step(2);
	check("dest", dest, 0, pages, 1, MREMAP + 1);
	check("munmap", r[MUNMAP], 0, pages, 1, 0);
	check("dontneed", r[DONTNEED], 0, pages, 1, 0);
	check("control", r[CONTROL], 0, pages, 1, CONTROL + 1);
	/* MADV_FREE: each page its contents (not yet freed) or zeros (freed). */
	for (i = 0; i < pages; i++) {
		if (r[FREE][i * PAGE] == pat(FREE + 1, i, 0)) {
			ok &= page_ok("free", r[FREE], i, FREE + 1);
			printf("kept 0x%lx\n", (unsigned long)(r[FREE] + i * PAGE));
		} else {
			ok &= page_ok("free", r[FREE], i, 0);
		}
	}
	if (ok)
		printf("free ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long pages = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	sigset_t usr1;
	int rc;

	if (argc < 2)
		return 2;
	signal(SIGUSR1, on_usr1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &waitmask);
	sigdelset(&waitmask, SIGUSR1);
	if (!strcmp(argv[1], "fork") && pages)
		rc = scenario_fork(pages);
	else if (!strcmp(argv[1], "swap") && pages)
		rc = scenario_swap(pages);
	else if (!strcmp(argv[1], "thp"))
		rc = scenario_thp();
	else if (!strcmp(argv[1], "refuse") && pages)
		rc = scenario_refuse(pages);
	else if (!strcmp(argv[1], "ksm") && pages)
		rc = scenario_ksm(pages);
	else if (!strcmp(argv[1], "ops") && pages)
		rc = scenario_ops(pages);
	else
		return 2;
	if (rc)
		return rc;
	/* The last step's output, then exit on the next SIGUSR1. */
	printf("done\n");
	fflush(stdout);
	rc = steps + 1;
	while (steps < rc)
		sigsuspend(&waitmask);
	return 0;
}
