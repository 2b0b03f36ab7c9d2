/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The objects several subcommands share: decoding them from heapmon's nested
 * attributes into C structs, their names, and their JSON form, so that a
 * field means and prints the same everywhere.
 */
#ifndef HEAPMONCTL_DECODE_H
#define HEAPMONCTL_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "output.h"

#define HM_PAGE_SIZE 4096ULL
#define HM_HUGE_PAGE_SIZE (HM_PAGE_SIZE * HEAPMON_CHUNK_PAGES)
#define HM_MAX_LISTED 1024	/* targets kept from a STATUS reply */

/* One entry of HEAPMON_A_TARGETS. */
struct hm_target {
	uint32_t pid;
	uint32_t state;		/* enum heapmon_target_state */
	uint32_t interval_ms;
};

/* A HEAPMON_CMD_STATUS reply. */
struct hm_status {
	char version[32];
	uint32_t protocol;
	uint32_t max_targets;
	uint64_t max_target_pages;
	uint64_t max_total_pages;
	uint32_t max_memory_mb;
	uint64_t memory_bytes;
	uint32_t target_count;
	bool has_flush;		/* the flush attributes were there (module 0.6 on) */
	uint32_t max_flushes_per_sec;
	uint32_t flushes_per_sec;
	uint64_t flush_rounds;
	uint64_t flush_cpus;
	uint64_t flush_deferred;
	uint64_t flush_stale_passes;
	bool listed;		/* HEAPMON_A_TARGETS was there: the caller is privileged */
	unsigned int n;
	struct hm_target targets[HM_MAX_LISTED];
};

/* HEAPMON_A_STATS, or a region's HEAPMON_REGION_A_STATS; absent fields are 0. */
struct hm_stats {
	uint64_t passes;
	uint64_t tracked_bytes;
	uint64_t resident_bytes;
	uint64_t swapped_bytes;		/* swapped out, records kept: not in resident_bytes */
	uint64_t huge_bytes;
	uint64_t touched_bytes;
	uint64_t idle1_bytes;
	uint64_t idle10_bytes;
	uint64_t idle60_bytes;
	uint64_t idle600_bytes;
	uint64_t never_bytes;
	uint64_t faults;
	uint64_t first_faults;
	uint64_t pass_ns;
	uint64_t pass_pages;
	uint64_t untracked_pages;
	uint64_t events_lost;
	uint64_t skipped_passes;
	uint64_t lock_yields;
	uint64_t dormant_pages;	/* left dormant by the last pass (revisit) */
	uint64_t trap_hits;	/* trap mode: armed pages touched */
	uint64_t trap_lost;	/* armed pages gone untouched (unmapped, swapped) */
	uint32_t flags;		/* HEAPMON_WATCH_F_* */
	uint32_t revisit;	/* adaptive: HEAPMON_A_REVISIT, 0 off */
	uint32_t trap;		/* trap mode: HEAPMON_A_TRAP, 0 off */
	uint32_t traps_armed;	/* pages armed now */
	int8_t secondary_mmu;	/* 1 MMU notifiers registered, 0 never, -1 not said */
};

/* A HEAPMON_CMD_STATS reply. */
struct hm_target_stats {
	uint32_t pid;
	uint32_t state;
	uint32_t interval_ms;
	struct hm_stats stats;
};

/* One HEAPMON_A_REGION. */
struct hm_region {
	uint64_t start;
	uint64_t end;
	uint32_t kind;		/* enum heapmon_region_kind */
	struct hm_stats stats;
};

/* One HEAPMON_A_EVENT. */
struct hm_event {
	uint64_t seq;
	uint64_t time_ns;	/* CLOCK_BOOTTIME */
	uint32_t kind;		/* enum heapmon_event_kind */
	uint64_t addr;
	uint64_t len;
	uint64_t old_addr;	/* HEAPMON_EVENT_MREMAP only */
	/* HEAPMON_EVENT_TRAP only */
	uint64_t ip;		/* the touching instruction (or system call) */
	uint32_t tid;
	uint32_t idle;		/* periods idle before the touch */
	uint32_t trap_flags;	/* HEAPMON_TRAP_F_* */
};

/* One page of a HEAPMON_A_CHUNK: 16 bytes, so millions fit. */
struct hm_page {
	uint64_t addr;
	uint32_t size : 31;	/* HM_PAGE_SIZE or HM_HUGE_PAGE_SIZE */
	uint32_t swapped : 1;	/* swapped out (HEAPMON_CHUNK_A_SWAPPED): not resident */
	uint32_t rec;		/* HEAPMON_REC_TOUCHED(), _IDLE(), _AGE() */
};

/* One HEAPMON_A_SAMPLE of a target's history. */
struct hm_history_sample {
	uint64_t time_ns;	/* CLOCK_BOOTTIME */
	uint64_t passes;
	uint32_t tier;		/* 0: every pass; 1, 2, 3: the last of each unit, 10, 60 units */
	uint64_t resident_bytes;
	uint64_t swapped_bytes;
	uint64_t touched_bytes;
	uint64_t idle1_bytes;
	uint64_t idle10_bytes;
	uint64_t idle60_bytes;
	uint64_t idle600_bytes;
	uint64_t never_bytes;
};

const char *hm_state_name(uint32_t state);
const char *hm_region_kind_name(uint32_t kind);
const char *hm_event_kind_name(uint32_t kind);

/* Decoders: 0, or -EBADMSG when a required attribute is missing or malformed. */
int hm_decode_status(const struct hm_reply *r, void *status);	/* an hm_reply_cb */
int hm_decode_target_stats(const struct hm_reply *r, struct hm_target_stats *ts);
int hm_decode_stats(struct nlattr *nla, struct hm_stats *s);

/*
 * Why a target with a secondary MMU (HEAPMON_STATS_A_SECONDARY_MMU) may look
 * idle: one sentence, for warnings.
 */
extern const char hm_secondary_mmu_warning[];
int hm_decode_region(struct nlattr *nla, struct hm_region *reg);
int hm_decode_event(struct nlattr *nla, struct hm_event *e);
int hm_decode_sample(struct nlattr *nla, struct hm_history_sample *s);

/*
 * Calls cb once per page a HEAPMON_A_CHUNK reports, in address order, with
 * swapped true for a page swapped out. Returns 0, -EBADMSG for a malformed
 * chunk, or the first negative value cb returns.
 */
typedef int (*hm_page_cb)(uint64_t addr, uint64_t size, uint32_t rec, bool swapped, void *arg);
int hm_decode_chunk(struct nlattr *nla, hm_page_cb cb, void *arg);

struct hm_heat_slice;

/*
 * A HEAPMON_CMD_SLICES reply's slices, from its attribute table tb, into
 * out[0..n-1] (n as asked), and the pass they are from into *passes.
 * Returns 0, or -EBADMSG when a slice is missing or malformed.
 */
int hm_decode_slices(struct nlattr *const *tb, unsigned int n, struct hm_heat_slice *out,
		     uint64_t *passes);

/* JSON: key is NULL inside an array. */
void hm_json_targets(struct json *j, const char *key, const struct hm_status *st);
void hm_json_target_stats(struct json *j, const char *key, const struct hm_target_stats *ts);
void hm_json_region(struct json *j, const struct hm_region *reg);
/* The same fields, inside an object the caller opened. */
void hm_json_region_fields(struct json *j, const struct hm_region *reg);
void hm_json_event(struct json *j, const struct hm_event *e);

/*
 * A page as pages --json prints it, the line and its newline written at out
 * by hand: the bytes the json_* calls would write, for millions of pages.
 * Returns the end; a line takes at most HM_JSON_PAGE_MAX bytes.
 *
 * Pages in a row share the leading digits of their address: c keeps them
 * from one line to the next (hm_json_page_init() before the first).
 */
#define HM_JSON_PAGE_MAX 160
struct hm_json_page_cache {
	uint64_t hex_high;	/* addr >> 16 that hex holds, 0 for none */
	uint64_t dec_high;	/* addr / 10^8 that dec holds, 0 for none */
	unsigned int hex_len, dec_len;
	char hex[JSON_HEX_CHARS];
	char dec[JSON_U64_CHARS];
};
void hm_json_page_init(struct hm_json_page_cache *c);
char *hm_json_page(char *out, const struct hm_page *p, struct hm_json_page_cache *c);

/* The PID STATE INTERVAL table of st's targets. */
void hm_print_targets(const struct hm_status *st);
/*
 * A running target's command name from /proc/PID/comm, into buf; false when
 * it cannot be told: the target exited (its PID may be reused), is gone, or
 * /proc belongs to another PID namespace than ours.
 */
bool hm_target_comm(const struct hm_target *t, char *buf, size_t len);

#endif
