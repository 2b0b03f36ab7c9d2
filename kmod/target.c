// SPDX-License-Identifier: GPL-2.0
/*
 * The target registry and each target's lifetime.
 *
 * Locking: hm_targets_lock (a mutex) guards membership, the count, the mm
 * hash and target->mm changes. The probes look targets up in the mm hash
 * under RCU and compare mm pointers only. A target leaves the list and the
 * hash, then waits for an RCU grace period and for its work items, before its
 * last reference goes.
 */

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "flush.h"
#include "heapmon.h"
#include "history.h"
#include "sample.h"
#include "target.h"

struct hlist_head *hm_mm_hash __read_mostly;
unsigned int hm_mm_hash_bits __read_mostly;

static LIST_HEAD(hm_targets);
static DEFINE_MUTEX(hm_targets_lock);
static unsigned int hm_nr_targets;
static struct workqueue_struct *hm_wq;
static struct hm_target_hooks hm_hooks;
static struct kobj_type hm_target_ktype;
/* Targets not yet released: module exit waits for the last kobject release. */
static atomic_t hm_live_targets = ATOMIC_INIT(0);

/* Must hold hm_targets_lock; t is listed. */
static void hm_mm_hash_add(struct hm_target *t)
{
	if (t->mm)
		hlist_add_head_rcu(&t->mm_node, hm_mm_bucket(t->mm));
}

static void hm_mm_hash_del(struct hm_target *t)
{
	if (!hlist_unhashed(&t->mm_node))
		hlist_del_init_rcu(&t->mm_node);
}

/* The target's address space changed (exec) or went away (NULL). */
static void hm_target_set_mm(struct hm_target *t, struct mm_struct *mm)
{
	struct mm_struct *old;

	if (mm)
		mmgrab(mm);
	mutex_lock(&hm_targets_lock);
	old = t->mm;
	hm_mm_hash_del(t);
	WRITE_ONCE(t->mm, NULL);
	mutex_unlock(&hm_targets_lock);
	/*
	 * A probe may be on t's node in the old bucket: re-added at once, the
	 * node would lead it into the new bucket, past the rest of the old one.
	 */
	if (old && mm)
		synchronize_rcu();
	mutex_lock(&hm_targets_lock);
	WRITE_ONCE(t->mm, mm);
	/* Only targets on the list are in the hash. */
	if (t->listed)
		hm_mm_hash_add(t);
	mutex_unlock(&hm_targets_lock);
	if (old)
		mmdrop(old);
}

static void hm_target_release(struct kobject *kobj)
{
	struct hm_target *t = container_of(kobj, struct hm_target, kobj);

	hm_pages_clear(&t->pages);
	kvfree(rcu_dereference_protected(t->regions, true));
	hm_traps_free(&t->traps);
	hm_event_ring_free(&t->events);
	hm_history_free(t->history);
	if (t->mm)
		mmdrop(t->mm);
	put_pid(t->pid);
	kfree(t);
	if (atomic_dec_and_test(&hm_live_targets))
		wake_up_var(&hm_live_targets);
}

void hm_target_put(struct hm_target *t)
{
	kobject_put(&t->kobj);
}

/* Under t->lock: the data dumps read changed. 0 means "no data" to netlink. */
static void hm_target_bump_gen(struct hm_target *t)
{
	if (!++t->gen)
		t->gen = 1;
}

/*
 * The address space of task's thread group, with a reference (mmput), or
 * NULL once every thread has left it.
 */
static struct mm_struct *hm_process_mm(struct task_struct *task)
{
	struct task_struct *thread;
	struct mm_struct *mm = get_task_mm(task);

	if (mm)
		return mm;
	/* A leader that called pthread_exit() has no mm; its threads do. */
	rcu_read_lock();
	for_each_thread(task, thread) {
		mm = get_task_mm(thread);
		if (mm)
			break;
	}
	rcu_read_unlock();
	return mm;
}

/* The target is gone: keep its last statistics until it is unwatched. */
static void hm_target_gone(struct hm_target *t)
{
	if (READ_ONCE(t->exited))
		return;
	hm_target_event(t, HEAPMON_EVENT_EXIT, 0, 0, 0);
	hm_traps_forget(&t->traps);
	hm_target_set_mm(t, NULL);
	WRITE_ONCE(t->exited, true);
}

/* A new address space (exec): what was known of the old one is void. */
static void hm_target_exec(struct hm_target *t, struct mm_struct *mm)
{
	struct hm_region_set *old;

	mutex_lock(&t->lock);
	hm_pages_clear(&t->pages);
	hm_traps_forget(&t->traps);
	old = rcu_replace_pointer(t->regions, NULL, lockdep_is_held(&t->lock));
	if (old)
		kvfree_rcu(old, rcu);
	spin_lock(&t->stats_lock);
	t->stats.passes = 0;
	hm_history_clear(t->history);
	spin_unlock(&t->stats_lock);
	hm_target_bump_gen(t);
	mutex_unlock(&t->lock);
	hm_target_set_mm(t, mm);
	hm_target_event(t, HEAPMON_EVENT_EXEC, 0, 0, 0);
}

static void hm_target_take_wake(struct hm_target *t, unsigned long *wake)
{
	unsigned int i;

	for (i = 0; i < BITS_TO_LONGS(HM_WAKE_BITS); i++)
		wake[i] = t->revisit ? xchg(&t->wake[i], 0) : 0;
}

static void hm_target_give_back_wake(struct hm_target *t, const unsigned long *wake)
{
	unsigned int bit;

	for_each_set_bit(bit, wake, HM_WAKE_BITS)
		set_bit(bit, t->wake);
}

static bool hm_target_wants_flush(const struct hm_target *t)
{
	if (t->flags & HEAPMON_WATCH_F_FLUSH_TLB)
		return true;
	if (t->flags & HEAPMON_WATCH_F_NO_FLUSH_TLB)
		return false;
	return READ_ONCE(hm_flush_tlb);
}

/* Under t->lock: the walk's region set replaces the last, its counts the stats. */
static void hm_target_publish(struct hm_target *t, u64 pass_nr, struct hm_walk_result *res,
			      u64 start_ns)
{
	struct hm_region_set *old = rcu_dereference_protected(t->regions,
							      lockdep_is_held(&t->lock));
	struct hm_target_stats pass;
	struct hm_sample sample;

	hm_regions_carry(res->set, old);
	rcu_assign_pointer(t->regions, res->set);
	hm_target_bump_gen(t);
	if (old)
		kvfree_rcu(old, rcu);
	hm_stats_of_walk(&pass, pass_nr, 0, res);
	hm_history_sample(&sample, pass.passes, &pass.hist);
	pass.pass_ns = ktime_get_ns() - start_ns;
	spin_lock(&t->stats_lock);
	hm_stats_add_pass(&t->stats, &pass);
	hm_history_push(t->history, &sample);
	spin_unlock(&t->stats_lock);
}

/* One pass: follow an exit or an exec, walk, publish, ask for the TLB flush. */
static void hm_target_pass(struct hm_target *t)
{
	unsigned long wake[BITS_TO_LONGS(HM_WAKE_BITS)];
	struct hm_walk_result res;
	struct hm_walk_args args;
	struct hm_region_set *set;
	struct task_struct *task;
	struct mm_struct *mm = NULL;
	u64 start_ns;
	int ret;

	task = get_pid_task(t->pid, PIDTYPE_PID);
	if (task) {
		mm = hm_process_mm(task);
		put_task_struct(task);
	}
	if (!mm) {
		hm_target_gone(t);
		return;
	}
	if (mm != READ_ONCE(t->mm))
		hm_target_exec(t, mm);

	mutex_lock(&t->lock);
	start_ns = ktime_get_ns();
	set = rcu_dereference_protected(t->regions, lockdep_is_held(&t->lock));
	args = (struct hm_walk_args){
		.pass = t->stats.passes + 1,
		.walk = ++t->walks,
		.nr_regions = set ? set->nr : 0,
		.reserve = t->chunks_taken,
		.interval_ms = t->interval_ms,
		.revisit = t->revisit,
		.wake = wake,
		.traps = t->traps.slot ? &t->traps : NULL,
	};
	/* The faults since the last pass; those from now on wake the next one. */
	hm_target_take_wake(t, wake);
	hm_flush_begin_pass(t->flush_seq);
	ret = hm_sample_walk(mm, &t->pages, &args, &res);
	t->chunks_taken = res.chunks_taken;
	/* A pass left out wakes the same spans when it is done again. */
	if (ret)
		hm_target_give_back_wake(t, wake);
	if (!ret)
		hm_target_publish(t, args.pass, &res, start_ns);
	if (ret == -EAGAIN) {
		spin_lock(&t->stats_lock);
		hm_stats_pass_skipped(&t->stats, &res);
		spin_unlock(&t->stats_lock);
	}
	/*
	 * The flush goes out later, in a round shared with other targets. A
	 * walk that cleared no bit (left out, out of memory, nothing resident)
	 * asks for none, and the next pass checks the last pass's round. (Pages
	 * armed in trap mode were flushed by the walk itself.)
	 */
	if (res.scanned)
		t->flush_seq = hm_target_wants_flush(t) ? hm_flush_request(mm) : 0;
	mutex_unlock(&t->lock);
	mmput(mm);
}

static void hm_pass_work(struct work_struct *work)
{
	struct hm_target *t = container_of(to_delayed_work(work), struct hm_target, pass_work);

	hm_target_pass(t);
	if (!READ_ONCE(t->exited))
		queue_delayed_work(hm_wq, &t->pass_work, msecs_to_jiffies(t->interval_ms));
}

static void hm_notify_work(struct work_struct *work)
{
	hm_hooks.notify(container_of(work, struct hm_target, notify_work));
}

/*
 * In adaptive mode, the spans of [addr, addr + len) are visited at the next
 * pass: a mapping call changed them. Every span when the range covers more
 * spans than there are bits.
 */
static void hm_target_wake_range(struct hm_target *t, u64 addr, u64 len)
{
	unsigned long first = addr >> HM_CHUNK_SHIFT, last, i;

	if (!t->revisit || !len)
		return;
	last = (addr + len - 1) >> HM_CHUNK_SHIFT;
	if (last - first >= HM_WAKE_BITS)
		last = first + HM_WAKE_BITS - 1;
	for (i = first; i <= last; i++)
		hm_target_wake(t, i << HM_CHUNK_SHIFT);
}

void hm_target_event(struct hm_target *t, u32 kind, u64 addr, u64 len, u64 old_addr)
{
	hm_target_wake_range(t, addr, len);
	if (old_addr)
		hm_target_wake_range(t, old_addr, len);
	if (hm_event_add(&t->events, kind, addr, len, old_addr) && hm_hooks.listening())
		queue_work(hm_wq, &t->notify_work);
}

void hm_target_trap_event(struct hm_target *t, const struct hm_trap_hit *hit)
{
	if (hm_event_add_trap(&t->events, hit) && hm_hooks.listening())
		queue_work(hm_wq, &t->notify_work);
}

void hm_target_stats_get(struct hm_target *t, struct hm_target_stats *st)
{
	spin_lock(&t->stats_lock);
	*st = t->stats;
	spin_unlock(&t->stats_lock);
}

/*
 * Whether something mirrors, or mirrored, the target's page tables: KVM,
 * VFIO, RDMA ODP or a GPU registers MMU notifiers on the mm, whose list stays
 * until the mm goes. Their accesses go through their own page tables and
 * never set the accessed bits a pass reads, and the calls that would ask
 * them (mmu_notifier_clear_young) are not exported: memory used only
 * through them looks idle. Under hm_targets_lock, which an exec holds while
 * it swaps t->mm.
 */
bool hm_target_secondary_mmu(struct hm_target *t)
{
	bool ret;

	mutex_lock(&hm_targets_lock);
	ret = t->mm && mm_has_notifiers(t->mm);
	mutex_unlock(&hm_targets_lock);
	return ret;
}

void hm_target_kick(struct hm_target *t)
{
	mod_delayed_work(hm_wq, &t->pass_work, 0);
}

/* Must hold hm_targets_lock. */
static struct hm_target *hm_target_lookup_mm(const struct mm_struct *mm)
{
	struct hm_target *t;

	hlist_for_each_entry(t, hm_mm_bucket(mm), mm_node)
		if (t->mm == mm)
			return t;
	return NULL;
}

/*
 * Must hold hm_targets_lock. nr is read in the caller's PID namespace; an
 * exited target keeps its number until it is unwatched.
 */
static struct hm_target *hm_target_lookup(pid_t nr)
{
	struct hm_target *t;

	list_for_each_entry(t, &hm_targets, node)
		if (hm_target_vnr(t) == nr)
			return t;
	return NULL;
}

struct hm_target *hm_target_get(pid_t nr)
{
	struct hm_target *t;

	mutex_lock(&hm_targets_lock);
	t = hm_target_lookup(nr);
	if (t)
		kobject_get(&t->kobj);
	mutex_unlock(&hm_targets_lock);
	return t;
}

struct hm_target *hm_target_find_mm(const struct mm_struct *mm)
{
	struct hm_target *t;

	hlist_for_each_entry_rcu(t, hm_mm_bucket(mm), mm_node)
		if (READ_ONCE(t->mm) == mm)
			return t;
	return NULL;
}

unsigned int hm_target_count(void)
{
	return READ_ONCE(hm_nr_targets);
}

int hm_targets_for_each(int (*fn)(struct hm_target *t, void *arg), void *arg)
{
	struct hm_target *t;
	int ret = 0;

	mutex_lock(&hm_targets_lock);
	list_for_each_entry(t, &hm_targets, node) {
		ret = fn(t, arg);
		if (ret)
			break;
	}
	mutex_unlock(&hm_targets_lock);
	return ret;
}

static struct hm_target *hm_target_alloc(struct pid *pid, const struct hm_watch_opts *opts)
{
	struct hm_target *t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);

	if (!t)
		return NULL;
	t->pid = get_pid(pid);
	t->interval_ms = opts->interval_ms;
	t->flags = opts->flags;
	t->revisit = opts->revisit;
	INIT_DELAYED_WORK(&t->pass_work, hm_pass_work);
	INIT_WORK(&t->notify_work, hm_notify_work);
	mutex_init(&t->lock);
	spin_lock_init(&t->stats_lock);
	hm_pages_init(&t->pages);
	INIT_HLIST_NODE(&t->mm_node);
	atomic64_set(&t->faults, 0);
	atomic64_set(&t->first_faults, 0);
	t->history = hm_history_alloc();
	if (!t->history)
		goto err_free;
	if (hm_event_ring_init(&t->events, opts->trap))
		goto err_history;
	if (hm_traps_init(&t->traps, opts->trap))
		goto err_events;
	t->gen = 1;
	atomic_inc(&hm_live_targets);
	kobject_init(&t->kobj, &hm_target_ktype);
	return t;

err_events:
	hm_event_ring_free(&t->events);
err_history:
	hm_history_free(t->history);
err_free:
	put_pid(t->pid);
	kfree(t);
	return NULL;
}

/* Must hold hm_targets_lock: the target that sysfs names as pid's number. */
static struct hm_target *hm_target_lookup_global(struct pid *pid)
{
	struct hm_target *t;

	list_for_each_entry(t, &hm_targets, node)
		if (pid_nr(t->pid) == pid_nr(pid))
			return t;
	return NULL;
}

int hm_target_watch(pid_t nr, const struct hm_watch_opts *opts, struct netlink_ext_ack *extack)
{
	struct task_struct *task;
	struct hm_target *t, *t2;
	struct mm_struct *mm;
	struct pid *pid;
	int ret;

	pid = find_get_pid(nr);
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	if (!task) {
		NL_SET_ERR_MSG(extack, "no such process");
		ret = -ESRCH;
		goto out_pid;
	}
	if (task->flags & PF_KTHREAD) {
		NL_SET_ERR_MSG(extack, "a kernel thread has no user memory to watch");
		ret = -EINVAL;
		goto out_task;
	}
	if (!thread_group_leader(task)) {
		NL_SET_ERR_MSG(extack, "a thread, not a process: watch its thread group leader");
		ret = -EINVAL;
		goto out_task;
	}
	mm = hm_process_mm(task);
	if (!mm) {
		NL_SET_ERR_MSG(extack, "the process is exiting");
		ret = -ESRCH;
		goto out_task;
	}

	t = hm_target_alloc(pid, opts);
	if (!t) {
		ret = -ENOMEM;
		goto out_mm;
	}
	mmgrab(mm);
	t->mm = mm;

	mutex_lock(&hm_targets_lock);
	t2 = hm_target_lookup(nr);
	if (t2) {
		if (READ_ONCE(t2->exited))
			NL_SET_ERR_MSG(extack,
				       "an exited process with this PID is still watched: unwatch it");
		else
			NL_SET_ERR_MSG(extack, "the process is already watched");
		ret = -EEXIST;
		goto out_unlock;
	}
	/* Its number, in the initial namespace, names a target's sysfs directory. */
	if (hm_target_lookup_global(pid)) {
		NL_SET_ERR_MSG(extack,
			       "an exited process with this PID, outside your PID namespace, is still watched");
		ret = -EEXIST;
		goto out_unlock;
	}
	if (hm_target_lookup_mm(mm)) {
		NL_SET_ERR_MSG(extack, "its address space is already watched, as another process");
		ret = -EEXIST;
		goto out_unlock;
	}
	if (hm_nr_targets >= hm_max_targets) {
		NL_SET_ERR_MSG(extack,
			       "too many targets: max_targets reached; unwatch one or reload heapmon with a larger max_targets");
		ret = -ENOSPC;
		goto out_unlock;
	}
	/* sysfs is the same in every namespace: name it in the initial one. */
	ret = kobject_add(&t->kobj, hm_hooks.parent, "%d", pid_nr(pid));
	if (ret)
		goto out_unlock;
	ret = hm_hooks.added(&t->kobj);
	if (ret) {
		kobject_del(&t->kobj);
		goto out_unlock;
	}
	/*
	 * Only a watch that succeeds puts the probes in, and before its
	 * target is hashed, so that none of its faults is missed.
	 */
	hm_hooks.arm();
	WRITE_ONCE(hm_nr_targets, hm_nr_targets + 1);
	t->listed = true;
	list_add_tail(&t->node, &hm_targets);
	hm_mm_hash_add(t);
	queue_delayed_work(hm_wq, &t->pass_work, 0);
	mutex_unlock(&hm_targets_lock);
	ret = 0;
	goto out_mm;

out_unlock:
	mutex_unlock(&hm_targets_lock);
	hm_target_put(t);
out_mm:
	mmput(mm);
out_task:
	put_task_struct(task);
out_pid:
	put_pid(pid);
	return ret;
}

/*
 * Takes t off the registry; hm_targets_lock must be held. Its sysfs directory
 * goes now too: a watch of the same PID may follow at once.
 */
static void hm_target_unlink(struct hm_target *t)
{
	kobject_del(&t->kobj);
	list_del(&t->node);
	t->listed = false;
	hm_mm_hash_del(t);
	WRITE_ONCE(hm_nr_targets, hm_nr_targets - 1);
}

/* After unlinking: waits until no probe or work can see t, then drops it. */
static void hm_target_destroy(struct hm_target *t)
{
	synchronize_rcu();
	cancel_delayed_work_sync(&t->pass_work);
	cancel_work_sync(&t->notify_work);
	hm_target_put(t);
}

int hm_target_unwatch(pid_t nr, struct netlink_ext_ack *extack)
{
	struct hm_target *t;

	mutex_lock(&hm_targets_lock);
	t = hm_target_lookup(nr);
	if (!t) {
		mutex_unlock(&hm_targets_lock);
		NL_SET_ERR_MSG(extack, "the process is not watched");
		return -ENOENT;
	}
	hm_target_unlink(t);
	mutex_unlock(&hm_targets_lock);
	hm_target_destroy(t);
	return 0;
}

int hm_targets_init(const struct hm_target_hooks *hooks)
{
	hm_hooks = *hooks;
	hm_target_ktype = (struct kobj_type){
		.release = hm_target_release,
		.sysfs_ops = &kobj_sysfs_ops,
		.default_groups = hooks->groups,
	};
	hm_mm_hash_bits = ilog2(roundup_pow_of_two(hm_max_targets)) + 1;
	hm_mm_hash = kvcalloc(1U << hm_mm_hash_bits, sizeof(*hm_mm_hash), GFP_KERNEL);
	if (!hm_mm_hash)
		return -ENOMEM;
	hm_wq = alloc_workqueue("heapmon", WQ_UNBOUND | WQ_FREEZABLE, 0);
	if (!hm_wq) {
		kvfree(hm_mm_hash);
		return -ENOMEM;
	}
	return 0;
}

void hm_targets_uninit(void)
{
	struct hm_target *t;

	for (;;) {
		mutex_lock(&hm_targets_lock);
		t = list_first_entry_or_null(&hm_targets, struct hm_target, node);
		if (t)
			hm_target_unlink(t);
		mutex_unlock(&hm_targets_lock);
		if (!t)
			break;
		hm_target_destroy(t);
	}
	/* A dump or a sysfs reader may hold the last reference a little longer. */
	wait_var_event(&hm_live_targets, !atomic_read(&hm_live_targets));
	destroy_workqueue(hm_wq);
	kvfree(hm_mm_hash);
}
