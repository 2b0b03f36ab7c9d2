// SPDX-License-Identifier: GPL-2.0
/*
 * heapmon: per-page access statistics of a running process's anonymous heap.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>

#include <uapi/linux/heapmon.h>

#include "flush.h"
#include "heapmon.h"
#include "netlink.h"
#include "pages.h"
#include "probes.h"
#include "sysfs.h"
#include "target.h"

unsigned int hm_max_targets = 64;
module_param_named(max_targets, hm_max_targets, uint, 0444);
MODULE_PARM_DESC(max_targets, "Most processes watched at once (default 64)");

unsigned long hm_max_target_pages = 1UL << 22;
module_param_named(max_target_pages, hm_max_target_pages, ulong, 0444);
MODULE_PARM_DESC(max_target_pages,
		 "Most resident pages tracked per target (default 4194304, 16 GiB of 4 KiB pages)");

unsigned long hm_max_total_pages = 1UL << 24;
module_param_named(max_total_pages, hm_max_total_pages, ulong, 0444);
MODULE_PARM_DESC(max_total_pages,
		 "Most resident pages tracked over all targets (default 16777216)");

unsigned int hm_max_memory_mb = 256;
module_param_named(max_memory_mb, hm_max_memory_mb, uint, 0444);
MODULE_PARM_DESC(max_memory_mb,
		 "Most memory for per-page records over all targets, in MiB (default 256)");

/*
 * Without a flush, a CPU may keep using a cached translation after its
 * accessed bit was cleared, and a hot page would look idle (flush.c: how
 * the flushes are coalesced and capped by max_flushes_per_sec). QEMU's software
 * TLB does not keep translations that way, so bench/tlb-flush cannot show
 * the error, only the cost (none measurable: see the README).
 */
bool hm_flush_tlb = true;
module_param_named(flush_tlb, hm_flush_tlb, bool, 0644);
MODULE_PARM_DESC(flush_tlb,
		 "Flush the TLB of the target's CPUs after each pass (default 1); WATCH flags override it");

/*
 * The width of a history's first coarse tier (the next are 10 and 60 times
 * as wide); a target keeps the value in force when it was watched.
 */
unsigned int hm_history_unit_ms = 60000;

static int hm_set_history_unit(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, HEAPMON_INTERVAL_MIN_MS, HEAPMON_INTERVAL_MAX_MS);
}

static const struct kernel_param_ops hm_history_unit_ops = {
	.set = hm_set_history_unit,
	.get = param_get_uint,
};

module_param_cb(history_unit_ms, &hm_history_unit_ops, &hm_history_unit_ms, 0644);
MODULE_PARM_DESC(history_unit_ms,
		 "History: one sample per this many ms after the newest passes, then per 10 and 60 times it (default 60000)");

/*
 * A pass allocates chunks before it takes the target's mmap lock, this many
 * at a time: it takes the lock again for each further batch it needs.
 */
unsigned int hm_prealloc_chunks = HM_PREALLOC_MAX;
module_param_named(prealloc_chunks, hm_prealloc_chunks, uint, 0444);
MODULE_PARM_DESC(prealloc_chunks,
		 "Chunks a pass allocates outside the target's mmap lock at a time, 1 to 64 (default 64)");

/*
 * Trap mode's armed pages, machine wide: each is a PTE made PROT_NONE until
 * its next touch, which then costs a fault. 0 turns trap mode off.
 */
unsigned long hm_max_trap_pages = 16384;
module_param_named(max_trap_pages, hm_max_trap_pages, ulong, 0444);
MODULE_PARM_DESC(max_trap_pages,
		 "Most pages armed at once by trap mode, over all targets; 0: no trap mode (default 16384)");

/* The probes' mm hash has two buckets per target: 64 KiB at the limit. */
#define HM_MAX_TARGETS_LIMIT 4096

static int __init heapmon_init(void)
{
	struct hm_target_hooks hooks = {
		.groups = hm_target_groups,
		.added = hm_sysfs_target_added,
		.arm = hm_probes_start,
		.listening = hm_netlink_has_listeners,
		.notify = hm_netlink_notify_events,
	};
	int ret;

	if (!hm_max_targets || !hm_max_target_pages || !hm_max_total_pages || !hm_max_memory_mb) {
		pr_err("max_targets, max_target_pages, max_total_pages and max_memory_mb must be nonzero\n");
		return -EINVAL;
	}
	if (!hm_prealloc_chunks || hm_prealloc_chunks > HM_PREALLOC_MAX) {
		pr_err("prealloc_chunks must be 1 to %d\n", HM_PREALLOC_MAX);
		return -EINVAL;
	}
	if (hm_max_targets > HM_MAX_TARGETS_LIMIT) {
		pr_err("max_targets must be at most %d\n", HM_MAX_TARGETS_LIMIT);
		return -EINVAL;
	}

	ret = hm_pages_cache_init();
	if (ret)
		return ret;
	ret = hm_flush_init();
	if (ret)
		goto err_cache;
	ret = hm_sysfs_init();
	if (ret)
		goto err_flush;
	hooks.parent = hm_sysfs_targets_kobj();
	ret = hm_targets_init(&hooks);
	if (ret)
		goto err_sysfs;
	ret = hm_netlink_init();
	if (ret)
		goto err_targets;

	pr_info("version %s loaded\n", HEAPMON_VERSION);
	return 0;

err_targets:
	hm_targets_uninit();
err_sysfs:
	hm_sysfs_uninit();
err_flush:
	hm_flush_uninit();
err_cache:
	hm_pages_cache_uninit();
	return ret;
}

/*
 * Netlink goes first: nothing can watch, so nothing can start the probes
 * again. The probes go before the targets: they read the mm hash that
 * hm_targets_uninit() frees, and unregistering them waits for every handler
 * in flight.
 */
static void __exit heapmon_exit(void)
{
	hm_netlink_uninit();
	hm_probes_stop();
	hm_targets_uninit();
	hm_sysfs_uninit();
	hm_flush_uninit();
	hm_pages_cache_uninit();
}

module_init(heapmon_init);
module_exit(heapmon_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-page access statistics of a process's anonymous heap");
MODULE_VERSION(HEAPMON_VERSION);
MODULE_AUTHOR("The heapmon authors");
