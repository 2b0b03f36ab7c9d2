// SPDX-License-Identifier: GPL-2.0
/*
 * Heap events. The fault probe runs for every process on the machine: its
 * filter for non-targets is one hash and one load (hm_mm_maybe_watched), with
 * no lock and no allocation. Everything else runs for watched processes only.
 * No probe allocates or sends: events go to the target's ring, and a work
 * item multicasts them.
 */

#include <linux/err.h>
#include <linux/kprobes.h>
#include <linux/mman.h>
#include <linux/ptrace.h>
#include <linux/sched.h>

#include "probes.h"
#include "regions.h"
#include "target.h"

static unsigned long hm_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/* The watched target of the current process, or NULL; RCU read side. */
static struct hm_target *hm_current_target(void)
{
	struct mm_struct *mm = current->mm;

	if (!mm || !hm_mm_maybe_watched(mm))
		return NULL;
	return hm_target_find_mm(mm);
}

static noinline void hm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags,
			      struct pt_regs *uregs)
{
	struct hm_trap_hit hit;
	struct hm_region *r;
	struct hm_target *t;

	rcu_read_lock();
	t = hm_target_find_mm(vma->vm_mm);
	if (t && hm_vma_tracked(vma)) {
		atomic64_inc(&t->faults);
		r = hm_regions_find(rcu_dereference(t->regions), addr);
		if (r)
			atomic64_inc(&r->faults);
		hm_target_wake(t, addr);
		/* Trap mode: the first touch of an armed page since it was armed. */
		if (READ_ONCE(t->traps.armed) &&
		    hm_trap_fault(&t->traps, vma, addr, flags, uregs, READ_ONCE(t->stats.passes),
				  &hit)) {
			hm_target_trap_event(t, &hit);
		} else if (!hm_pages_known(&t->pages, addr)) {
			atomic64_inc(&t->first_faults);
			hm_target_event(t, HEAPMON_EVENT_FAULT, addr & PAGE_MASK, PAGE_SIZE, 0);
		}
	}
	rcu_read_unlock();
}

/* handle_mm_fault(vma, address, flags, regs) */
static int hm_fault_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (struct vm_area_struct *)hm_arg(regs, 0);

	if (likely(!hm_mm_maybe_watched(vma->vm_mm)))
		return 0;
	hm_fault(vma, hm_arg(regs, 1), hm_arg(regs, 2), (struct pt_regs *)hm_arg(regs, 3));
	return 0;
}

/* __vm_munmap(start, len, unlock) */
static int hm_munmap_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long start = hm_arg(regs, 0), len = PAGE_ALIGN(hm_arg(regs, 1));
	struct hm_target *t;

	rcu_read_lock();
	t = hm_current_target();
	if (t && hm_regions_overlap(rcu_dereference(t->regions), start, start + len))
		hm_target_event(t, HEAPMON_EVENT_MUNMAP, start, len, 0);
	rcu_read_unlock();
	return 0;
}

/* exit_mmap(mm): the pass finds out whether the target exited or exec'd. */
static int hm_exit_mmap_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct mm_struct *mm = (struct mm_struct *)hm_arg(regs, 0);
	struct hm_target *t;

	if (likely(!hm_mm_maybe_watched(mm)))
		return 0;
	rcu_read_lock();
	t = hm_target_find_mm(mm);
	if (t)
		hm_target_kick(t);
	rcu_read_unlock();
	return 0;
}

struct hm_call_data {
	unsigned long addr;
	unsigned long len;
};

static bool hm_current_watched(void)
{
	bool watched;

	rcu_read_lock();
	watched = hm_current_target();
	rcu_read_unlock();
	return watched;
}

/* Return nonzero from an entry handler to skip the return handler. */
static int hm_brk_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct hm_call_data *d = (struct hm_call_data *)ri->data;

	if (!hm_current_watched())
		return 1;
	d->addr = READ_ONCE(current->mm->brk);
	return 0;
}

static int hm_brk_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct hm_call_data *d = (struct hm_call_data *)ri->data;
	unsigned long brk = regs_return_value(regs);
	struct hm_target *t;

	rcu_read_lock();
	t = hm_current_target();
	if (t && brk > d->addr)
		hm_target_event(t, HEAPMON_EVENT_BRK_GROW, d->addr, brk - d->addr, 0);
	else if (t && brk < d->addr)
		hm_target_event(t, HEAPMON_EVENT_BRK_SHRINK, brk, d->addr - brk, 0);
	rcu_read_unlock();
	return 0;
}

/* vm_mmap_pgoff(file, addr, len, prot, flags, pgoff): anonymous private only. */
static int hm_mmap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct hm_call_data *d = (struct hm_call_data *)ri->data;

	if (hm_arg(regs, 0) || (hm_arg(regs, 4) & MAP_TYPE) != MAP_PRIVATE ||
	    !hm_current_watched())
		return 1;
	d->addr = 0;
	d->len = PAGE_ALIGN(hm_arg(regs, 2));
	return 0;
}

/* Records kind at the address a mapping call returned, unless it failed. */
static int hm_mapping_ret(struct kretprobe_instance *ri, struct pt_regs *regs, u32 kind)
{
	struct hm_call_data *d = (struct hm_call_data *)ri->data;
	unsigned long addr = regs_return_value(regs);
	struct hm_target *t;

	if (IS_ERR_VALUE(addr))
		return 0;
	rcu_read_lock();
	t = hm_current_target();
	if (t)
		hm_target_event(t, kind, addr, d->len, d->addr);
	rcu_read_unlock();
	return 0;
}

static int hm_mmap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return hm_mapping_ret(ri, regs, HEAPMON_EVENT_MMAP);
}

/* __x64_sys_mremap(regs): the syscall's own arguments are in *regs. */
static int hm_mremap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct hm_call_data *d = (struct hm_call_data *)ri->data;
	const struct pt_regs *uregs = (const struct pt_regs *)hm_arg(regs, 0);
	struct hm_target *t;
	bool tracked;

	d->addr = uregs->di;
	d->len = PAGE_ALIGN(uregs->dx);
	rcu_read_lock();
	t = hm_current_target();
	tracked = t && hm_regions_overlap(rcu_dereference(t->regions), d->addr,
					  d->addr + PAGE_ALIGN(uregs->si));
	rcu_read_unlock();
	return !tracked;
}

static int hm_mremap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return hm_mapping_ret(ri, regs, HEAPMON_EVENT_MREMAP);
}

static struct kprobe hm_fault_kp = { .pre_handler = hm_fault_pre };
static struct kprobe hm_munmap_kp = { .pre_handler = hm_munmap_pre };
static struct kprobe hm_exit_mmap_kp = { .pre_handler = hm_exit_mmap_pre };

#define HM_KRETPROBE(entry, ret) {				\
	.entry_handler = entry,					\
	.handler = ret,						\
	.data_size = sizeof(struct hm_call_data),		\
	.maxactive = 64,					\
}

static struct kretprobe hm_brk_rp = HM_KRETPROBE(hm_brk_entry, hm_brk_ret);
static struct kretprobe hm_mmap_rp = HM_KRETPROBE(hm_mmap_entry, hm_mmap_ret);
static struct kretprobe hm_mremap_rp = HM_KRETPROBE(hm_mremap_entry, hm_mremap_ret);

static struct hm_probe {
	const char *symbol;
	struct kprobe *kp;		/* a kprobe, or */
	struct kretprobe *rp;		/* a kretprobe */
	bool active;
	int error;			/* why it is not active, if it is not */
} hm_probes[] = {
	{ "handle_mm_fault", &hm_fault_kp, NULL },
	{ "vm_mmap_pgoff", NULL, &hm_mmap_rp },
	{ "__vm_munmap", &hm_munmap_kp, NULL },
	{ "__x64_sys_brk", NULL, &hm_brk_rp },
	{ "__x64_sys_mremap", NULL, &hm_mremap_rp },
	{ "exit_mmap", &hm_exit_mmap_kp, NULL },
};

static DEFINE_MUTEX(hm_probes_lock);
static bool hm_probes_started;

static int hm_probe_register(struct hm_probe *p)
{
	if (p->kp) {
		p->kp->symbol_name = p->symbol;
		return register_kprobe(p->kp);
	}
	p->rp->kp.symbol_name = p->symbol;
	return register_kretprobe(p->rp);
}

void hm_probes_start(void)
{
	struct hm_probe *p;
	unsigned int i;

	mutex_lock(&hm_probes_lock);
	if (hm_probes_started)
		goto out;
	hm_probes_started = true;
	for (i = 0; i < ARRAY_SIZE(hm_probes); i++) {
		p = &hm_probes[i];
		p->error = hm_probe_register(p);
		p->active = !p->error;
		if (!p->active)
			pr_info("probe %s unavailable (%d): its events will be missing\n",
				p->symbol, p->error);
	}
out:
	mutex_unlock(&hm_probes_lock);
}

void hm_probes_stop(void)
{
	struct hm_probe *p;
	unsigned int i;

	mutex_lock(&hm_probes_lock);
	for (i = 0; i < ARRAY_SIZE(hm_probes); i++) {
		p = &hm_probes[i];
		if (!p->active)
			continue;
		if (p->kp)
			unregister_kprobe(p->kp);
		else
			unregister_kretprobe(p->rp);
		p->active = false;
	}
	mutex_unlock(&hm_probes_lock);
}

/* Hits the probe could not handle: a kprobe hit inside another, or no free kretprobe instance. */
static unsigned long hm_probe_missed(const struct hm_probe *p)
{
	if (p->kp)
		return p->kp->nmissed;
	return p->rp->nmissed + p->rp->kp.nmissed;
}

ssize_t hm_probes_show(char *buf)
{
	ssize_t len = 0;
	struct hm_probe *p;
	unsigned int i;

	mutex_lock(&hm_probes_lock);
	for (i = 0; i < ARRAY_SIZE(hm_probes); i++) {
		p = &hm_probes[i];
		if (p->active)
			len += sysfs_emit_at(buf, len, "%s active, missed %lu\n", p->symbol,
					     hm_probe_missed(p));
		else if (p->error)
			len += sysfs_emit_at(buf, len, "%s unavailable (%d)\n", p->symbol,
					     p->error);
		else
			len += sysfs_emit_at(buf, len, "%s inactive\n", p->symbol);
	}
	mutex_unlock(&hm_probes_lock);
	return len;
}
