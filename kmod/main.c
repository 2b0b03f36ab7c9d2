// SPDX-License-Identifier: GPL-2.0
/*
 * heapmon: per-page access statistics of a running process's anonymous heap.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "heapmon.h"
#include "netlink.h"
#include "sysfs.h"

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

static int __init heapmon_init(void)
{
	int ret;

	if (!hm_max_targets || !hm_max_target_pages || !hm_max_total_pages) {
		pr_err("max_targets, max_target_pages and max_total_pages must be nonzero\n");
		return -EINVAL;
	}

	ret = hm_sysfs_init();
	if (ret)
		return ret;

	ret = hm_netlink_init();
	if (ret)
		goto err_sysfs;

	pr_info("version %s loaded\n", HEAPMON_VERSION);
	return 0;

err_sysfs:
	hm_sysfs_uninit();
	return ret;
}

static void __exit heapmon_exit(void)
{
	hm_netlink_uninit();
	hm_sysfs_uninit();
}

module_init(heapmon_init);
module_exit(heapmon_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-page access statistics of a process's anonymous heap");
MODULE_VERSION(HEAPMON_VERSION);
MODULE_AUTHOR("The heapmon authors");
