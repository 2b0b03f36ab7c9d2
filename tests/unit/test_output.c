// SPDX-License-Identifier: GPL-2.0
/* Unit tests of heapmonctl's output layer. */
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

int main(void)
{
	char buf[32];

	UNIT_EQ_STR("json nesting and commas", capture(nested),
		    "{\"a\":\"x\",\"list\":[1,{\"addr\":\"0x7f0000001000\",\"addr_int\":139637976731648}],\"ok\":true,\"neg\":-5}\n");
	UNIT_EQ_STR("json string escapes", capture(escapes),
		    "{\"s\":\"quote\\\" back\\\\ nl\\n tab\\t ctl\\u0001\"}\n");
	UNIT_EQ_STR("json empty array, then a second line", capture(empty),
		    "{\"targets\":[]}\n{\"second\":2}\n");
	UNIT_EQ_STR("bytes below 1 KiB", fmt_bytes(1000, buf, sizeof(buf)), "1000 B");
	UNIT_EQ_STR("bytes in KiB", fmt_bytes(4096, buf, sizeof(buf)), "4.0 KiB");
	UNIT_EQ_STR("bytes in MiB", fmt_bytes(3 << 20 | 1 << 19, buf, sizeof(buf)), "3.5 MiB");
	UNIT_EQ_STR("bytes in GiB", fmt_bytes(64ULL << 30, buf, sizeof(buf)), "64.0 GiB");
	return unit_failed ? 1 : 0;
}
