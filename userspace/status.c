// SPDX-License-Identifier: GPL-2.0
/* heapmonctl status: the module's version, limits and watched targets. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nl.h"
#include "output.h"
#include "subcommands.h"

#define MAX_LISTED 1024

struct status_target {
	uint32_t pid;
	uint32_t state;
	uint32_t interval_ms;
};

struct status {
	char version[32];
	uint32_t protocol;
	uint32_t max_targets;
	uint64_t max_target_pages;
	uint64_t max_total_pages;
	uint32_t target_count;
	unsigned int n;
	struct status_target targets[MAX_LISTED];
};

static const char *const state_names[] = {
	[HEAPMON_TARGET_RUNNING] = "running",
	[HEAPMON_TARGET_EXITED] = "exited",
};

static const char *state_name(uint32_t state)
{
	return state <= HEAPMON_TARGET_STATE_MAX ? state_names[state] : "unknown";
}

static int parse_target(struct status *st, struct nlattr *nla)
{
	struct nlattr *tb[HEAPMON_TARGET_A_MAX + 1];
	struct status_target *t;

	if (hm_nl_parse_nested(tb, HEAPMON_TARGET_A_MAX, nla) < 0 || !tb[HEAPMON_TARGET_A_PID])
		return -EBADMSG;
	if (st->n == MAX_LISTED)
		return 0;
	t = &st->targets[st->n++];
	t->pid = nla_get_u32(tb[HEAPMON_TARGET_A_PID]);
	t->state = tb[HEAPMON_TARGET_A_STATE] ? nla_get_u32(tb[HEAPMON_TARGET_A_STATE]) : 0;
	t->interval_ms = tb[HEAPMON_TARGET_A_INTERVAL_MS] ?
			 nla_get_u32(tb[HEAPMON_TARGET_A_INTERVAL_MS]) : 0;
	return 0;
}

static int parse_status(struct nlattr **tb, void *arg)
{
	struct status *st = arg;
	struct nlattr *nla;
	int rem, ret;

	if (!tb[HEAPMON_A_VERSION] || !tb[HEAPMON_A_PROTOCOL])
		return -EBADMSG;
	snprintf(st->version, sizeof(st->version), "%s", nla_get_string(tb[HEAPMON_A_VERSION]));
	st->protocol = nla_get_u32(tb[HEAPMON_A_PROTOCOL]);
	if (tb[HEAPMON_A_MAX_TARGETS])
		st->max_targets = nla_get_u32(tb[HEAPMON_A_MAX_TARGETS]);
	if (tb[HEAPMON_A_MAX_TARGET_PAGES])
		st->max_target_pages = nla_get_u64(tb[HEAPMON_A_MAX_TARGET_PAGES]);
	if (tb[HEAPMON_A_MAX_TOTAL_PAGES])
		st->max_total_pages = nla_get_u64(tb[HEAPMON_A_MAX_TOTAL_PAGES]);
	if (tb[HEAPMON_A_TARGET_COUNT])
		st->target_count = nla_get_u32(tb[HEAPMON_A_TARGET_COUNT]);
	if (tb[HEAPMON_A_TARGETS]) {
		nla_for_each_nested(nla, tb[HEAPMON_A_TARGETS], rem) {
			ret = parse_target(st, nla);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void print_json(const struct status *st)
{
	struct json j;
	unsigned int i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_str(&j, "version", st->version);
	json_u64(&j, "protocol", st->protocol);
	json_u64(&j, "max_targets", st->max_targets);
	json_u64(&j, "max_target_pages", st->max_target_pages);
	json_u64(&j, "max_total_pages", st->max_total_pages);
	json_u64(&j, "target_count", st->target_count);
	json_array_begin(&j, "targets");
	for (i = 0; i < st->n; i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "pid", st->targets[i].pid);
		json_str(&j, "state", state_name(st->targets[i].state));
		json_u64(&j, "interval_ms", st->targets[i].interval_ms);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_end_line(&j);
}

static void print_table(const struct status *st)
{
	unsigned int i;

	printf("heapmon %s, protocol %u\n", st->version, st->protocol);
	printf("limits: %u targets, %llu pages per target, %llu pages in all\n",
	       st->max_targets, (unsigned long long)st->max_target_pages,
	       (unsigned long long)st->max_total_pages);
	if (!st->target_count) {
		printf("targets: none\n");
		return;
	}
	printf("targets: %u\n", st->target_count);
	printf("%8s  %-8s  %s\n", "PID", "STATE", "INTERVAL");
	for (i = 0; i < st->n; i++)
		printf("%8u  %-8s  %u ms\n", st->targets[i].pid, state_name(st->targets[i].state),
		       st->targets[i].interval_ms);
}

int cmd_status(int argc, char **argv)
{
	static struct status st;
	struct hm_nl nl;
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool json = false;
	int ret, c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else
			return subcommand_usage("status");
	}
	if (optind != argc)
		return subcommand_usage("status");

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	ret = hm_nl_call(&nl, hm_nl_msg(&nl, HEAPMON_CMD_STATUS, 0), parse_status, &st);
	if (ret) {
		ret = hm_nl_perror(&nl, "status", ret);
		goto out;
	}
	if (json)
		print_json(&st);
	else
		print_table(&st);
out:
	hm_nl_close(&nl);
	return ret;
}
