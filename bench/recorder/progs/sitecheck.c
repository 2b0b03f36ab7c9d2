// SPDX-License-Identifier: GPL-2.0
/*
 * sitecheck: the recorder's estimate of each site's live bytes against the
 * truth `sites` printed, read from the site file with the reader heapmonctl
 * uses (userspace/sitesfile.c).
 *
 *   sites | ... ; sitecheck PID < SITES_OUTPUT
 *   sitecheck --header FILE
 *
 * A record belongs to a site when frames[0] of its stack, the return
 * address into the caller of malloc, lies in the site function's code.
 * Prints, per site,
 *   site NAME truth T est E err (E-T)/T rel_sd S samples N
 * then the bytes of records that matched no site ("other"), and the
 * header's counters and what the arena holds:
 *   arena ARENA_BYTES sampled_live SUM_OF_SIZES
 * ARENA_BYTES being the pages held by live samples and SUM_OF_SIZES the
 * bytes those samples asked for (the difference is the arena's rounding).
 * With --header, only the header line and the arena line, of any site file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sitesfile.h"

#define MAX_SITES 16

struct truth {
	char name[64];
	uint64_t start, end, bytes, objects;
	double rel_sd;
	uint64_t est, samples;
};

static void print_header(const struct hm_sites *s)
{
	uint64_t sampled_live = 0;

	for (size_t k = 0; k < s->n_recs; k++)
		if (!(s->recs[k].flags & HM_SITES_REC_SHARED))
			sampled_live += s->recs[k].size;
	printf("header sample_mean %" PRIu64 " samples %" PRIu64 " sampled_frees %" PRIu64
	       " drops_records %" PRIu64 " drops_stacks %" PRIu64 " drops_arena %" PRIu64
	       " records_cap %" PRIu32 " stacks_cap %" PRIu32 "\n",
	       s->hdr.sample_mean, s->hdr.samples, s->hdr.sampled_frees, s->hdr.drops_records,
	       s->hdr.drops_stacks, s->hdr.drops_arena, s->hdr.records_cap, s->hdr.stacks_cap);
	printf("arena %" PRIu64 " sampled_live %" PRIu64 "\n", s->hdr.arena_bytes, sampled_live);
}

int main(int argc, char **argv)
{
	struct truth t[MAX_SITES];
	uint64_t other = 0, other_samples = 0;
	size_t n = 0, i, k;
	struct hm_sites s;
	char line[512], err[256];
	int ret;

	if (argc == 3 && !strcmp(argv[1], "--header")) {
		if (hm_sites_read_path(argv[2], &s, err, sizeof(err))) {
			fprintf(stderr, "sitecheck: %s\n", err);
			return 1;
		}
		print_header(&s);
		hm_sites_free(&s);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: sitecheck PID < SITES_OUTPUT | sitecheck --header FILE\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin) && n < MAX_SITES) {
		struct truth *x = &t[n];

		memset(x, 0, sizeof(*x));
		if (sscanf(line, "site %63s %" SCNx64 " %" SCNx64 " %" SCNu64 " %" SCNu64 " %lf",
			   x->name, &x->start, &x->end, &x->bytes, &x->objects, &x->rel_sd) == 6)
			n++;
	}
	if (!n) {
		fprintf(stderr, "sitecheck: no site lines on stdin\n");
		return 2;
	}
	ret = hm_sites_read((pid_t)atoi(argv[1]), NULL, &s, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sitecheck: %s\n", err);
		return 1;
	}
	for (k = 0; k < s.n_recs; k++) {
		const struct hm_sites_record *r = &s.recs[k];
		const struct hm_sites_stack *st = hm_sites_stack_of(&s, r);
		int hit = 0;

		for (i = 0; st && st->depth && i < n; i++)
			if (st->frames[0] >= t[i].start && st->frames[0] < t[i].end) {
				t[i].est += r->weight_bytes;
				t[i].samples++;
				hit = 1;
				break;
			}
		if (!hit) {
			other += r->weight_bytes;
			other_samples++;
		}
	}
	for (i = 0; i < n; i++)
		printf("site %s truth %" PRIu64 " est %" PRIu64 " err %.6f rel_sd %.6f samples %" PRIu64 "\n",
		       t[i].name, t[i].bytes, t[i].est,
		       ((double)t[i].est - (double)t[i].bytes) / (double)t[i].bytes,
		       t[i].rel_sd, t[i].samples);
	printf("other est %" PRIu64 " samples %" PRIu64 "\n", other, other_samples);
	print_header(&s);
	hm_sites_free(&s);
	return 0;
}
