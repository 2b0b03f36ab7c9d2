/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_SYSFS_H
#define _HEAPMON_SYSFS_H

int hm_sysfs_init(void);
void hm_sysfs_uninit(void);

#endif /* _HEAPMON_SYSFS_H */
