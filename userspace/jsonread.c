// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

#define JV_MAX_DEPTH 32

struct parser {
	const char *p;
	char *err;
	size_t err_len;
	int depth;
};

static int fail(struct parser *ps, const char *why)
{
	snprintf(ps->err, ps->err_len, "%s at '%.12s'", why, ps->p);
	return -1;
}

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static int parse_value(struct parser *ps, struct jv *v);

/* A string's body after its opening quote; \u escapes beyond ASCII become '?'. */
static int parse_string(struct parser *ps, char **out)
{
	static const char escapes[] = "ntrbf\"\\/", unescaped[] = "\n\t\r\b\f\"\\/";
	size_t cap = 16, n = 0;
	char *s = malloc(cap), c;
	const char *p;
	unsigned int u;

	if (!s)
		return fail(ps, "out of memory");
	for (;;) {
		c = *ps->p++;
		if (!c || (unsigned char)c < 0x20) {
			free(s);
			ps->p--;
			return fail(ps, "unterminated string");
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = *ps->p++;
			p = strchr(escapes, c);
			if (c == 'u') {
				if (sscanf(ps->p, "%4x", &u) != 1) {
					free(s);
					return fail(ps, "bad \\u escape");
				}
				ps->p += 4;
				c = u < 0x80 ? (char)u : '?';
			} else if (c && p) {
				c = unescaped[p - escapes];
			} else {
				free(s);
				ps->p--;
				return fail(ps, "bad escape");
			}
		}
		if (n + 2 > cap) {
			char *t = realloc(s, cap *= 2);

			if (!t) {
				free(s);
				return fail(ps, "out of memory");
			}
			s = t;
		}
		s[n++] = c;
	}
	s[n] = '\0';
	*out = s;
	return 0;
}

static struct jv *push(struct parser *ps, struct jv *v, size_t *cap)
{
	struct jv *t;

	if (v->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		t = realloc(v->items, *cap * sizeof(*t));
		if (!t) {
			fail(ps, "out of memory");
			return NULL;
		}
		v->items = t;
	}
	t = &v->items[v->n++];
	memset(t, 0, sizeof(*t));
	return t;
}

/* An array or object's items after its opening bracket. */
static int parse_items(struct parser *ps, struct jv *v, char close)
{
	size_t cap = 0;
	struct jv *item;

	if (++ps->depth > JV_MAX_DEPTH)
		return fail(ps, "nested too deep");
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		item = push(ps, v, &cap);
		if (!item)
			return -1;
		skip_ws(ps);
		if (close == '}') {
			if (*ps->p != '"')
				return fail(ps, "a key expected");
			ps->p++;
			if (parse_string(ps, &item->key))
				return -1;
			skip_ws(ps);
			if (*ps->p++ != ':')
				return fail(ps, "':' expected");
		}
		if (parse_value(ps, item))
			return -1;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p != close)
			return fail(ps, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
		ps->p++;
		ps->depth--;
		return 0;
	}
}

static int parse_number(struct parser *ps, struct jv *v)
{
	const char *start = ps->p;
	char *end;

	v->type = JV_NUM;
	v->num = strtod(start, &end);
	if (end == start)
		return fail(ps, "a value expected");
	if (*start != '-' && strspn(start, "0123456789") == (size_t)(end - start))
		v->u = strtoull(start, NULL, 10);
	ps->p = end;
	return 0;
}

static int parse_value(struct parser *ps, struct jv *v)
{
	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		ps->p++;
		v->type = JV_OBJ;
		return parse_items(ps, v, '}');
	case '[':
		ps->p++;
		v->type = JV_ARR;
		return parse_items(ps, v, ']');
	case '"':
		ps->p++;
		v->type = JV_STR;
		return parse_string(ps, &v->str);
	case 't':
	case 'f':
	case 'n':
		if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "null", 4)) {
			v->type = *ps->p == 't' ? JV_BOOL : JV_NULL;
			v->b = *ps->p == 't';
			ps->p += 4;
			return 0;
		}
		if (!strncmp(ps->p, "false", 5)) {
			v->type = JV_BOOL;
			ps->p += 5;
			return 0;
		}
		return fail(ps, "a value expected");
	default:
		return parse_number(ps, v);
	}
}

int jv_parse(const char *text, struct jv *v, char *err, size_t err_len)
{
	struct parser ps = { .p = text, .err = err, .err_len = err_len };

	memset(v, 0, sizeof(*v));
	if (parse_value(&ps, v))
		goto bad;
	skip_ws(&ps);
	if (*ps.p) {
		fail(&ps, "trailing characters");
		goto bad;
	}
	return 0;
bad:
	jv_free(v);
	return -1;
}

void jv_free(struct jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		jv_free(&v->items[i]);
	free(v->items);
	free(v->str);
	free(v->key);
	memset(v, 0, sizeof(*v));
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JV_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->items[i].key, key))
			return &obj->items[i];
	return NULL;
}

uint64_t jv_u64(const struct jv *obj, const char *key, uint64_t def)
{
	const struct jv *v = jv_get(obj, key);

	return v && v->type == JV_NUM ? v->u : def;
}

const char *jv_str(const struct jv *obj, const char *key, const char *def)
{
	const struct jv *v = jv_get(obj, key);

	return v && v->type == JV_STR ? v->str : def;
}
