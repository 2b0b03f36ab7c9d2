// SPDX-License-Identifier: GPL-2.0
/* heapmonctl stats: a target's statistics as of its last pass. */
#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "decode.h"
#include "nl.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"

static void print_json(const struct hm_target_stats *ts)
{
	struct json j;

	json_init(&j, stdout);
	hm_json_target_stats(&j, NULL, ts);
	json_end_line(&j);
}

static const char *flags_note(uint32_t flags)
{
	if (flags & HEAPMON_WATCH_F_FLUSH_TLB)
		return ", TLB flushed after each pass";
	if (flags & HEAPMON_WATCH_F_NO_FLUSH_TLB)
		return ", TLB never flushed";
	return "";
}

static void print_table(const struct hm_target_stats *ts)
{
	const struct hm_stats *s = &ts->stats;
	const struct {
		const char *label;
		uint64_t bytes;
	} lines[] = {
		{ "tracked", s->tracked_bytes },
		{ "resident", s->resident_bytes },
		{ "swapped", s->swapped_bytes },
		{ "huge", s->huge_bytes },
		{ "touched", s->touched_bytes },
		{ "idle>=1", s->idle1_bytes },
		{ "idle>=10", s->idle10_bytes },
		{ "idle>=60", s->idle60_bytes },
		{ "idle>=600", s->idle600_bytes },
		{ "never touched", s->never_bytes },
	};
	char buf[16];
	size_t i;

	printf("pid %u: %s, every %u ms%s\n", ts->pid, hm_state_name(ts->state), ts->interval_ms,
	       flags_note(s->flags));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		printf("%-14s %10s (%llu)\n", lines[i].label,
		       fmt_bytes(lines[i].bytes, buf, sizeof(buf)),
		       (unsigned long long)lines[i].bytes);
	printf("faults %llu (first touch %llu)\n", (unsigned long long)s->faults,
	       (unsigned long long)s->first_faults);
	printf("passes %llu, last pass %llu us over %llu pages, %llu periods skipped\n",
	       (unsigned long long)s->passes, (unsigned long long)(s->pass_ns / 1000),
	       (unsigned long long)s->pass_pages, (unsigned long long)s->skipped_passes);
	if (s->revisit)
		printf("adaptive: page tables idle for %u periods visited every %u; "
		       "%llu pages left dormant by the last pass\n", s->revisit, s->revisit,
		       (unsigned long long)s->dormant_pages);
	if (s->trap)
		printf("traps: %u pages armed (at most %u), %llu touched, %llu gone untouched\n",
		       s->traps_armed, s->trap, (unsigned long long)s->trap_hits,
		       (unsigned long long)s->trap_lost);
	printf("mmap lock let go to waiting writers %llu times\n",
	       (unsigned long long)s->lock_yields);
	printf("untracked pages %llu\n", (unsigned long long)s->untracked_pages);
	printf("events lost %llu\n", (unsigned long long)s->events_lost);
	if (s->secondary_mmu > 0)
		printf("secondary MMU: yes: %s\n", hm_secondary_mmu_warning);
}

int cmd_stats(int argc, char **argv)
{
	struct hm_target_stats ts;
	struct hm_nl nl;
	uint32_t pid;
	bool json;
	int ret;

	ret = parse_pid_json(argc, argv, "stats", &pid, &json);
	if (ret)
		return ret;

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	ret = hm_req_stats(&nl, pid, &ts);
	if (ret)
		ret = hm_req_perror(&nl, "stats", pid, ret);
	else if (json)
		print_json(&ts);
	else
		print_table(&ts);
	hm_nl_close(&nl);
	return ret;
}
