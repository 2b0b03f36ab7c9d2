/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The site file (include/heapmon/sites.h): created at start and again in a
 * fork child, a MAP_SHARED mirror of the recorder's private table, marked
 * at exit. Every function tolerates a missing file (then the recorder
 * records privately only).
 */
#ifndef HEAPMON_RECORDER_PUBLISH_H
#define HEAPMON_RECORDER_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "../../include/heapmon/sites.h"

/*
 * Creates dir/PID.sites sized for hdr's capacities and writes into it hdr,
 * records [0, hdr->records_used) and stacks [0, n_stacks). Replaces the
 * mapping of a previous file (fork child). Returns 0 or -errno; quiet
 * suppresses the one line on stderr about a failure.
 */
int hm_publish_open(const char *dir, const struct hm_sites_header *hdr,
		    const struct hm_sites_record *recs,
		    const struct hm_sites_stack *stacks, uint32_t n_stacks, bool quiet);
/* Mirrors record i (seq odd, fields, seq even), then the header's counters. */
void hm_publish_record(uint32_t i, const struct hm_sites_record *r,
		       const struct hm_sites_header *hdr);
/* Mirrors stack i (frames, then depth last). */
void hm_publish_stack(uint32_t i, const struct hm_sites_stack *s);
/*
 * While a fork is under way (atfork handlers running): mirror only in the
 * process that owns the file, never from a child into its parent's file.
 */
void hm_publish_forking(bool on);
/* Mirrors the header's flags and counters. */
void hm_publish_header(const struct hm_sites_header *hdr);

#endif
