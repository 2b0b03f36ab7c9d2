/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_H
#define _HEAPMON_H

#include <linux/types.h>

#define HEAPMON_VERSION "0.8.1"

/* The most chunks a pass holds in reserve (prealloc_chunks). */
#define HM_PREALLOC_MAX 64

/* Module parameters (see main.c for their meaning and defaults). */
extern unsigned int hm_max_targets;
extern unsigned long hm_max_target_pages;
extern unsigned long hm_max_total_pages;
extern unsigned int hm_max_memory_mb;
extern bool hm_flush_tlb;
extern unsigned int hm_history_unit_ms;
extern unsigned int hm_prealloc_chunks;
extern unsigned long hm_max_trap_pages;

#endif /* _HEAPMON_H */
