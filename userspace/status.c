// SPDX-License-Identifier: GPL-2.0
/* heapmonctl status: the module's version, limits and watched targets. */
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
	json_object_begin(&j, NULL);
	json_str(&j, "version", st->version);
	json_u64(&j, "protocol", st->protocol);
	json_u64(&j, "max_targets", st->max_targets);
	json_u64(&j, "max_target_pages", st->max_target_pages);
	json_u64(&j, "max_total_pages", st->max_total_pages);
	json_u64(&j, "max_memory_mb", st->max_memory_mb);
	json_u64(&j, "memory_bytes", st->memory_bytes);
	json_u64(&j, "target_count", st->target_count);
	if (st->has_flush) {
		json_object_begin(&j, "flush");
		json_u64(&j, "max_per_sec", st->max_flushes_per_sec);
		json_u64(&j, "per_sec", st->flushes_per_sec);
		json_u64(&j, "rounds", st->flush_rounds);
		json_u64(&j, "cpus", st->flush_cpus);
		json_u64(&j, "deferred", st->flush_deferred);
		json_u64(&j, "stale_passes", st->flush_stale_passes);
		json_object_end(&j);
	}
	/* Unprivileged callers are not told which processes are watched. */
	if (st->listed)
		hm_json_targets(&j, "targets", st);
	json_object_end(&j);
	json_end_line(&j);
}

static void print_table(const struct hm_status *st)
{
	printf("heapmon %s, protocol %u\n", st->version, st->protocol);
	printf("limits: %u targets, %llu pages per target, %llu pages in all, %u MiB of records\n",
	       st->max_targets, (unsigned long long)st->max_target_pages,
	       (unsigned long long)st->max_total_pages, st->max_memory_mb);
	printf("memory: %llu bytes of per-page records\n", (unsigned long long)st->memory_bytes);
	if (st->has_flush)
		printf("tlb flushes: %u/s (at most %u/s), %llu rounds on %llu CPUs, %llu passes deferred, %llu stale\n",
		       st->flushes_per_sec, st->max_flushes_per_sec,
		       (unsigned long long)st->flush_rounds, (unsigned long long)st->flush_cpus,
		       (unsigned long long)st->flush_deferred,
		       (unsigned long long)st->flush_stale_passes);
	if (!st->target_count) {
		printf("targets: none\n");
		return;
	}
	if (!st->listed) {
		printf("targets: %u (run as root to list them)\n", st->target_count);
		return;
	}
	printf("targets: %u\n", st->target_count);
	hm_print_targets(st);
}

/* STATUS on a connection of its own, for status and list; returns an exit status. */
int hm_fetch_status(const char *cmd, struct hm_status *st)
{
	struct hm_nl nl;
	int ret;

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	ret = hm_req_status(&nl, st);
	if (ret)
		ret = hm_nl_perror(&nl, cmd, ret);
	hm_nl_close(&nl);
	return ret;
}

int cmd_status(int argc, char **argv)
{
	static struct hm_status st;
	bool json;
	int ret;

	ret = parse_json_only(argc, argv, "status", &json);
	if (!ret)
		ret = hm_fetch_status("status", &st);
	if (ret)
		return ret;
	if (json)
		print_json(&st);
	else
		print_table(&st);
	return EXIT_OK;
}
