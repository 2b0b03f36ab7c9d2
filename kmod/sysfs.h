/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_SYSFS_H
#define _HEAPMON_SYSFS_H

#include <linux/sysfs.h>

int hm_sysfs_init(void);
void hm_sysfs_uninit(void);

/* The targets/ directory, parent of each target's kobject. */
struct kobject *hm_sysfs_targets_kobj(void);
/* Makes a target's directory, just added to targets/, root's only. */
int hm_sysfs_target_added(struct kobject *kobj);
/* The files of targets/<pid>/. */
extern const struct attribute_group *hm_target_groups[];

#endif /* _HEAPMON_SYSFS_H */
