// SPDX-License-Identifier: GPL-2.0
/* heapmonctl events: a target's heap events, and with --follow new ones as they happen. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include <netlink/socket.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"
#include "wait.h"

struct events {
	struct hm_nl nl;
	uint32_t pid;
	bool json;
	bool follow;
	uint64_t last_seq;	/* the newest event printed */
	bool exited;		/* an EXIT event was printed */
	struct hm_array batch;	/* struct hm_event */
};

static void print_event(struct events *ev, const struct hm_event *e)
{
	char len[16];
	struct json j;

	if (ev->json) {
		json_init(&j, stdout);
		hm_json_event(&j, e);
		json_end_line(&j);
		return;
	}
	printf("%8llu  %6llu.%06llu  %-10s  0x%012llx  %10s", (unsigned long long)e->seq,
	       (unsigned long long)(e->time_ns / 1000000000),
	       (unsigned long long)(e->time_ns % 1000000000 / 1000), hm_event_kind_name(e->kind),
	       (unsigned long long)e->addr, fmt_bytes(e->len, len, sizeof(len)));
	if (e->kind == HEAPMON_EVENT_MREMAP)
		printf("  from 0x%012llx", (unsigned long long)e->old_addr);
	if (e->kind == HEAPMON_EVENT_TRAP) {
		if (e->trap_flags & HEAPMON_TRAP_F_REMOTE)
			printf("  %s by another process or a kernel thread, after %u idle periods",
			       e->trap_flags & HEAPMON_TRAP_F_WRITE ? "write" : "read", e->idle);
		else
			printf("  %s by ip 0x%llx%s, thread %u, after %u idle periods",
			       e->trap_flags & HEAPMON_TRAP_F_WRITE ? "write" : "read",
			       (unsigned long long)e->ip,
			       e->trap_flags & HEAPMON_TRAP_F_KERNEL ? " (in a system call)" : "",
			       e->tid, e->idle);
	}
	printf("\n");
}

/* Prints the events of the batch not printed yet, oldest first. */
static void print_batch(struct events *ev)
{
	const struct hm_event *e;
	size_t i;

	for (i = 0; i < ev->batch.n; i++) {
		e = hm_array_at(&ev->batch, i);
		if (e->seq <= ev->last_seq)
			continue;
		print_event(ev, e);
		ev->last_seq = e->seq;
		if (e->kind == HEAPMON_EVENT_EXIT)
			ev->exited = true;
	}
	fflush(stdout);
}

/* Replaces the batch with the events the kernel holds after the last one printed. */
static int dump_events(struct events *ev)
{
	int ret = hm_req_events(&ev->nl, ev->pid, ev->last_seq + 1, &ev->batch);

	return ret ? hm_req_perror(&ev->nl, "events", ev->pid, ret) : 0;
}

static int collect_cb(const struct hm_reply *r, void *arg)
{
	struct events *ev = arg;

	return hm_collect_events(r, ev->pid, &ev->batch);
}

/* Sequence numbers have no gaps: a jump means multicast messages were lost. */
static bool batch_has_gap(const struct events *ev)
{
	const struct hm_event *e;
	size_t i;

	for (i = 0; i < ev->batch.n; i++) {
		e = hm_array_at(&ev->batch, i);
		if (e->seq > ev->last_seq)
			return e->seq > ev->last_seq + 1;
	}
	return false;
}

static int follow(struct events *ev, struct nl_sock *sk)
{
	int ret;

	while (!ev->exited && hm_wait(nl_socket_get_fd(sk), NULL) > 0) {
		hm_array_clear(&ev->batch);
		ret = hm_nl_recv_events(sk, collect_cb, ev);
		if (ret && ret != -ENOBUFS)
			return hm_req_perror(&ev->nl, "events", ev->pid, ret);
		/* Lost messages: the kernel's ring has them, and every later event. */
		if (ret == -ENOBUFS || batch_has_gap(ev)) {
			ret = dump_events(ev);
			if (ret)
				return ret;
		}
		print_batch(ev);
		/* A reader gone (EPIPE) or a full disk ends the following; main() says why. */
		if (fflush(stdout) || ferror(stdout))
			return EXIT_FAIL;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct events *ev)
{
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, "events", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		if (c == 'f')
			ev->follow = true;
		else if (c == 'j')
			ev->json = true;
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("events");
	return parse_pid(argv[optind], &ev->pid);
}

/* Subscribes before the dump, so that no event falls between the two. */
static int run(struct events *ev)
{
	struct nl_sock *sk = NULL;
	int ret;

	if (ev->follow) {
		hm_wait_init();
		ret = hm_nl_open_events(&ev->nl, &sk);
		if (ret)
			return hm_req_perror(&ev->nl, "events", ev->pid, ret);
	}
	ret = dump_events(ev);
	if (!ret) {
		if (!ev->json)
			printf("%8s  %13s  %-10s  %-14s  %10s\n", "SEQ", "TIME", "KIND", "ADDR",
			       "LEN");
		print_batch(ev);
	}
	if (!ret && sk)
		ret = follow(ev, sk);
	if (sk)
		nl_socket_free(sk);
	return ret;
}

int cmd_events(int argc, char **argv)
{
	static struct events ev;
	int ret;

	ret = parse_args(argc, argv, &ev);
	if (ret)
		return ret;

	ret = hm_nl_open(&ev.nl);
	if (ret)
		return ret;
	hm_array_init(&ev.batch, sizeof(struct hm_event));
	ret = run(&ev);
	hm_array_free(&ev.batch);
	hm_nl_close(&ev.nl);
	return ret;
}
