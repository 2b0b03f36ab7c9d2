// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

void hm_array_init(struct hm_array *a, size_t size)
{
	a->items = NULL;
	a->n = 0;
	a->cap = 0;
	a->size = size;
}

static int hm_array_grow(struct hm_array *a)
{
	size_t cap = a->cap ? a->cap * 2 : 64;
	void *items;

	if (cap > SIZE_MAX / a->size)
		return -1;
	items = realloc(a->items, cap * a->size);
	if (!items)
		return -1;
	a->items = items;
	a->cap = cap;
	return 0;
}

void *hm_array_push(struct hm_array *a)
{
	void *item;

	if (a->n == a->cap && hm_array_grow(a))
		return NULL;
	item = hm_array_at(a, a->n++);
	memset(item, 0, a->size);
	return item;
}

void *hm_array_at(const struct hm_array *a, size_t i)
{
	return (char *)a->items + i * a->size;
}

void hm_array_clear(struct hm_array *a)
{
	a->n = 0;
}

void hm_array_free(struct hm_array *a)
{
	free(a->items);
	hm_array_init(a, a->size);
}
