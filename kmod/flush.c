// SPDX-License-Identifier: GPL-2.0
/*
 * The TLB flush after a pass, coalesced across targets and bounded
 * machine-wide.
 *
 * A pass clears accessed bits without flushing (x86's own clear-young does
 * not flush either). A CPU that still caches a translation of a cleared page
 * uses it without setting the bit again, so a hot page would look idle. The
 * flush drops those cached translations: the next use walks the page table
 * and sets the bit.
 *
 * A pass that wants a flush calls hm_flush_request(): its target's CPUs join
 * one pending mask, and a single delayed work flushes that mask in a round,
 * at most max_flushes_per_sec rounds a second over the whole machine
 * (0: never). Passes that finish while a round is not yet allowed are counted
 * as deferred and wait for the next round together.
 *
 * The guarantee: a target's next pass must not read bits its last pass
 * cleared before a round covering its CPUs is done. heapmon does not make the
 * pass wait (a pass runs on a shared workqueue, and with the cap at 1 or 0 it
 * could wait a second or for ever); it runs and is counted in stale_passes:
 * its "accessed" answers are right, but a page it finds idle may have been
 * used through a translation cached since the previous pass.
 */

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/mm_types.h>
#include <linux/moduleparam.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <asm/tlbflush.h>

#include "compat.h"
#include "flush.h"

#define HM_MAX_FLUSHES_PER_SEC_LIMIT 1000

static unsigned int hm_max_flushes_per_sec = 100;
static bool hm_flush_legacy;

static DEFINE_SPINLOCK(hm_flush_lock);
static cpumask_var_t hm_flush_pending_mask;	/* CPUs the next round flushes */
static cpumask_var_t hm_flush_round_mask;	/* the round's copy: the work's own */
static bool hm_flush_ready;		/* the mask exists and the work may run */
static bool hm_flush_waiting;		/* requests wait for the next round */
static u64 hm_flush_next_seq = 1;	/* the round pending requests join */
static u64 hm_flush_last_ns;		/* when the last round began */
static u64 hm_flush_sec_start_ns;	/* the current one-second window */
static u32 hm_flush_sec_rounds, hm_flush_last_sec_rounds;
static struct hm_flush_stats hm_flush_stats;	/* all but per_sec */
static atomic64_t hm_flush_done_seq = ATOMIC64_INIT(0);	/* the last round done */

static void hm_flush_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(hm_flush_work, hm_flush_work_fn);

static atomic64_t hm_flush_cpus = ATOMIC64_INIT(0);	/* flushes done, CPU by CPU */

/* Called on each CPU of a round, with interrupts off; counts what it did. */
static void hm_flush_tlb_local(void *unused)
{
	__flush_tlb_all();
	atomic64_inc(&hm_flush_cpus);
}

static u64 hm_flush_period_ns(unsigned int rate)
{
	return NSEC_PER_SEC / rate;
}

/* Rolls the one-second window forward to now; under hm_flush_lock. */
static void hm_flush_roll(u64 now)
{
	u64 elapsed = now - hm_flush_sec_start_ns;

	if (elapsed < NSEC_PER_SEC)
		return;
	hm_flush_last_sec_rounds = elapsed < 2 * NSEC_PER_SEC ? hm_flush_sec_rounds : 0;
	hm_flush_sec_rounds = 0;
	hm_flush_sec_start_ns = now - elapsed % NSEC_PER_SEC;
}

/* Counts a round begun now; under hm_flush_lock. */
static void hm_flush_count_round(u64 now)
{
	hm_flush_roll(now);
	hm_flush_sec_rounds++;
	hm_flush_stats.rounds++;
}

/* Jiffies until a round is allowed (0: now); under hm_flush_lock. */
static unsigned long hm_flush_delay(u64 now, unsigned int rate)
{
	u64 allowed = hm_flush_last_ns + hm_flush_period_ns(rate);

	if (!hm_flush_stats.rounds || now >= allowed)
		return 0;
	return nsecs_to_jiffies(allowed - now) + 1;
}

static void hm_flush_work_fn(struct work_struct *work)
{
	unsigned long delay;
	unsigned int rate;
	u64 now, seq;

	spin_lock(&hm_flush_lock);
	rate = READ_ONCE(hm_max_flushes_per_sec);
	if (!hm_flush_waiting || !rate) {
		spin_unlock(&hm_flush_lock);
		return;
	}
	now = ktime_get_ns();
	delay = hm_flush_delay(now, rate);
	if (delay) {
		/* The cap went down since this work was queued. */
		spin_unlock(&hm_flush_lock);
		queue_delayed_work(system_wq, &hm_flush_work, delay);
		return;
	}
	cpumask_copy(hm_flush_round_mask, hm_flush_pending_mask);
	cpumask_clear(hm_flush_pending_mask);
	hm_flush_waiting = false;
	seq = hm_flush_next_seq++;
	hm_flush_last_ns = now;
	hm_flush_count_round(now);
	spin_unlock(&hm_flush_lock);

	on_each_cpu_mask(hm_flush_round_mask, hm_flush_tlb_local, NULL, true);
	atomic64_set_release(&hm_flush_done_seq, seq);
}

/* The old policy: every online CPU at once, whatever the cap says. */
static void hm_flush_all_now(void)
{
	u64 now = ktime_get_ns();

	on_each_cpu(hm_flush_tlb_local, NULL, true);
	spin_lock(&hm_flush_lock);
	hm_flush_count_round(now);
	spin_unlock(&hm_flush_lock);
}

/*
 * A pass cleared accessed bits in mm: asks for a round covering the CPUs
 * that may cache its translations. Returns the round's sequence number for
 * hm_flush_begin_pass(), or 0 when no CPU needs one.
 *
 * Why mm_cpumask() is enough on x86: a CPU sets its bit in the mask before
 * it loads the mm's translations (switch_mm_irqs_off), and keeps it while it
 * runs the mm or holds it in lazy TLB mode (a kernel thread borrowing it), so
 * every CPU that can be using a cached translation now is in the mask and
 * gets the round. What the mask misses is a CPU that ran the mm, switched
 * away (clearing its bit) and, with PCID, kept the mm's translations tagged
 * with an ASID it reuses when it switches back. x86 handles that CPU with
 * the mm's tlb_gen: on switching back it flushes the ASID if the mm's tlb_gen
 * moved past what it last flushed to. hm_mm_tlb_gen_bump() moves it, before
 * the mask is read (a full barrier; switch_mm sets the bit before it reads
 * tlb_gen), so such a CPU either is in the mask or sees the new tlb_gen.
 */
u64 hm_flush_request(struct mm_struct *mm)
{
	unsigned long delay = 0;
	unsigned int rate;
	bool queue = false;
	u64 seq;

	if (READ_ONCE(hm_flush_legacy)) {
		hm_flush_all_now();
		return 0;
	}
	hm_mm_tlb_gen_bump(mm);
	if (cpumask_empty(mm_cpumask(mm)))
		return 0;

	spin_lock(&hm_flush_lock);
	/*
	 * Read under the lock: a cap raised from 0 meanwhile is either seen
	 * here or finds hm_flush_waiting set in hm_flush_kick().
	 */
	rate = READ_ONCE(hm_max_flushes_per_sec);
	cpumask_or(hm_flush_pending_mask, hm_flush_pending_mask, mm_cpumask(mm));
	seq = hm_flush_next_seq;
	if (rate)
		delay = hm_flush_delay(ktime_get_ns(), rate);
	if (hm_flush_waiting || delay || !rate)
		hm_flush_stats.deferred++;
	if (!hm_flush_waiting && rate)
		queue = true;
	hm_flush_waiting = true;
	spin_unlock(&hm_flush_lock);

	if (queue)
		queue_delayed_work(system_wq, &hm_flush_work, delay);
	return seq;
}

/*
 * A pass begins: true (and counted in stale_passes) if the round seq its
 * target's last pass asked for (hm_flush_request()) is still to come.
 */
void hm_flush_mm_now(struct mm_struct *mm)
{
	/* As hm_flush_request() says: the mask, or the tlb_gen a CPU checks on its way back. */
	hm_mm_tlb_gen_bump(mm);
	on_each_cpu_mask(mm_cpumask(mm), hm_flush_tlb_local, NULL, true);
}

bool hm_flush_begin_pass(u64 seq)
{
	if (!seq || atomic64_read_acquire(&hm_flush_done_seq) >= seq)
		return false;
	spin_lock(&hm_flush_lock);
	hm_flush_stats.stale_passes++;
	spin_unlock(&hm_flush_lock);
	return true;
}

/* The cap changed: requests left waiting (cap 0) may go now. */
void hm_flush_kick(void)
{
	spin_lock(&hm_flush_lock);
	if (hm_flush_ready && hm_flush_waiting && READ_ONCE(hm_max_flushes_per_sec))
		mod_delayed_work(system_wq, &hm_flush_work, 0);
	spin_unlock(&hm_flush_lock);
}

void hm_flush_read_stats(struct hm_flush_stats *s)
{
	spin_lock(&hm_flush_lock);
	hm_flush_roll(ktime_get_ns());
	*s = hm_flush_stats;
	s->per_sec = hm_flush_last_sec_rounds;
	s->cpu_flushes = atomic64_read(&hm_flush_cpus);
	s->max_per_sec = READ_ONCE(hm_max_flushes_per_sec);
	spin_unlock(&hm_flush_lock);
}

static int hm_set_max_flushes(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_uint_minmax(val, kp, 0, HM_MAX_FLUSHES_PER_SEC_LIMIT);

	if (ret) {
		pr_err("max_flushes_per_sec must be a number from 0 to %d\n",
		       HM_MAX_FLUSHES_PER_SEC_LIMIT);
		return ret;
	}
	hm_flush_kick();
	return 0;
}

static const struct kernel_param_ops hm_max_flushes_ops = {
	.set = hm_set_max_flushes,
	.get = param_get_uint,
};

module_param_cb(max_flushes_per_sec, &hm_max_flushes_ops, &hm_max_flushes_per_sec, 0644);
MODULE_PARM_DESC(max_flushes_per_sec,
		 "TLB flush rounds a second over all targets, 0 to 1000; 0 never flushes (default 100)");

module_param_named(flush_legacy, hm_flush_legacy, bool, 0644);
MODULE_PARM_DESC(flush_legacy,
		 "Flush every online CPU after every pass, uncapped: the old policy, for comparison (default 0)");

int hm_flush_init(void)
{
	if (!zalloc_cpumask_var(&hm_flush_pending_mask, GFP_KERNEL))
		return -ENOMEM;
	if (!zalloc_cpumask_var(&hm_flush_round_mask, GFP_KERNEL)) {
		free_cpumask_var(hm_flush_pending_mask);
		return -ENOMEM;
	}
	hm_flush_sec_start_ns = ktime_get_ns();
	spin_lock(&hm_flush_lock);
	hm_flush_ready = true;
	spin_unlock(&hm_flush_lock);
	return 0;
}

/* After the last pass: no request comes any more. */
void hm_flush_uninit(void)
{
	spin_lock(&hm_flush_lock);
	hm_flush_ready = false;
	hm_flush_waiting = false;
	spin_unlock(&hm_flush_lock);
	cancel_delayed_work_sync(&hm_flush_work);
	free_cpumask_var(hm_flush_round_mask);
	free_cpumask_var(hm_flush_pending_mask);
}
