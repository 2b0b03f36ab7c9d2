/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-checks for the recorder's test programs: a program allocates at
 * known sites (noinline functions, exported with -rdynamic), then reads its
 * own site file and sums the live records per site, naming frames with
 * dladdr. Prints PASS/FAIL lines; fails counts the FAILs.
 */
#ifndef HM_TEST_CHECK_H
#define HM_TEST_CHECK_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../userspace/sitesfile.h"

static int fails;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	fails += !ok;
}

struct site {
	const char *name;	/* the function whose call allocates */
	uint64_t count, bytes;	/* truth: live objects and bytes */
	uint64_t got_count, got_bytes, got_weight;	/* from the file */
	uint32_t flags_or, flags_and;
	uint64_t not_page_start;	/* arena records not at a page start */
};

static const char *frame_name(uint64_t ip)
{
	Dl_info di;

	if (!dladdr((void *)(uintptr_t)(ip - 1), &di) || !di.dli_sname)
		return "?";
	return di.dli_sname;
}

/* Reads the own site file; frame: which frame names the site (C++ new: 1). */
static int collect(struct site *sites, int n, int frame, struct hm_sites_header *hdr)
{
	struct hm_sites s;
	char err[256];

	for (int i = 0; i < n; i++) {
		sites[i].got_count = sites[i].got_bytes = sites[i].got_weight = 0;
		sites[i].flags_or = 0;
		sites[i].flags_and = ~0u;
		sites[i].not_page_start = 0;
	}
	if (hm_sites_read(getpid(), NULL, &s, err, sizeof(err))) {
		check(0, "read own site file: %s", err);
		return -1;
	}
	for (size_t r = 0; r < s.n_recs; r++) {
		const struct hm_sites_record *rec = &s.recs[r];
		const struct hm_sites_stack *st = hm_sites_stack_of(&s, rec);
		const char *name;

		if (!st || (int)st->depth <= frame)
			continue;
		name = frame_name(st->frames[frame]);
		for (int i = 0; i < n; i++) {
			if (strcmp(name, sites[i].name))
				continue;
			sites[i].got_count++;
			sites[i].got_bytes += rec->size;
			sites[i].got_weight += rec->weight_bytes;
			sites[i].flags_or |= rec->flags;
			sites[i].flags_and &= rec->flags;
			if (!(rec->flags & HM_SITES_REC_SHARED) && (rec->addr & 4095))
				sites[i].not_page_start++;
		}
	}
	if (hdr)
		*hdr = s.hdr;
	hm_sites_free(&s);
	return 0;
}

/* Exact live sets (HEAPMON_SAMPLE=0). */
static void check_exact(struct site *sites, int n, int frame, const char *what)
{
	if (collect(sites, n, frame, NULL))
		return;
	for (int i = 0; i < n; i++)
		check(sites[i].got_count == sites[i].count && sites[i].got_bytes == sites[i].bytes &&
		      sites[i].got_weight == sites[i].bytes,
		      "%s: %s live %" PRIu64 " objects %" PRIu64 " bytes (want %" PRIu64 ", %" PRIu64 ")",
		      what, sites[i].name, sites[i].got_count, sites[i].got_bytes,
		      sites[i].count, sites[i].bytes);
}

#endif
