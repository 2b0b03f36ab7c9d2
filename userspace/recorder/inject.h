/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The front end for a recorder dlopen'ed into a running process (heapmonctl
 * attach): its exported functions do not interpose there, so the GOT slots
 * of the loaded objects are pointed at them (got.h).
 */
#ifndef HEAPMON_RECORDER_INJECT_H
#define HEAPMON_RECORDER_INJECT_H

#include <stddef.h>

#include "got.h"

#define HM_MAX_HOOKS	96

/* The exported entry points by name (preload.c). Returns their number. */
size_t hm_hooks_fill(struct hm_got_hook *hooks);
/* The exec family (exec.c). */
size_t hm_exec_hooks_fill(struct hm_got_hook *hooks);
/* Patches every loaded object, and every one dlopen'ed later. */
void hm_inject(void);

#endif
