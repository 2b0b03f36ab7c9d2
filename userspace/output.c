// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
	j->len = 0;
}

static void json_flush_buf(struct json *j)
{
	if (j->len)
		fwrite(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void json_write(struct json *j, const char *s, size_t n)
{
	if (n > sizeof(j->buf) - j->len) {
		json_flush_buf(j);
		if (n > sizeof(j->buf)) {
			fwrite(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void json_putc(struct json *j, char c)
{
	if (j->len == sizeof(j->buf))
		json_flush_buf(j);
	j->buf[j->len++] = c;
}

static void json_puts(struct json *j, const char *s)
{
	json_write(j, s, strlen(s));
}

/* Writes s escaped, the runs that need no escape in one call each. */
static void json_escaped(struct json *j, const char *s)
{
	const char *run = s, *p;

	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		json_write(j, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"':
			json_puts(j, "\\\"");
			break;
		case '\\':
			json_puts(j, "\\\\");
			break;
		case '\n':
			json_puts(j, "\\n");
			break;
		case '\t':
			json_puts(j, "\\t");
			break;
		case '\r':
			json_puts(j, "\\r");
			break;
		default: {
			char u[8];

			snprintf(u, sizeof(u), "\\u%04x", c);
			json_puts(j, u);
		}
		}
	}
	json_write(j, run, (size_t)(p - run));
}

static void json_string_body(struct json *j, const char *s)
{
	json_putc(j, '"');
	json_escaped(j, s);
	json_putc(j, '"');
}

/*
 * Numbers are most of a pages dump's output: printf's parsing of its format
 * cost more than the rest of a record. Decimal goes two digits a step, in
 * 32-bit arithmetic (8 digits at a time past it), straight to out.
 */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

char *json_fmt_u32_width(char *out, uint32_t val, unsigned int n)
{
	char *end = out + n, *p = end;

	for (; n >= 2; n -= 2) {
		p -= 2;
		memcpy(p, &digit_pairs[val % 100 * 2], 2);
		val /= 100;
	}
	if (n)
		p[-1] = (char)('0' + val % 10);
	return end;
}

static char *fmt_u32(char *out, uint32_t val)
{
	unsigned int n;

	/* Most of a page's counts: one digit. */
	if (val < 10) {
		*out = (char)('0' + val);
		return out + 1;
	}
	n = 2 + (val >= 100) + (val >= 1000) + (val >= 10000) + (val >= 100000) +
	    (val >= 1000000) + (val >= 10000000) + (val >= 100000000) + (val >= 1000000000);
	return json_fmt_u32_width(out, val, n);
}

char *json_fmt_u64(char *out, uint64_t val)
{
	if (val <= UINT32_MAX)
		return fmt_u32(out, (uint32_t)val);
	out = json_fmt_u64(out, val / 100000000);
	return json_fmt_u32_width(out, (uint32_t)(val % 100000000), 8);
}

char *json_fmt_hex_width(char *out, uint64_t val, unsigned int n)
{
	static const char digits[] = "0123456789abcdef";
	char *p = out + n;

	while (p > out) {
		*--p = digits[val & 0xf];
		val >>= 4;
	}
	return out + n;
}

char *json_fmt_hex(char *out, uint64_t val)
{
	/* Significant nibbles; 0 has one. */
	return json_fmt_hex_width(out, val, (64 - __builtin_clzll(val | 1) + 3) / 4);
}

static void json_put_u64(struct json *j, uint64_t val)
{
	char buf[JSON_U64_CHARS];

	json_write(j, buf, (size_t)(json_fmt_u64(buf, val) - buf));
}

/* Separator and key before a value; key is NULL inside arrays. */
static void json_prefix(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		json_putc(j, ',');
	j->need_comma[j->depth] = true;
	if (key) {
		json_string_body(j, key);
		json_putc(j, ':');
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_prefix(j, key);
	json_putc(j, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	json_putc(j, c);
	if (j->depth > 0)
		j->depth--;
}

void json_object_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_object_end(struct json *j)
{
	json_close(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_array_end(struct json *j)
{
	json_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_prefix(j, key);
	json_string_body(j, val);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	json_prefix(j, key);
	json_put_u64(j, val);
}

void json_s64(struct json *j, const char *key, int64_t val)
{
	json_prefix(j, key);
	if (val < 0)
		json_putc(j, '-');
	json_put_u64(j, val < 0 ? -(uint64_t)val : (uint64_t)val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_prefix(j, key);
	json_puts(j, val ? "true" : "false");
}

void json_hex(struct json *j, const char *key, uint64_t val)
{
	char buf[JSON_HEX_CHARS + 4] = "\"0x", *end = json_fmt_hex(buf + 3, val);

	*end++ = '"';
	json_prefix(j, key);
	json_write(j, buf, (size_t)(end - buf));
	/* Its integer twin, for programs: "addr":"0x7f..","addr_int":1403... */
	if (key) {
		json_puts(j, ",\"");
		json_escaped(j, key);
		json_puts(j, "_int\":");
		json_put_u64(j, val);
	}
}

void json_double(struct json *j, const char *key, double val)
{
	char buf[64];

	json_prefix(j, key);
	snprintf(buf, sizeof(buf), "%.4f", val);
	json_puts(j, buf);
}

void json_newline(struct json *j)
{
	json_putc(j, '\n');
	json_flush_buf(j);
	j->depth = 0;
	j->need_comma[0] = false;
}

void json_end_line(struct json *j)
{
	json_newline(j);
	fflush(j->f);
}

const char *fmt_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}
