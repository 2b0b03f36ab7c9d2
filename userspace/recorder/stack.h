/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call stacks of sampled allocations: unwinding with the libgcc unwinder,
 * and the deduplicated stack table (private, mirrored into the site file).
 */
#ifndef HEAPMON_RECORDER_STACK_H
#define HEAPMON_RECORDER_STACK_H

#include <stdint.h>

#include "../../include/heapmon/sites.h"

/* Remembers the recorder's own code, whose frames the unwinder drops. */
void hm_stack_init_self(void);
/*
 * Return addresses of the current call stack, innermost first, starting at
 * the return address into the caller of the allocation function. Returns
 * the depth (may be 0). Only for sampled calls: it costs microseconds.
 */
int hm_stack_capture(uint64_t *frames, int max);

/* The stack table: cap stacks, in a private mapping. Returns 0 or -errno. */
int hm_stacks_init(uint32_t cap);
/*
 * The index + 1 of the stack with these frames, added if new; 0 when the
 * table is full. Under the core's lock.
 */
uint32_t hm_stack_intern(const uint64_t *frames, uint32_t depth);
/* The private table and its used part (for the site file and fork). */
const struct hm_sites_stack *hm_stacks(uint32_t *used);

#endif
