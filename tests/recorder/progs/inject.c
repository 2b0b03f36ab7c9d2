// SPDX-License-Identifier: GPL-2.0
/*
 * inject LIB: what heapmonctl attach does, done by the process itself: writes
 * PID.conf (HEAPMON_SAMPLE=0), dlopen's the recorder, which must read and
 * remove the conf, patch the GOT, record what is allocated afterwards, and
 * pass pointers from before the attach through to the real allocator.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>

#include "check.h"

#define NI __attribute__((noinline))

NI void *site_before(size_t n) { return malloc(n); }
NI void *site_after(size_t n) { return malloc(n); }
NI void *site_after_realloc(void *p, size_t n) { return realloc(p, n); }

int main(int argc, char **argv)
{
	struct site s[] = { { "site_before" }, { "site_after" }, { "site_after_realloc" } };
	struct hm_sites_header h;
	const char *dir = getenv("HEAPMON_SITES_DIR");
	char conf[512];
	void *before[10], *after[10];
	int fd;

	for (int i = 0; i < 10; i++) {
		before[i] = site_before(100);
		memset(before[i], i, 100);
	}
	snprintf(conf, sizeof(conf), "%s/%d.conf", dir, getpid());
	fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "HEAPMON_SAMPLE=0\nHEAPMON_RECORDS=1024\n", 38) != 38)
		return 2;
	close(fd);
	if (!dlopen(argv[1], RTLD_NOW)) {
		check(0, "inject: dlopen: %s", dlerror());
		return 1;
	}
	check(access(conf, F_OK) < 0, "inject: the recorder read and removed PID.conf");
	for (int i = 0; i < 10; i++)
		after[i] = site_after(200);
	/* Pointers from before the attach: realloc and free pass them through. */
	for (int i = 0; i < 5; i++)
		before[i] = site_after_realloc(before[i], 3000);
	for (int i = 5; i < 10; i++)
		free(before[i]);
	for (int i = 0; i < 5; i++)
		check(((unsigned char *)before[i])[99] == i, "inject: pre-attach object %d moved intact", i);
	s[1].count = 10, s[1].bytes = 2000;
	s[2].count = 5, s[2].bytes = 15000;
	check_exact(s, 3, 0, "inject");
	collect(s, 3, 0, &h);
	check((h.flags & HM_SITES_F_INJECTED) && h.sample_mean == 0 && h.records_cap == 1024,
	      "inject: file says INJECTED, settings from PID.conf (flags %u, mean %" PRIu64 ")",
	      h.flags, h.sample_mean);
	for (int i = 0; i < 10; i++)
		free(after[i]);
	for (int i = 0; i < 5; i++)
		free(before[i]);
	s[1].count = s[1].bytes = s[2].count = s[2].bytes = 0;
	check_exact(s, 3, 0, "inject after free");
	return fails ? 1 : 0;
}
