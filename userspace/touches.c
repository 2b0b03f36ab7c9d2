// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl touches: which code touched memory that had been idle. Trap
 * mode (watch --trap) reports each armed page's first touch as a trap event
 * with the touching instruction; this ranks the instructions by how many
 * idle pages they touched, symbolized as `sites` symbolizes call stacks.
 * It reads the events the module still holds (its ring keeps the newest
 * HEAPMON_EVENT_RING of the target's events, and one more per page the
 * watch may arm) and says when older ones were overwritten.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"
#include "symbolize.h"

#define DEFAULT_TOP 20

struct touches_args {
	uint32_t pid;
	uint32_t top;		/* 0: all */
	bool json;
};

/* The trap events of one instruction. */
struct toucher {
	uint64_t ip;
	uint64_t pages;		/* trap events: each is one armed page's first touch */
	uint64_t writes;
	uint64_t kernel;	/* by the kernel, in a system call made here */
	uint32_t idle_min;
	uint32_t idle_max;
	uint64_t first_ns;
	uint64_t last_ns;
	struct hm_frame f;
};

static int parse_args(int argc, char **argv, struct touches_args *a)
{
	struct hm_getopt g;
	int c;

	a->top = DEFAULT_TOP;
	hm_getopt_init(&g, "touches", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 't':
			a->top = g.val;
			break;
		case 'j':
			a->json = true;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("touches");
	return parse_pid(argv[optind], &a->pid);
}

static int by_ip(const void *a, const void *b)
{
	const struct toucher *x = a, *y = b;

	return x->ip < y->ip ? -1 : x->ip > y->ip;
}

/* Most pages first; then the lower address, so that the order is stable. */
static int by_pages(const void *a, const void *b)
{
	const struct toucher *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return by_ip(a, b);
}

/* One toucher per instruction, from the trap events; sorted by pages. */
static int gather(const struct hm_array *events, struct hm_array *out)
{
	struct toucher *t, *last = NULL;
	const struct hm_event *e;
	struct hm_array all;
	size_t i;

	hm_array_init(&all, sizeof(struct toucher));
	for (i = 0; i < events->n; i++) {
		e = hm_array_at(events, i);
		if (e->kind != HEAPMON_EVENT_TRAP)
			continue;
		t = hm_array_push(&all);
		if (!t) {
			hm_array_free(&all);
			return -1;
		}
		*t = (struct toucher){
			.ip = e->ip, .pages = 1,
			.writes = !!(e->trap_flags & HEAPMON_TRAP_F_WRITE),
			.kernel = !!(e->trap_flags & HEAPMON_TRAP_F_KERNEL),
			.idle_min = e->idle, .idle_max = e->idle,
			.first_ns = e->time_ns, .last_ns = e->time_ns,
		};
	}
	if (all.n)
		qsort(hm_array_at(&all, 0), all.n, sizeof(struct toucher), by_ip);
	for (i = 0; i < all.n; i++) {
		t = hm_array_at(&all, i);
		if (last && last->ip == t->ip) {
			last->pages++;
			last->writes += t->writes;
			last->kernel += t->kernel;
			if (t->idle_min < last->idle_min)
				last->idle_min = t->idle_min;
			if (t->idle_max > last->idle_max)
				last->idle_max = t->idle_max;
			if (t->first_ns < last->first_ns)
				last->first_ns = t->first_ns;
			if (t->last_ns > last->last_ns)
				last->last_ns = t->last_ns;
			continue;
		}
		last = hm_array_push(out);
		if (!last) {
			hm_array_free(&all);
			return -1;
		}
		*last = *t;
	}
	hm_array_free(&all);
	if (out->n)
		qsort(hm_array_at(out, 0), out->n, sizeof(struct toucher), by_pages);
	return 0;
}

static void print_json(const struct hm_array *list, size_t n)
{
	const struct toucher *t;
	struct json j;
	size_t i;

	json_init(&j, stdout);
	for (i = 0; i < n; i++) {
		t = hm_array_at(list, i);
		json_object_begin(&j, NULL);
		json_hex(&j, "ip", t->ip);
		json_u64(&j, "pages", t->pages);
		json_u64(&j, "reads", t->pages - t->writes);
		json_u64(&j, "writes", t->writes);
		json_u64(&j, "in_syscall", t->kernel);
		json_u64(&j, "idle_min", t->idle_min);
		json_u64(&j, "idle_max", t->idle_max);
		json_u64(&j, "first_ns", t->first_ns);
		json_u64(&j, "last_ns", t->last_ns);
		if (t->f.module)
			json_str(&j, "module", t->f.module);
		if (t->f.function) {
			json_str(&j, "function", t->f.function);
			json_u64(&j, "offset", t->f.offset);
		}
		if (t->f.file) {
			json_str(&j, "file", t->f.file);
			json_u64(&j, "line", t->f.line);
		}
		json_object_end(&j);
		json_newline(&j);
	}
	fflush(stdout);
}

static void print_table(const struct hm_array *list, size_t n)
{
	const struct toucher *t;
	size_t i;

	printf("%6s  %6s  %6s  %9s  %-18s  %s\n", "PAGES", "READS", "WRITES", "IDLE", "IP",
	       "WHERE");
	for (i = 0; i < n; i++) {
		t = hm_array_at(list, i);
		printf("%6llu  %6llu  %6llu  %4u-%-4u  0x%-16llx  ", (unsigned long long)t->pages,
		       (unsigned long long)(t->pages - t->writes), (unsigned long long)t->writes,
		       t->idle_min, t->idle_max, (unsigned long long)t->ip);
		if (t->f.function)
			printf("%s+0x%llx", t->f.function, (unsigned long long)t->f.offset);
		else
			printf("?");
		if (t->f.file)
			printf(" %s:%d", t->f.file, t->f.line);
		if (t->f.module)
			printf(" (%s)", t->f.module);
		if (t->kernel)
			printf(" [%llu in a system call]", (unsigned long long)t->kernel);
		printf("\n");
	}
}

int cmd_touches(int argc, char **argv)
{
	struct hm_target_stats ts;
	struct touches_args a = {};
	struct hm_array events, list;
	struct hm_symbolizer *sym;
	char err[256];
	size_t i, n;
	struct hm_nl nl;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	hm_array_init(&events, sizeof(struct hm_event));
	hm_array_init(&list, sizeof(struct toucher));
	ret = hm_req_stats(&nl, a.pid, &ts);
	if (!ret)
		ret = hm_req_events(&nl, a.pid, 0, &events);
	if (ret) {
		ret = hm_req_perror(&nl, "touches", a.pid, ret);
		goto out;
	}
	if (gather(&events, &list)) {
		fprintf(stderr, "heapmonctl: touches %u: out of memory\n", a.pid);
		ret = EXIT_FAIL;
		goto out;
	}
	if (!ts.stats.trap && !list.n)
		fprintf(stderr, "heapmonctl: touches %u: the target is not watched in trap mode "
			"(watch --trap N): no touches are reported\n", a.pid);
	if (ts.stats.events_lost)
		fprintf(stderr, "heapmonctl: touches %u: %llu older events were overwritten before "
			"they were read: these are the touches of the newest ones\n", a.pid,
			(unsigned long long)ts.stats.events_lost);
	n = a.top && a.top < list.n ? a.top : list.n;
	sym = hm_symbolizer_open(a.pid, err, sizeof(err));
	if (!sym && n)
		fprintf(stderr, "heapmonctl: touches %u: addresses left unsymbolized: %s\n",
			a.pid, err);
	for (i = 0; sym && i < n; i++) {
		struct toucher *t = hm_array_at(&list, i);

		hm_symbolize_ip(sym, t->ip, &t->f);
	}
	if (a.json)
		print_json(&list, n);
	else
		print_table(&list, n);
	hm_symbolizer_close(sym);
out:
	hm_array_free(&list);
	hm_array_free(&events);
	hm_nl_close(&nl);
	return ret;
}
