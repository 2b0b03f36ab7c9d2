/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Record files (heapmonctl record writes them, heapmonctl report reads them):
 * NDJSON, a header object then one frame per interval. README.md,
 * "heapmonctl record and report", is the contract; HM_RECORD_VERSION changes
 * when a field changes meaning or goes away (new fields may appear).
 */
#ifndef HEAPMONCTL_RECORD_H
#define HEAPMONCTL_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define HM_RECORD_VERSION 1
#define HM_RECORD_SLICES 256	/* at most, per region */

/* A region as one frame has it; the heat arrays are NULL without heat. */
struct hm_rec_region {
	uint64_t start, end;
	char kind[8];
	uint64_t resident, cold, never;	/* bytes; cold: idle >= 10 periods */
	unsigned int slices;
	uint64_t *s_resident, *s_never, *s_idle;
};

struct hm_rec_frame {
	uint64_t time_ns, boottime_ns;
	uint64_t resident, cold, never;
	size_t n_regions;
	struct hm_rec_region *regions;
};

struct hm_record {
	unsigned int version;
	uint32_t pid;
	char comm[64];
	uint64_t period_ms, interval_ms;
	size_t n_frames;
	struct hm_rec_frame *frames;
};

/* Reads a record file; 0, or -1 with "line N: why" in err. */
int hm_record_load(FILE *f, struct hm_record *rec, char *err, size_t err_len);
void hm_record_free(struct hm_record *rec);

#endif
