/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kprobes that follow targets' heaps. They are registered while at least
 * one target is watched, so a loaded but idle heapmon costs nothing.
 */
#ifndef _HEAPMON_PROBES_H
#define _HEAPMON_PROBES_H

#include <linux/types.h>

/* Registers every probe this kernel has; a missing symbol is tolerated. */
int hm_probes_get(void);
void hm_probes_put(void);
/* One line per probe: "SYMBOL active|inactive|unavailable (errno)". */
ssize_t hm_probes_show(char *buf);

#endif /* _HEAPMON_PROBES_H */
