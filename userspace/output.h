/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output layer: a small streaming JSON writer (one compact object per
 * line, so output is NDJSON-friendly) and helpers for human tables.
 */
#ifndef HEAPMONCTL_OUTPUT_H
#define HEAPMONCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

/*
 * A line is built in buf and written to f in one call when it ends (or when
 * buf fills): a pages dump prints millions of lines, and a stdio call per
 * token cost more than the rest of a record. Every value must end with
 * json_newline() or json_end_line().
 */
struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
	size_t len;
	char buf[4096];
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_s64(struct json *j, const char *key, int64_t val);
void json_bool(struct json *j, const char *key, bool val);
/* "0x..." for people, and with a key, the same as an integer after it: KEY_int. */
void json_hex(struct json *j, const char *key, uint64_t val);
void json_double(struct json *j, const char *key, double val);
/* Ends the top-level value with a newline and flushes it. */
void json_end_line(struct json *j);
/* The same without flushing, for outputs of millions of lines. */
void json_newline(struct json *j);

/*
 * Digits written into a buffer of the caller's, as json_u64() and json_hex()
 * write them (hex: lowercase, without "0x"), for lines of millions built by
 * hand; each returns the end of what it wrote, at most JSON_U64_CHARS or
 * JSON_HEX_CHARS bytes.
 */
#define JSON_U64_CHARS 20
#define JSON_HEX_CHARS 16
char *json_fmt_u64(char *out, uint64_t val);
char *json_fmt_hex(char *out, uint64_t val);
/* The n lowest digits of val, with leading zeroes: n at most 10, or 16 in hex. */
char *json_fmt_u32_width(char *out, uint32_t val, unsigned int n);
char *json_fmt_hex_width(char *out, uint64_t val, unsigned int n);

/* "12.5 MiB"; buf must hold at least 16 bytes. */
const char *fmt_bytes(uint64_t bytes, char *buf, size_t len);

#endif
