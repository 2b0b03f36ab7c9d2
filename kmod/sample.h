/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HEAPMON_SAMPLE_H
#define _HEAPMON_SAMPLE_H

struct hm_target;

/* One sampling pass over the target's tracked memory; may sleep. */
void hm_scan_pass(struct hm_target *t);

#endif /* _HEAPMON_SAMPLE_H */
