/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kprobes that follow targets' heaps. They are registered when the first
 * target is watched, so a loaded heapmon that never watched costs nothing,
 * and stay until the module goes: registering and unregistering them over
 * and over while other CPUs take page faults has crashed 6.1 (a torture test
 * found it), and a registered probe with no target costs a hash and a load.
 */
#ifndef _HEAPMON_PROBES_H
#define _HEAPMON_PROBES_H

#include <linux/types.h>

/* Registers every probe this kernel has, once; a missing symbol is tolerated. */
void hm_probes_start(void);
/* At module exit, before hm_targets_uninit() frees the mm hash the handlers read. */
void hm_probes_stop(void);
/* One line per probe: "SYMBOL active|inactive|unavailable (errno)". */
ssize_t hm_probes_show(char *buf);

#endif /* _HEAPMON_PROBES_H */
