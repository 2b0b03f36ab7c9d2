/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader: one value (a line of NDJSON) parsed into a tree, for
 * heapmonctl report. Numbers are kept as doubles (exact to 2^53) and as
 * unsigned integers when they are ones.
 */
#ifndef HEAPMONCTL_JSONREAD_H
#define HEAPMONCTL_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	bool b;
	double num;
	uint64_t u;		/* the number, when a nonnegative integer */
	char *str;
	char *key;		/* its name, as an object's member */
	size_t n;		/* items of an array or members of an object */
	struct jv *items;
};

/* Parses text (NUL-terminated) into *v; 0, or -1 with a reason in err. */
int jv_parse(const char *text, struct jv *v, char *err, size_t err_len);
void jv_free(struct jv *v);

/* The member key of an object, or NULL. */
const struct jv *jv_get(const struct jv *obj, const char *key);
/* The member as a number or string; def when absent or of another type. */
uint64_t jv_u64(const struct jv *obj, const char *key, uint64_t def);
const char *jv_str(const struct jv *obj, const char *key, const char *def);

#endif
