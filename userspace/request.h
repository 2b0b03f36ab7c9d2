/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The requests the subcommands make about one target. Each returns 0 or a
 * negative errno; hm_req_perror() tells the user why.
 */
#ifndef HEAPMONCTL_REQUEST_H
#define HEAPMONCTL_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "array.h"
#include "decode.h"
#include "nl.h"

/* How often a dump interrupted by a pass is tried before giving up with -EINTR. */
#define HM_DUMP_TRIES 10

/* Which pages HEAPMON_CMD_PAGES reports; the has_ flags say which attributes to send. */
struct hm_page_filter {
	bool has_idle_min, has_start, has_end;
	uint32_t idle_min;
	uint64_t start;
	uint64_t end;
};

/* What HEAPMON_CMD_WATCH asks for; without an interval, the module's default. */
struct hm_watch_opts {
	bool has_interval;
	uint32_t interval_ms;
	uint32_t flags;		/* HEAPMON_WATCH_F_*, 0 for none */
	uint32_t revisit;	/* HEAPMON_A_REVISIT, 0 for none */
	uint32_t trap;		/* HEAPMON_A_TRAP, 0 for none */
};

/* The module's version, limits and (for privileged callers) targets. */
int hm_req_status(struct hm_nl *nl, struct hm_status *st);
int hm_req_watch(struct hm_nl *nl, uint32_t pid, const struct hm_watch_opts *o);
int hm_req_unwatch(struct hm_nl *nl, uint32_t pid);
int hm_req_stats(struct hm_nl *nl, uint32_t pid, struct hm_target_stats *ts);
/* Each replaces the array's content: struct hm_region, hm_page or hm_event items. */
int hm_req_regions(struct hm_nl *nl, uint32_t pid, struct hm_array *regions);
int hm_req_pages(struct hm_nl *nl, uint32_t pid, const struct hm_page_filter *f,
		 struct hm_array *pages);

/*
 * A PAGES dump's messages, and the passes of its first and last. Each
 * message's records are of one pass, a later message's perhaps of a later
 * one: first_pass == last_pass when the whole dump is of one pass.
 */
struct hm_pages_info {
	unsigned int messages;
	uint64_t first_pass, last_pass;
};

/* hm_req_pages(), and what info says of its last try. */
int hm_req_pages_info(struct hm_nl *nl, uint32_t pid, const struct hm_page_filter *f,
		      struct hm_array *pages, struct hm_pages_info *info);

struct hm_heat_slice;

/*
 * HEAPMON_CMD_SLICES: [start, end) in n slices (1 to HEAPMON_SLICES_MAX)
 * into out[0..n-1], from the pass *passes. A module older than the command
 * answers -EOPNOTSUPP: read a PAGES dump and hm_heat_slices() instead.
 */
int hm_req_slices(struct hm_nl *nl, uint32_t pid, uint64_t start, uint64_t end, unsigned int n,
		  struct hm_heat_slice *out, uint64_t *passes);
/* Events with seq >= seq_min; 0 for all. */
int hm_req_events(struct hm_nl *nl, uint32_t pid, uint64_t seq_min, struct hm_array *events);

/* What a HEAPMON_CMD_HISTORY dump says besides its samples. */
struct hm_history_info {
	uint32_t interval_ms;
	uint32_t unit_ms;
};

/* The target's history: struct hm_sample items, oldest first. */
int hm_req_history(struct hm_nl *nl, uint32_t pid, struct hm_history_info *info,
		   struct hm_array *samples);

/* Appends to events the HEAPMON_A_EVENTs of a message if it is about pid. */
int hm_collect_events(const struct hm_reply *r, uint32_t pid, struct hm_array *events);

/* "heapmonctl: CMD PID: why" on stderr; returns EXIT_FAIL. */
int hm_req_perror(const struct hm_nl *nl, const char *cmd, uint32_t pid, int err);

#endif
