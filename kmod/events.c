// SPDX-License-Identifier: GPL-2.0

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "events.h"
#include "trap.h"

int hm_event_ring_init(struct hm_event_ring *ring, u32 extra)
{
	raw_spin_lock_init(&ring->lock);
	ring->size = HM_EVENT_RING + extra;
	ring->ev = kvcalloc(ring->size, sizeof(*ring->ev), GFP_KERNEL_ACCOUNT);
	ring->next_seq = 1;
	ring->sealed_seq = 1;
	ring->sent_seq = 1;
	ring->lost = 0;
	return ring->ev ? 0 : -ENOMEM;
}

void hm_event_ring_free(struct hm_event_ring *ring)
{
	kvfree(ring->ev);
	ring->ev = NULL;
}

static struct hm_event *hm_event_slot(struct hm_event_ring *ring, u64 seq)
{
	u32 i;

	div_u64_rem(seq, ring->size, &i);
	return &ring->ev[i];
}

/* Under ring->lock: the next event's slot, stamped, the rest of it zero. */
static struct hm_event *hm_event_new(struct hm_event_ring *ring, u32 kind)
{
	struct hm_event *ev;

	if (ring->next_seq - hm_event_oldest(ring) == ring->size &&
	    hm_event_oldest(ring) >= ring->sealed_seq)
		ring->lost++;
	ev = hm_event_slot(ring, ring->next_seq);
	*ev = (struct hm_event){
		.seq = ring->next_seq++,
		.time_ns = ktime_get_boottime_ns(),
		.kind = kind,
	};
	return ev;
}

bool hm_event_add(struct hm_event_ring *ring, u32 kind, u64 addr, u64 len, u64 old_addr)
{
	struct hm_event *last, *ev;
	unsigned long flags;
	bool added = false;

	raw_spin_lock_irqsave(&ring->lock, flags);
	/* Adjacent first-touch faults that nobody has read yet become one event. */
	if (kind == HEAPMON_EVENT_FAULT && ring->next_seq > ring->sealed_seq) {
		last = hm_event_slot(ring, ring->next_seq - 1);
		if (last->kind == HEAPMON_EVENT_FAULT && last->addr + last->len == addr) {
			last->len += len;
			goto out;
		}
	}
	ev = hm_event_new(ring, kind);
	ev->addr = addr;
	ev->len = len;
	ev->old_addr = old_addr;
	added = true;
out:
	raw_spin_unlock_irqrestore(&ring->lock, flags);
	return added;
}

bool hm_event_add_trap(struct hm_event_ring *ring, const struct hm_trap_hit *hit)
{
	struct hm_event *ev;
	unsigned long flags;

	raw_spin_lock_irqsave(&ring->lock, flags);
	ev = hm_event_new(ring, HEAPMON_EVENT_TRAP);
	ev->addr = hit->addr;
	ev->len = PAGE_SIZE;
	ev->ip = hit->ip;
	ev->tid = hit->tid;
	ev->idle = hit->idle;
	ev->trap_flags = hit->flags;
	raw_spin_unlock_irqrestore(&ring->lock, flags);
	return true;
}

unsigned int hm_event_read(struct hm_event_ring *ring, u64 *seq, struct hm_event *out,
			   unsigned int max)
{
	unsigned long flags;
	unsigned int n = 0;
	u64 s;

	raw_spin_lock_irqsave(&ring->lock, flags);
	/* A reader may ask for any seq: past the newest it gets none, later. */
	s = clamp(*seq, hm_event_oldest(ring), ring->next_seq);
	while (s < ring->next_seq && n < max)
		out[n++] = *hm_event_slot(ring, s++);
	*seq = s;
	/* What was read is never merged into again; what was not stays open. */
	if (n && s > ring->sealed_seq)
		ring->sealed_seq = s;
	raw_spin_unlock_irqrestore(&ring->lock, flags);
	return n;
}
