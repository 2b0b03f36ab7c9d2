/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watched processes. A target keeps a struct pid, never a reference on the
 * address space: each pass takes the mm anew, so watching never delays the
 * target's exit. The mm pointer it keeps (with mmgrab, which pins only the
 * struct, not the memory) identifies the target's faults in the probes.
 */
#ifndef _HEAPMON_TARGET_H
#define _HEAPMON_TARGET_H

#include <linux/hash.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "events.h"
#include "pages.h"
#include "regions.h"
#include "sample.h"
#include "stats.h"
#include "trap.h"

struct attribute_group;
struct hm_history;
struct hm_target;
struct netlink_ext_ack;

/*
 * What the layers above the registry give it at init (main.c fills it in):
 * the registry calls none of them by name, so netlink, sysfs and the probes
 * sit above it and it above the pass and the records.
 */
struct hm_target_hooks {
	struct kobject *parent;			/* a target's sysfs directory goes in it */
	const struct attribute_group **groups;	/* the files of that directory */
	int (*added)(struct kobject *kobj);	/* the directory was just added */
	void (*arm)(void);			/* a target is about to be hashed; may sleep */
	bool (*listening)(void);		/* whether anyone wants events */
	void (*notify)(struct hm_target *t);	/* multicasts t's new events; may sleep */
};

struct hm_target {
	struct kobject kobj;		/* targets/<pid>; its refcount is the target's */
	struct list_head node;		/* on hm_targets */
	struct hlist_node mm_node;	/* in hm_mm_hash by mm, under RCU for the probes */
	bool listed;			/* on hm_targets (under hm_targets_lock) */
	struct pid *pid;		/* who; its number depends on who asks */
	struct mm_struct *mm;		/* mmgrab()ed; NULL once exited */
	unsigned int interval_ms;
	u32 flags;			/* HEAPMON_WATCH_F_* */
	u32 revisit;			/* adaptive: HEAPMON_A_REVISIT, or 0 */
	bool exited;
	struct hm_traps traps;		/* trap mode's armed pages (max 0: off) */

	struct delayed_work pass_work;
	struct work_struct notify_work;	/* multicasts new events */

	struct mutex lock;		/* pages, regions updates, stats */
	struct hm_pages pages;
	struct hm_region_set __rcu *regions;
	spinlock_t stats_lock;		/* stats: readers never wait for a pass */
	struct hm_target_stats stats;	/* written under lock and stats_lock */
	struct hm_history *history;	/* a sample per pass, under stats_lock */
	u32 gen;			/* changes with every pass, never 0: dump consistency */
	u64 walks;			/* page-table walks begun, finished or not */
	unsigned int chunks_taken;	/* new chunks the last walk needed: its reserve */
	u64 flush_seq;			/* the flush round the last pass asked for, or 0 */

	atomic64_t faults;
	atomic64_t first_faults;
	/* With revisit: spans page faults woke since the last pass (hm_wake_bit()). */
	unsigned long wake[BITS_TO_LONGS(HM_WAKE_BITS)];
	struct hm_event_ring events;
};

/*
 * The watched address spaces, hashed by mm, for the probes (RCU): at least
 * two buckets per target max_targets allows, so a fault of any process costs
 * one hash and one load, and a watched one a walk of a bucket that holds one
 * target on average, however many are watched.
 */
extern struct hlist_head *hm_mm_hash __read_mostly;
extern unsigned int hm_mm_hash_bits __read_mostly;

static inline struct hlist_head *hm_mm_bucket(const struct mm_struct *mm)
{
	return &hm_mm_hash[hash_ptr(mm, hm_mm_hash_bits)];
}

static inline bool hm_mm_maybe_watched(const struct mm_struct *mm)
{
	return !hlist_empty(hm_mm_bucket(mm));
}

int hm_targets_init(const struct hm_target_hooks *hooks);
void hm_targets_uninit(void);

/* What a WATCH asks for. */
struct hm_watch_opts {
	unsigned int interval_ms;
	u32 flags;		/* HEAPMON_WATCH_F_* */
	u32 revisit;		/* HEAPMON_A_REVISIT, or 0 */
	u32 trap;		/* HEAPMON_A_TRAP, or 0 */
};

int hm_target_watch(pid_t nr, const struct hm_watch_opts *opts, struct netlink_ext_ack *extack);
int hm_target_unwatch(pid_t nr, struct netlink_ext_ack *extack);

/* The target's PID in the caller's PID namespace; 0 when it is not visible there. */
static inline pid_t hm_target_vnr(const struct hm_target *t)
{
	return pid_nr_ns(t->pid, task_active_pid_ns(current));
}

/* A reference on the target the caller knows as nr, or NULL. */
struct hm_target *hm_target_get(pid_t nr);
void hm_target_put(struct hm_target *t);

/* The target whose address space is mm; RCU read side (probes). */
struct hm_target *hm_target_find_mm(const struct mm_struct *mm);

unsigned int hm_target_count(void);
/*
 * Calls fn for each target under the registry lock, in watch order; stops
 * when fn returns nonzero and returns that.
 */
int hm_targets_for_each(int (*fn)(struct hm_target *t, void *arg), void *arg);

/* A copy of the last pass's results. */
void hm_target_stats_get(struct hm_target *t, struct hm_target_stats *st);
bool hm_target_secondary_mmu(struct hm_target *t);

/*
 * A page fault at addr in t's tracked memory: in adaptive mode, its span
 * is visited at the next pass even if dormant. RCU read side (probes).
 */
static inline void hm_target_wake(struct hm_target *t, unsigned long addr)
{
	unsigned int bit = hm_wake_bit(addr >> HM_CHUNK_SHIFT);

	/* Most faults hit a bit already set: do not dirty the line for them. */
	if (t->revisit && !test_bit(bit, t->wake))
		set_bit(bit, t->wake);
}

/* Records an event and, if someone listens, schedules its multicast. */
void hm_target_event(struct hm_target *t, u32 kind, u64 addr, u64 len, u64 old_addr);
/* The same for the touch of an armed page (trap mode). */
void hm_target_trap_event(struct hm_target *t, const struct hm_trap_hit *hit);
/* Asks for a pass as soon as possible (the target may have exited). */
void hm_target_kick(struct hm_target *t);

#endif /* _HEAPMON_TARGET_H */
