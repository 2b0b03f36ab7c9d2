/* SPDX-License-Identifier: MIT */
/*
 * heapmon site file: the allocation sites the recorder (libheapmon.so) has
 * sampled in one process, published for heapmonctl.
 *
 * This header is the contract between the recorder, which runs inside the
 * watched process and writes the file, and its readers (heapmonctl sites,
 * heapmonctl leaks, anything else), which map it read-only at any time
 * without stopping the process. It is versioned: a reader checks magic and
 * version and refuses what it does not know.
 *
 * Where. $HEAPMON_SITES_DIR/PID.sites, default /run/heapmon/PID.sites, PID
 * being the process's PID as it sees itself (its initial PID namespace PID
 * when it runs there). The file belongs to the process's user, mode 0600.
 * It is created when the recorder starts and stays when the process exits
 * (the header then says HM_SITES_F_EXITED): the data of a process that died
 * can still be read. Nothing removes it: /run is emptied at boot, and a
 * file may be deleted at any time (the recorder keeps its mapping).
 * A process that forks gets a file of its own in the child, a copy of the
 * parent's table as of the fork (the allocations the child inherited).
 *
 * Layout. All integers are in the writer's byte order, naturally aligned.
 * The file is HM_SITES_HEADER_SIZE bytes of header, then records_cap records
 * at records_off, then stacks_cap stacks at stacks_off; it does not grow.
 *
 *   offset 0            struct hm_sites_header
 *   records_off         struct hm_sites_record[records_cap]
 *   stacks_off          struct hm_sites_stack[stacks_cap]
 *
 * Sampling. The recorder counts allocated bytes down per thread, with
 * intervals drawn from an exponential distribution of mean sample_mean
 * bytes (as jemalloc and tcmalloc do); the allocation that crosses zero is
 * sampled. An allocation of size Z is so sampled with probability
 * p = 1 - exp(-Z / sample_mean), and its record carries weight_bytes =
 * Z / p rounded: the sum of weight_bytes over a site's live records is an
 * unbiased estimate of the site's live bytes, and the sum of
 * weight_bytes / size of its live objects. With sample_mean 0 every
 * allocation is sampled and weight_bytes == size.
 *
 * Pages of their own. A sampled allocation is served from the recorder's
 * arena, [arena_start, arena_end), on pages that hold nothing else, its
 * first byte at the start of a page (or at the alignment asked for, when
 * that is larger than a page): the accessed and present bits of those
 * pages tell whether that object, and nothing else, is used. When the
 * arena cannot serve it, the allocation comes from the real allocator
 * and its record has HM_SITES_REC_SHARED (its pages may hold other data).
 *
 * Consistency. Records are reused: a record whose addr is 0 is free. The
 * writer makes a record's seq odd, writes its fields, then makes seq even
 * (release order); a reader copies a record, and keeps the copy only when
 * seq was even before and unchanged after (acquire order), else retries.
 * Stacks are written once and never change: a stack is complete when its
 * depth is nonzero (written last, release order); a reader ignores stacks
 * of depth 0. records_used and stacks_used are high-water marks: readers
 * scan records [0, records_used) and stacks [0, stacks_used). generation
 * grows by one for every record change, so a reader that sees the same
 * generation before and after a scan saw one consistent snapshot.
 *
 * Drops are counted, never hidden: a sampled allocation that found no free
 * record counts in drops_records (it is served as unsampled); one whose
 * stack found no room in the stack table is recorded with stack 0 and
 * counted in drops_stacks; one the arena could not serve is recorded with
 * HM_SITES_REC_SHARED and counted in drops_arena.
 */
#ifndef HEAPMON_SITES_H
#define HEAPMON_SITES_H

#include <stdint.h>

#define HM_SITES_MAGIC		0x5345544953504d48ULL	/* "HMPSITES", little-endian */
#define HM_SITES_VERSION	1
#define HM_SITES_HEADER_SIZE	4096
#define HM_SITES_MAX_DEPTH	64	/* frames per stack */
#define HM_SITES_DIR_DEFAULT	"/run/heapmon"
#define HM_SITES_DIR_ENV	"HEAPMON_SITES_DIR"

/* hm_sites_header.flags */
enum {
	HM_SITES_F_INJECTED = 1 << 0,	/* loaded by heapmonctl attach, not at start */
	HM_SITES_F_EXITED = 1 << 1,	/* the process has exited (or exec'd) */
	HM_SITES_F_FORKED = 1 << 2,	/* a fork child: the table started as its parent's */
	HM_SITES_F_STALE = 1 << 3,	/* no longer updated: its file system is full */
};

struct hm_sites_header {
	uint64_t magic;			/* HM_SITES_MAGIC */
	uint32_t version;		/* HM_SITES_VERSION */
	uint32_t header_size;		/* HM_SITES_HEADER_SIZE */
	uint32_t pid;			/* the process */
	uint32_t ppid;			/* for HM_SITES_F_FORKED: the parent */
	uint32_t flags;			/* HM_SITES_F_* */
	uint32_t max_depth;		/* HM_SITES_MAX_DEPTH */
	uint64_t start_ns;		/* CLOCK_BOOTTIME when recording started */
	uint64_t sample_mean;		/* mean sampling interval in bytes; 0: every allocation */
	uint64_t arena_start;		/* the recorder's arena for sampled allocations */
	uint64_t arena_end;
	uint64_t records_off;		/* file offset of the records */
	uint64_t stacks_off;		/* file offset of the stacks */
	uint32_t records_cap;		/* records in the file */
	uint32_t stacks_cap;		/* stacks in the file */
	uint32_t record_size;		/* sizeof(struct hm_sites_record) */
	uint32_t stack_size;		/* sizeof(struct hm_sites_stack) */
	/* Counters, updated atomically while the process runs. */
	uint64_t records_used;		/* high-water mark of records */
	uint64_t stacks_used;		/* high-water mark of stacks */
	uint64_t generation;		/* +1 per record change */
	uint64_t samples;		/* allocations sampled since start */
	uint64_t sampled_frees;		/* sampled allocations freed since start */
	uint64_t drops_records;		/* sampled allocations not recorded: table full */
	uint64_t drops_stacks;		/* recorded without a stack: stack table full */
	uint64_t drops_arena;		/* served by the real allocator: arena full */
	uint64_t arena_bytes;		/* bytes of arena pages held by live samples */
	uint64_t exit_ns;		/* CLOCK_BOOTTIME at exit, with HM_SITES_F_EXITED */
	uint64_t reserved[16];
};

/* hm_sites_record.flags */
enum {
	HM_SITES_REC_SHARED = 1 << 0,	/* not on pages of its own */
	HM_SITES_REC_REALLOC = 1 << 1,	/* the result of a realloc */
	HM_SITES_REC_ALIGNED = 1 << 2,	/* memalign, posix_memalign, aligned_alloc, valloc */
	HM_SITES_REC_ZEROED = 1 << 3,	/* calloc */
};

struct hm_sites_record {
	uint32_t seq;			/* odd while being written */
	uint32_t stack;			/* index into the stacks + 1; 0: no stack */
	uint64_t addr;			/* the allocation's address; 0: a free record */
	uint64_t size;			/* bytes asked for */
	uint64_t weight_bytes;		/* live bytes this sample stands for */
	uint64_t time_ns;		/* CLOCK_BOOTTIME of the allocation */
	uint32_t tid;			/* the allocating thread */
	uint32_t flags;			/* HM_SITES_REC_* */
};

struct hm_sites_stack {
	uint32_t depth;			/* frames; 0 while being written */
	uint32_t hash;			/* of the frames, for the writer's lookup */
	/*
	 * Return addresses, innermost first: frames[0] is the return address
	 * into the code that called the allocation function (malloc,
	 * operator new's call of malloc, ...), never the recorder's own.
	 * Symbolize addr - 1 to name the calling line.
	 */
	uint64_t frames[HM_SITES_MAX_DEPTH];
};

#endif
