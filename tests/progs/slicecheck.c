// SPDX-License-Identifier: GPL-2.0
/*
 * slicecheck: HEAPMON_CMD_SLICES against heapmonctl's own sums, from the
 * same pass.
 *
 *   slicecheck PID START END N...
 *
 * For each N: asks the module for [START, END) in N slices, dumps every page
 * (HEAPMON_CMD_PAGES) and sums them up with hm_heat_slices(), tried again
 * until the dump's messages and the summary are all of one pass (at most 50
 * times). Prints "n N pass P same" when every slice agrees field by field,
 * or "n N pass P differ SLICE: kernel ... user ..." at the first that does
 * not, or "n N error ERRNO" / "n N passes kept changing". Then, per N, the
 * kernel's slices as four lines: "resident R0 R1 ...", "never ...",
 * "swapped ...", "hottest" followed by the strip's characters between
 * quotes, and "huge H": the huge pages of the dump that overlap the range.
 * START and END take 0x for hexadecimal. Built with heapmonctl's decode,
 * request and heat code (tests/progs/Makefile).
 *
 *   slicecheck -b REPS PID START END N
 *
 * times one frame's heat of the range both ways, REPS times each, in turn:
 * a SLICES request, and a PAGES dump of every page plus hm_heat_slices()
 * (what heapmonctl did before, and does with an older module). Prints
 * "slices_us MEDIAN pages_us MEDIAN records R ratio PAGES/SLICES" (bench/slices).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "decode.h"
#include "heat.h"
#include "nl.h"
#include "request.h"

static bool same(const struct hm_heat_slice *a, const struct hm_heat_slice *b)
{
	return a->resident == b->resident && a->never == b->never &&
	       a->idle_sum == b->idle_sum && a->swapped == b->swapped && a->hottest == b->hottest;
}

static void print_slice(const char *who, const struct hm_heat_slice *s)
{
	printf(" %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %c", who, s->resident, s->never,
	       s->idle_sum, s->swapped, hm_heat_level_char(s->hottest));
}

static void print_kernel(const struct hm_heat_slice *k, unsigned int n, size_t huge)
{
	unsigned int i;

	printf("resident");
	for (i = 0; i < n; i++)
		printf(" %" PRIu64, k[i].resident);
	printf("\nnever");
	for (i = 0; i < n; i++)
		printf(" %" PRIu64, k[i].never);
	printf("\nswapped");
	for (i = 0; i < n; i++)
		printf(" %" PRIu64, k[i].swapped);
	printf("\nhottest '");
	for (i = 0; i < n; i++)
		putchar(hm_heat_level_char(k[i].hottest));
	printf("'\nhuge %zu\n", huge);
}

static int check(struct hm_nl *nl, uint32_t pid, uint64_t start, uint64_t end, unsigned int n,
		 struct hm_array *pages)
{
	static struct hm_heat_slice k[HEAPMON_SLICES_MAX], u[HEAPMON_SLICES_MAX];
	static const struct hm_page_filter all_pages;
	struct hm_pages_info info;
	const struct hm_page *p;
	uint64_t passes;
	unsigned int i;
	size_t huge = 0, j;
	int tries, ret;

	for (tries = 0; tries < 50; tries++) {
		ret = hm_req_slices(nl, pid, start, end, n, k, &passes);
		if (ret) {
			printf("n %u error %d %s\n", n, -ret, nl->message);
			return 1;
		}
		ret = hm_req_pages_info(nl, pid, &all_pages, pages, &info);
		if (ret == -EINTR)
			continue;
		if (ret) {
			printf("n %u pages error %d\n", n, -ret);
			return 1;
		}
		if (info.first_pass == info.last_pass && (info.first_pass == passes || !pages->n))
			break;
	}
	if (tries == 50) {
		printf("n %u passes kept changing\n", n);
		return 1;
	}
	hm_heat_slices(start, end, pages->items, pages->n, u, n);
	for (j = 0; j < pages->n; j++) {
		p = hm_array_at(pages, j);
		huge += p->size == HM_HUGE_PAGE_SIZE && p->addr < end && p->addr + p->size > start;
	}
	for (i = 0; i < n && same(&k[i], &u[i]); i++)
		;
	if (i == n) {
		printf("n %u pass %" PRIu64 " same\n", n, passes);
	} else {
		printf("n %u pass %" PRIu64 " differ %u:", n, passes, i);
		print_slice("kernel", &k[i]);
		print_slice("user", &u[i]);
		putchar('\n');
	}
	print_kernel(k, n, huge);
	return i != n;
}

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int bench(struct hm_nl *nl, uint32_t pid, uint64_t start, uint64_t end, unsigned int n,
		 int reps, struct hm_array *pages)
{
	static struct hm_heat_slice k[HEAPMON_SLICES_MAX];
	static const struct hm_page_filter all_pages;
	uint64_t *ts, *tp, t, passes;
	int i, ret = 0;

	ts = calloc(reps, sizeof(*ts));
	tp = calloc(reps, sizeof(*tp));
	if (!ts || !tp)
		return 1;
	for (i = 0; i < reps && !ret; i++) {
		t = now_us();
		ret = hm_req_slices(nl, pid, start, end, n, k, &passes);
		ts[i] = now_us() - t;
		t = now_us();
		if (!ret)
			ret = hm_req_pages(nl, pid, &all_pages, pages);
		if (!ret)
			hm_heat_slices(start, end, pages->items, pages->n, k, n);
		tp[i] = now_us() - t;
	}
	if (ret) {
		printf("error %d %s\n", -ret, nl->message);
		return 1;
	}
	qsort(ts, reps, sizeof(*ts), by_value);
	qsort(tp, reps, sizeof(*tp), by_value);
	printf("slices_us %" PRIu64 " pages_us %" PRIu64 " records %zu ratio %.1f\n", ts[reps / 2],
	       tp[reps / 2], pages->n, (double)tp[reps / 2] / (ts[reps / 2] ? ts[reps / 2] : 1));
	free(ts);
	free(tp);
	return 0;
}

int main(int argc, char **argv)
{
	struct hm_array pages;
	uint64_t start, end;
	struct hm_nl nl;
	uint32_t pid;
	int i, ret = 0, reps = 0;

	if (argc > 2 && !strcmp(argv[1], "-b")) {
		reps = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 5 || (reps && (reps < 1 || argc != 5))) {
		fprintf(stderr, "usage: slicecheck PID START END N...\n"
			"       slicecheck -b REPS PID START END N\n");
		return 2;
	}
	pid = strtoul(argv[1], NULL, 0);
	start = strtoull(argv[2], NULL, 0);
	end = strtoull(argv[3], NULL, 0);
	if (hm_nl_open(&nl))
		return 3;
	hm_array_init(&pages, sizeof(struct hm_page));
	if (reps)
		ret = bench(&nl, pid, start, end, strtoul(argv[4], NULL, 0), reps, &pages);
	for (i = 4; i < argc && !reps; i++)
		ret |= check(&nl, pid, start, end, strtoul(argv[i], NULL, 0), &pages);
	hm_array_free(&pages);
	hm_nl_close(&nl);
	return ret;
}
