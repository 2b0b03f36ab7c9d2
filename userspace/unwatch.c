// SPDX-License-Identifier: GPL-2.0
/* heapmonctl unwatch: stop watching a target and free its statistics. */
#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "nl.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"

static void print_json(uint32_t pid)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_u64(&j, "pid", pid);
	json_bool(&j, "watching", false);
	json_object_end(&j);
	json_end_line(&j);
}

int cmd_unwatch(int argc, char **argv)
{
	struct hm_nl nl;
	uint32_t pid;
	bool json;
	int ret;

	ret = parse_pid_json(argc, argv, "unwatch", &pid, &json);
	if (ret)
		return ret;

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	ret = hm_req_unwatch(&nl, pid);
	if (ret)
		ret = hm_req_perror(&nl, "unwatch", pid, ret);
	else if (json)
		print_json(pid);
	hm_nl_close(&nl);
	return ret;
}
