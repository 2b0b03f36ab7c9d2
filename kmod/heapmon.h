/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_H
#define _HEAPMON_H

#include <linux/types.h>

#define HEAPMON_VERSION "0.5.0"

/* Module parameters (see main.c for their meaning and defaults). */
extern unsigned int hm_max_targets;
extern unsigned long hm_max_target_pages;
extern unsigned long hm_max_total_pages;
extern unsigned int hm_max_memory_mb;
extern bool hm_flush_tlb;
extern unsigned int hm_history_unit_ms;

#endif /* _HEAPMON_H */
