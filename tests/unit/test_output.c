// SPDX-License-Identifier: GPL-2.0
/* Unit tests of heapmonctl's output layer. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "unit.h"

static char *capture(void (*fn)(struct json *j))
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, f);
	fn(&j);
	fclose(f);
	return buf;
}

static void nested(struct json *j)
{
	json_object_begin(j, NULL);
	json_str(j, "a", "x");
	json_array_begin(j, "list");
	json_u64(j, NULL, 1);
	json_object_begin(j, NULL);
	json_hex(j, "addr", 0x7f0000001000ULL);
	json_object_end(j);
	json_array_end(j);
	json_bool(j, "ok", true);
	json_s64(j, "neg", -5);
	json_object_end(j);
	json_end_line(j);
}

static void escapes(struct json *j)
{
	json_object_begin(j, NULL);
	json_str(j, "s", "quote\" back\\ nl\n tab\t ctl\x01");
	json_object_end(j);
	json_end_line(j);
}

static void empty(struct json *j)
{
	json_object_begin(j, NULL);
	json_array_begin(j, "targets");
	json_array_end(j);
	json_object_end(j);
	json_end_line(j);
	json_object_begin(j, NULL);
	json_u64(j, "second", 2);
	json_object_end(j);
	json_end_line(j);
}

static void extremes(struct json *j)
{
	json_object_begin(j, NULL);
	json_u64(j, "zero", 0);
	json_u64(j, "max", UINT64_MAX);
	json_s64(j, "min", INT64_MIN);
	json_s64(j, "smax", INT64_MAX);
	json_hex(j, "h0", 0);
	json_hex(j, "hmax", UINT64_MAX);
	json_double(j, "d", -2.5);
	json_object_end(j);
	json_end_line(j);
}

/*
 * The writer builds a line in a 4 KiB buffer: a line three times as long,
 * with numbers of every width and long strings across the buffer's end, must
 * come out as printf writes it.
 */
static int long_line(void)
{
	char *got = NULL, *want = NULL, str[1500];
	size_t got_len = 0, want_len = 0;
	FILE *f = open_memstream(&got, &got_len), *w = open_memstream(&want, &want_len);
	struct json j;
	uint64_t v = 1;
	int i, ok;

	memset(str, 'x', sizeof(str) - 1);
	str[sizeof(str) - 1] = 0;
	json_init(&j, f);
	json_array_begin(&j, NULL);
	fputc('[', w);
	for (i = 0; i < 1000; i++, v = v * 7 + 3) {
		json_u64(&j, NULL, v);
		fprintf(w, "%s%" PRIu64, i ? "," : "", v);
		if (i % 300 == 299) {
			json_str(&j, NULL, str);
			fprintf(w, ",\"%s\"", str);
		}
	}
	json_array_end(&j);
	json_end_line(&j);
	fputs("]\n", w);
	fclose(f);
	fclose(w);
	ok = got_len == want_len && got_len > 3 * 4096 && !strcmp(got, want);
	free(got);
	free(want);
	return ok;
}

/*
 * json_fmt_u64() and json_fmt_hex() against printf, at every digit count's
 * ends and the 32-bit and 8-digit seams: 1 if all agree.
 */
static int fmt_digits_as_printf(void)
{
	char got[JSON_U64_CHARS + 1], want[32];
	uint64_t v, p, vals[8];
	int i, k, ok = 1;

	for (i = 0, p = 1; i < 64; i++, p <<= 1) {
		vals[0] = p;
		vals[1] = p - 1;
		vals[2] = p + 1;
		vals[3] = i < 20 ? (uint64_t)1e19 / (p % 19 + 1) : p * 3;
		for (k = 0; k < 4; k++) {
			v = vals[k];
			*json_fmt_u64(got, v) = '\0';
			snprintf(want, sizeof(want), "%" PRIu64, v);
			ok &= !strcmp(got, want);
			*json_fmt_hex(got, v) = '\0';
			snprintf(want, sizeof(want), "%" PRIx64, v);
			ok &= !strcmp(got, want);
		}
	}
	for (i = 0, p = 1; i < 20; i++, p *= 10) {
		vals[0] = p;
		vals[1] = p - 1;
		vals[2] = p + 1;
		vals[3] = p * 9 + (p - 1);
		vals[4] = UINT64_MAX - p;
		vals[5] = UINT32_MAX + p;
		vals[6] = p * 100000000 + 1;
		vals[7] = p * 99999999;
		for (k = 0; k < 8; k++) {
			v = vals[k];
			*json_fmt_u64(got, v) = '\0';
			snprintf(want, sizeof(want), "%" PRIu64, v);
			ok &= !strcmp(got, want);
		}
	}
	return ok;
}

int main(void)
{
	char buf[32];

	UNIT_EQ_STR("json nesting and commas", capture(nested),
		    "{\"a\":\"x\",\"list\":[1,{\"addr\":\"0x7f0000001000\",\"addr_int\":139637976731648}],\"ok\":true,\"neg\":-5}\n");
	UNIT_EQ_STR("json string escapes", capture(escapes),
		    "{\"s\":\"quote\\\" back\\\\ nl\\n tab\\t ctl\\u0001\"}\n");
	UNIT_EQ_STR("json empty array, then a second line", capture(empty),
		    "{\"targets\":[]}\n{\"second\":2}\n");
	UNIT_EQ_STR("json numbers at their extremes", capture(extremes),
		    "{\"zero\":0,\"max\":18446744073709551615,\"min\":-9223372036854775808,"
		    "\"smax\":9223372036854775807,\"h0\":\"0x0\",\"h0_int\":0,"
		    "\"hmax\":\"0xffffffffffffffff\",\"hmax_int\":18446744073709551615,\"d\":-2.5000}\n");
	UNIT_EQ_INT("json line three times the writer's buffer, as printf writes it", long_line(), 1);
	UNIT_EQ_INT("decimal and hex digits by hand, as printf writes them", fmt_digits_as_printf(), 1);
	UNIT_EQ_STR("bytes below 1 KiB", fmt_bytes(1000, buf, sizeof(buf)), "1000 B");
	UNIT_EQ_STR("bytes in KiB", fmt_bytes(4096, buf, sizeof(buf)), "4.0 KiB");
	UNIT_EQ_STR("bytes in MiB", fmt_bytes(3 << 20 | 1 << 19, buf, sizeof(buf)), "3.5 MiB");
	UNIT_EQ_STR("bytes in GiB", fmt_bytes(64ULL << 30, buf, sizeof(buf)), "64.0 GiB");
	return unit_failed ? 1 : 0;
}
