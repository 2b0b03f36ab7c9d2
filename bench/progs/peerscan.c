// SPDX-License-Identifier: GPL-2.0
/*
 * peerscan: one full access-bit pass over a process's memory, done the way
 * a user without heapmon would do it, timed.
 *
 *   peerscan refs PID     read /proc/PID/smaps and add up Referenced (the
 *                         pages accessed since the last pass), then write
 *                         1 to /proc/PID/clear_refs (clears the accessed
 *                         bits of every page)
 *   peerscan idle PID     idle page tracking: read /proc/PID/pagemap for
 *                         PID's anonymous private writable mappings, read
 *                         /sys/kernel/mm/page_idle/bitmap for those page
 *                         frames (a frame no longer idle was accessed) and
 *                         mark them idle again
 *
 * Prints "ns N pages P accessed A": the pass's wall time, the resident pages
 * it looked at and how many of them it found accessed since the last pass.
 * The first pass of each kind only sets the baseline.
 */
#include "bench.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define PM_PRESENT (1ull << 63)
#define PM_PFN_MASK ((1ull << 55) - 1)

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int pass_refs(int pid, uint64_t *pages, uint64_t *accessed)
{
	char path[64], line[256];
	unsigned long kb;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Rss: %lu kB", &kb) == 1)
			*pages += kb / 4;
		else if (sscanf(line, "Referenced: %lu kB", &kb) == 1)
			*accessed += kb / 4;
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/clear_refs", pid);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		die(path);
	close(fd);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The present page frames of PID's anonymous private writable mappings. */
static uint64_t *heap_pfns(int pid, uint64_t *n)
{
	uint64_t *pfn = NULL, *buf, cap = 0;
	unsigned long start, end;
	char path[64], line[512], perm[8];
	int fd, name;
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (!maps || fd < 0)
		die(path);
	*n = 0;
	while (fgets(line, sizeof(line), maps)) {
		uint64_t pages, i;

		name = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perm, &name) < 3)
			continue;
		/* anonymous private writable: no file, or the brk heap */
		if (strcmp(perm, "rw-p") || (line[name] && line[name] != '\n' &&
					     strncmp(line + name, "[heap]", 6)))
			continue;
		pages = (end - start) / PAGE;
		buf = malloc(pages * sizeof(*buf));
		if (!buf)
			die("malloc");
		if (pread(fd, buf, pages * sizeof(*buf), start / PAGE * sizeof(*buf)) !=
		    (ssize_t)(pages * sizeof(*buf)))
			die("pagemap");
		for (i = 0; i < pages; i++) {
			if (!(buf[i] & PM_PRESENT))
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 65536;
				pfn = realloc(pfn, cap * sizeof(*pfn));
				if (!pfn)
					die("realloc");
			}
			pfn[(*n)++] = buf[i] & PM_PFN_MASK;
		}
		free(buf);
	}
	fclose(maps);
	close(fd);
	return pfn;
}

/*
 * Reads (or with OUT writes) LEN bytes at OFF; sysfs moves at most a page
 * per call.
 */
static void bitmap_io(int fd, uint64_t *buf, size_t len, off_t off, int out)
{
	char *p = (char *)buf;
	ssize_t n;

	while (len) {
		n = out ? pwrite(fd, p, len, off) : pread(fd, p, len, off);
		if (n <= 0)
			die(out ? "page_idle write" : "page_idle read");
		p += n;
		off += n;
		len -= n;
	}
}

/*
 * The bitmap is read and written in 8-byte words of 64 frames; consecutive
 * words are read and written together.
 */
static int pass_idle(int pid, uint64_t *pages, uint64_t *accessed)
{
	uint64_t n, i, j, *pfn = heap_pfns(pid, &n), *words;
	int fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);

	if (fd < 0)
		die("/sys/kernel/mm/page_idle/bitmap");
	qsort(pfn, n, sizeof(*pfn), cmp_u64);
	words = malloc((n ? pfn[n - 1] / 64 - pfn[0] / 64 + 1 : 1) * sizeof(*words));
	if (!words)
		die("malloc");
	for (i = 0; i < n; i = j) {
		uint64_t w0 = pfn[i] / 64, w1 = w0, k;

		/* the run of consecutive words from pfn[i] on */
		for (j = i; j < n && pfn[j] / 64 <= w1 + 1; j++)
			w1 = pfn[j] / 64;
		bitmap_io(fd, words, (w1 - w0 + 1) * 8, w0 * 8, 0);
		for (k = i; k < j; k++)
			*accessed += !(words[pfn[k] / 64 - w0] >> (pfn[k] % 64) & 1);
		for (k = 0; k <= w1 - w0; k++)
			words[k] = ~0ull;
		bitmap_io(fd, words, (w1 - w0 + 1) * 8, w0 * 8, 1);
	}
	*pages = n;
	free(words);
	free(pfn);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t pages = 0, accessed = 0, t0, t1;
	int pid;

	if (argc != 3 || (strcmp(argv[1], "refs") && strcmp(argv[1], "idle"))) {
		fprintf(stderr, "usage: peerscan refs|idle PID\n");
		return 2;
	}
	pid = atoi(argv[2]);
	t0 = now_ns();
	if (!strcmp(argv[1], "refs"))
		pass_refs(pid, &pages, &accessed);
	else
		pass_idle(pid, &pages, &accessed);
	t1 = now_ns();
	printf("ns %llu pages %llu accessed %llu\n", (unsigned long long)(t1 - t0),
	       (unsigned long long)pages, (unsigned long long)accessed);
	return 0;
}
