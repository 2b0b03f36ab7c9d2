// SPDX-License-Identifier: GPL-2.0
/*
 * sitecheck PID LO HI LO2 HI2 BUF_LO BUF_HI: reads PID's site file with
 * heapmonctl's reader (userspace/sitesfile.c) and prints, space separated:
 * the live records whose stack has a return address in [LO, HI), those in
 * [LO2, HI2), and those whose object lies in [BUF_LO, BUF_HI). Exit 1 when
 * the file cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../userspace/sitesfile.h"

static int in_stack(const struct hm_sites *s, const struct hm_sites_record *r, uint64_t lo,
		    uint64_t hi)
{
	const struct hm_sites_stack *st = hm_sites_stack_of(s, r);

	for (uint32_t i = 0; st && i < st->depth && i < HM_SITES_MAX_DEPTH; i++)
		if (st->frames[i] > lo && st->frames[i] <= hi)	/* a return address follows its call */
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t v[6];
	unsigned long n[3] = {};
	struct hm_sites s;
	char err[256];

	if (argc != 8)
		return 2;
	for (int i = 0; i < 6; i++)
		v[i] = strtoull(argv[i + 2], NULL, 0);
	if (hm_sites_read(atoi(argv[1]), NULL, &s, err, sizeof(err))) {
		fprintf(stderr, "sitecheck: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < s.n_recs; i++) {
		const struct hm_sites_record *r = &s.recs[i];

		n[0] += in_stack(&s, r, v[0], v[1]);
		n[1] += in_stack(&s, r, v[2], v[3]);
		n[2] += r->addr >= v[4] && r->addr < v[5];
	}
	printf("%lu %lu %lu\n", n[0], n[1], n[2]);
	hm_sites_free(&s);
	return 0;
}
