// SPDX-License-Identifier: GPL-2.0
/* heapmonctl pages: a target's pages (resident or swapped out) with their counts. */
#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"

struct pages_args {
	uint32_t pid;
	bool json;
	struct hm_page_filter filter;
};

/*
 * One line per page, built by hand (hm_json_page()) and written a block at a
 * time: the json_* calls per key cost ten times the rest of the dump.
 */
static void print_json(const struct hm_array *pages)
{
	static char buf[1 << 16];
	struct hm_json_page_cache c;
	char *p = buf;
	size_t i;

	hm_json_page_init(&c);
	for (i = 0; i < pages->n; i++) {
		if (p > buf + sizeof(buf) - HM_JSON_PAGE_MAX) {
			fwrite(buf, 1, (size_t)(p - buf), stdout);
			p = buf;
		}
		p = hm_json_page(p, hm_array_at(pages, i), &c);
	}
	fwrite(buf, 1, (size_t)(p - buf), stdout);
	fflush(stdout);
}

static void print_table(const struct hm_array *pages)
{
	const struct hm_page *p;
	char size[16];
	size_t i;

	printf("%-14s  %8s  %7s  %6s  %6s\n", "ADDR", "SIZE", "TOUCHED", "IDLE", "AGE");
	for (i = 0; i < pages->n; i++) {
		p = hm_array_at(pages, i);
		printf("0x%012llx  %8s  %7u  %6u  %6u%s\n", (unsigned long long)p->addr,
		       fmt_bytes(p->size, size, sizeof(size)), HEAPMON_REC_TOUCHED(p->rec),
		       HEAPMON_REC_IDLE_PERIODS(p->rec), HEAPMON_REC_AGE_PERIODS(p->rec),
		       p->swapped ? "  swapped" : "");
	}
}

static int parse_args(int argc, char **argv, struct pages_args *a)
{
	struct hm_page_filter *f = &a->filter;
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, "pages", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 'm':
			f->has_idle_min = true;
			f->idle_min = g.val;
			break;
		case 's':
			f->has_start = true;
			f->start = g.val;
			break;
		case 'e':
			f->has_end = true;
			f->end = g.val;
			break;
		case 'j':
			a->json = true;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("pages");
	return parse_pid(argv[optind], &a->pid);
}

int cmd_pages(int argc, char **argv)
{
	struct pages_args a = {};
	struct hm_array pages;
	struct hm_nl nl;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	/* Printed only once whole: an interrupted dump is tried again from the start. */
	hm_array_init(&pages, sizeof(struct hm_page));
	ret = hm_req_pages(&nl, a.pid, &a.filter, &pages);
	if (ret)
		ret = hm_req_perror(&nl, "pages", a.pid, ret);
	else if (a.json)
		print_json(&pages);
	else
		print_table(&pages);
	hm_array_free(&pages);
	hm_nl_close(&nl);
	return ret;
}
