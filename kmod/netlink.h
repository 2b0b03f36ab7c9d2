/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_NETLINK_H
#define _HEAPMON_NETLINK_H

#include <linux/types.h>

struct hm_target;

int hm_netlink_init(void);
void hm_netlink_uninit(void);

/* Whether anyone listens to the events group. */
bool hm_netlink_has_listeners(void);
/* Multicasts t's events not sent yet; process context. */
void hm_netlink_notify_events(struct hm_target *t);

#endif /* _HEAPMON_NETLINK_H */
