/* SPDX-License-Identifier: GPL-2.0 */
/* A growable array of fixed-size items, for what dumps return. */
#ifndef HEAPMONCTL_ARRAY_H
#define HEAPMONCTL_ARRAY_H

#include <stddef.h>

struct hm_array {
	void *items;
	size_t n;		/* items in use */
	size_t cap;		/* items allocated */
	size_t size;		/* bytes per item */
};

void hm_array_init(struct hm_array *a, size_t size);
/* A new zeroed item at the end, or NULL when out of memory. */
void *hm_array_push(struct hm_array *a);
/* Item i, for 0 <= i < a->n. */
void *hm_array_at(const struct hm_array *a, size_t i);
/* Empties the array, keeping its memory for reuse. */
void hm_array_clear(struct hm_array *a);
void hm_array_free(struct hm_array *a);

#endif
