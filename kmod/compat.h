/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels heapmon supports (6.1 and 6.12) is
 * bridged here, so the rest of the module reads as if there were one kernel.
 */
#ifndef _HEAPMON_COMPAT_H
#define _HEAPMON_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* 6.2 renamed the dump info accessor when split ops arrived. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
static inline const struct genl_dumpit_info *hm_dump_info(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb);
}
#else
static inline const struct genl_info *hm_dump_info(struct netlink_callback *cb)
{
	return genl_info_dump(cb);
}
#endif

#endif /* _HEAPMON_COMPAT_H */
