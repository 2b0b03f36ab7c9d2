// SPDX-License-Identifier: GPL-2.0
/*
 * sitedump FILE: a site file's header and live records, one "key=value"
 * line each, for the recorder's tests (read with userspace/sitesfile.c).
 */
#include <inttypes.h>
#include <stdio.h>

#include "../../userspace/sitesfile.h"

int main(int argc, char **argv)
{
	struct hm_sites s;
	char err[256];
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: sitedump FILE\n");
		return 2;
	}
	ret = hm_sites_read_path(argv[1], &s, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sitedump: %s\n", err);
		return 1;
	}
	printf("header pid=%u ppid=%u flags=%u sample_mean=%" PRIu64 " records_used=%" PRIu64
	       " stacks_used=%" PRIu64 " samples=%" PRIu64 " sampled_frees=%" PRIu64
	       " drops_records=%" PRIu64 " drops_stacks=%" PRIu64 " drops_arena=%" PRIu64
	       " arena_bytes=%" PRIu64 " live=%zu stacks=%zu exit_ns=%" PRIu64 "\n",
	       s.hdr.pid, s.hdr.ppid, s.hdr.flags, s.hdr.sample_mean, s.hdr.records_used,
	       s.hdr.stacks_used, s.hdr.samples, s.hdr.sampled_frees, s.hdr.drops_records,
	       s.hdr.drops_stacks, s.hdr.drops_arena, s.hdr.arena_bytes, s.n_recs, s.n_stacks,
	       s.hdr.exit_ns);
	for (size_t i = 0; i < s.n_recs; i++) {
		const struct hm_sites_record *r = &s.recs[i];
		const struct hm_sites_stack *st = hm_sites_stack_of(&s, r);

		printf("rec addr=0x%" PRIx64 " size=%" PRIu64 " weight=%" PRIu64 " flags=%u tid=%u depth=%u",
		       r->addr, r->size, r->weight_bytes, r->flags, r->tid, st ? st->depth : 0);
		for (uint32_t f = 0; st && f < st->depth && f < 8; f++)
			printf(" f%u=0x%" PRIx64, f, st->frames[f]);
		printf("\n");
	}
	hm_sites_free(&s);
	return 0;
}
