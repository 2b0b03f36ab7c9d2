/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_NETLINK_H
#define _HEAPMON_NETLINK_H

int hm_netlink_init(void);
void hm_netlink_uninit(void);

#endif /* _HEAPMON_NETLINK_H */
