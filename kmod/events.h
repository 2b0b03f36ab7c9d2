/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A target's heap events: a bounded ring that probes write from any context
 * without allocating, read by EVENTS dumps and by the multicast sender.
 */
#ifndef _HEAPMON_EVENTS_H
#define _HEAPMON_EVENTS_H

#include <linux/spinlock.h>
#include <linux/types.h>

#include <uapi/linux/heapmon.h>

#define HM_EVENT_RING HEAPMON_EVENT_RING

struct hm_trap_hit;

struct hm_event {
	u64 seq;
	u64 time_ns;
	u64 addr;
	u64 len;
	u64 old_addr;
	u32 kind;
	/* HEAPMON_EVENT_TRAP only */
	u32 tid;
	u64 ip;
	u32 idle;
	u32 trap_flags;
};

struct hm_event_ring {
	/*
	 * Everything below. Raw: probes take it in kprobe context, where a
	 * PREEMPT_RT kernel's sleeping spinlock_t must not be taken. Held
	 * for one event, or for copying at most one batch out.
	 */
	raw_spinlock_t lock;
	struct hm_event *ev;	/* size entries; seq s lives at s % size */
	u32 size;		/* HM_EVENT_RING, plus one per page trap mode may arm */
	u64 next_seq;		/* the seq the next event gets; the first is 1 */
	u64 sealed_seq;		/* events below this were read: never merged into again */
	u64 sent_seq;		/* multicast sent events below this */
	u64 lost;		/* events overwritten before anyone read them */
};

/*
 * A ring of HM_EVENT_RING events and extra more: a watch in trap mode asks
 * for one more per page it may arm, so that the touches of every page
 * armed at once (a program reading a whole cold list) fit beside the
 * other events.
 */
int hm_event_ring_init(struct hm_event_ring *ring, u32 extra);
void hm_event_ring_free(struct hm_event_ring *ring);

/* Records an event; safe in probe context. Returns true if it was new (not merged). */
bool hm_event_add(struct hm_event_ring *ring, u32 kind, u64 addr, u64 len, u64 old_addr);

/* Records the touch of an armed page; safe in probe context. */
bool hm_event_add_trap(struct hm_event_ring *ring, const struct hm_trap_hit *hit);

/*
 * Copies up to max events with seq >= *seq into out, oldest first, and
 * advances *seq past them (skipping events already overwritten). Returns
 * how many were copied.
 */
unsigned int hm_event_read(struct hm_event_ring *ring, u64 *seq, struct hm_event *out,
			   unsigned int max);

static inline u64 hm_event_oldest(const struct hm_event_ring *ring)
{
	return ring->next_seq > ring->size ? ring->next_seq - ring->size : 1;
}

#endif /* _HEAPMON_EVENTS_H */
