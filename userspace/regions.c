// SPDX-License-Identifier: GPL-2.0
/* heapmonctl regions: a target's tracked mappings, one line each. */
#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "nl.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"

static void print_json(const struct hm_array *regions)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	for (i = 0; i < regions->n; i++) {
		hm_json_region(&j, hm_array_at(regions, i));
		json_end_line(&j);
	}
}

static void print_region(const struct hm_region *reg)
{
	char size[16], res[16], swapped[16], touched[16], idle10[16], never[16];

	printf("0x%012llx  0x%012llx  %-4s  %10s  %10s  %10s  %10s  %10s  %10s  %8llu\n",
	       (unsigned long long)reg->start, (unsigned long long)reg->end,
	       hm_region_kind_name(reg->kind),
	       fmt_bytes(reg->end - reg->start, size, sizeof(size)),
	       fmt_bytes(reg->stats.resident_bytes, res, sizeof(res)),
	       fmt_bytes(reg->stats.swapped_bytes, swapped, sizeof(swapped)),
	       fmt_bytes(reg->stats.touched_bytes, touched, sizeof(touched)),
	       fmt_bytes(reg->stats.idle10_bytes, idle10, sizeof(idle10)),
	       fmt_bytes(reg->stats.never_bytes, never, sizeof(never)),
	       (unsigned long long)reg->stats.faults);
}

static void print_table(const struct hm_array *regions)
{
	size_t i;

	printf("%-14s  %-14s  %-4s  %10s  %10s  %10s  %10s  %10s  %10s  %8s\n", "START", "END",
	       "KIND", "SIZE", "RESIDENT", "SWAPPED", "TOUCHED", "IDLE>=10", "NEVER", "FAULTS");
	for (i = 0; i < regions->n; i++)
		print_region(hm_array_at(regions, i));
}

int cmd_regions(int argc, char **argv)
{
	struct hm_array regions;
	struct hm_nl nl;
	uint32_t pid;
	bool json;
	int ret;

	ret = parse_pid_json(argc, argv, "regions", &pid, &json);
	if (ret)
		return ret;

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	hm_array_init(&regions, sizeof(struct hm_region));
	ret = hm_req_regions(&nl, pid, &regions);
	if (ret)
		ret = hm_req_perror(&nl, "regions", pid, ret);
	else if (json)
		print_json(&regions);
	else
		print_table(&regions);
	hm_array_free(&regions);
	hm_nl_close(&nl);
	return ret;
}
