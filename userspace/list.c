// SPDX-License-Identifier: GPL-2.0
/* heapmonctl list: the watched targets. */
#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "decode.h"
#include "nl.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"

static void print_json(const struct hm_status *st)
{
	struct json j;

	json_init(&j, stdout);
	hm_json_targets(&j, NULL, st);
	json_end_line(&j);
}

int cmd_list(int argc, char **argv)
{
	static struct hm_status st;
	bool json;
	int ret;

	ret = parse_json_only(argc, argv, "list", &json);
	if (!ret)
		ret = hm_fetch_status("list", &st);
	if (ret)
		return ret;
	/* STATUS leaves the targets out for unprivileged callers. */
	if (!st.listed && st.target_count) {
		fprintf(stderr,
			"heapmonctl: list: %u targets are watched; run as root to list them\n",
			st.target_count);
		return EXIT_FAIL;
	}
	if (json)
		print_json(&st);
	else
		hm_print_targets(&st);
	return EXIT_OK;
}
