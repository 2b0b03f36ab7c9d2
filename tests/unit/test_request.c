// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of heapmonctl's requests: what they send and how they take the
 * replies, with the netlink layer replaced by a script of replies.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/msg.h>

#include "request.h"
#include "unit.h"

#define BASE 0x7f0000000000ULL
#define MAX_REPLIES 4

/* One hm_nl_call(): the replies it delivers, then what it returns. */
struct exchange {
	struct nl_msg *replies[MAX_REPLIES];
	int n;
	int ret;
};

static struct exchange script[16];
static int n_script, calls;
static struct nlattr *req_tb[HEAPMON_A_MAX + 1];
static struct nl_msg *last_req;
static int last_flags;
static uint8_t last_cmd;

struct nl_msg *hm_nl_msg(struct hm_nl *nl, uint8_t cmd, int flags)
{
	last_cmd = cmd;
	last_flags = flags;
	return nlmsg_alloc();
}

int hm_nl_call(struct hm_nl *nl, struct nl_msg *msg, hm_reply_cb cb, void *arg)
{
	struct exchange *x = &script[calls < n_script ? calls : n_script - 1];
	struct nlmsghdr *hdr;
	struct hm_reply r;
	int i, ret = 0;

	calls++;
	nlmsg_free(last_req);
	last_req = msg;
	hdr = nlmsg_hdr(msg);
	nla_parse(req_tb, HEAPMON_A_MAX, nlmsg_attrdata(hdr, 0), nlmsg_attrlen(hdr, 0), NULL);
	for (i = 0; i < x->n && !ret; i++) {
		hdr = nlmsg_hdr(x->replies[i]);
		r.attrs = nlmsg_attrdata(hdr, 0);
		r.len = nlmsg_attrlen(hdr, 0);
		nla_parse(r.tb, HEAPMON_A_MAX, r.attrs, r.len, NULL);
		ret = cb ? cb(&r, arg) : 0;
	}
	return x->ret ? x->ret : ret;
}

int hm_nl_perror(const struct hm_nl *nl, const char *what, int err)
{
	fprintf(stderr, "heapmonctl: %s: %s\n", what, strerror(-err));
	return EXIT_FAIL;
}

int hm_nl_parse_nested(struct nlattr **tb, int max, struct nlattr *nla,
		       const struct nla_policy *policy)
{
	return nla_parse_nested(tb, max, nla, policy) < 0 ? -EBADMSG : 0;
}

static void reset(void)
{
	int i, k;

	for (i = 0; i < n_script; i++)
		for (k = 0; k < script[i].n; k++)
			nlmsg_free(script[i].replies[k]);
	memset(script, 0, sizeof(script));
	n_script = 0;
	calls = 0;
}

/* A PAGES reply from pass passes: one chunk at addr with pages 0 and 1. */
static void add_pages_reply(int call, uint64_t passes, uint64_t addr)
{
	static const unsigned char bitmap[HEAPMON_CHUNK_PAGES / 8] = { 0x03 };
	static const uint32_t recs[] = { 1, 2 };
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *chunk;

	nla_put_u32(msg, HEAPMON_A_PID, 5);
	nla_put_u64(msg, HEAPMON_A_PASSES, passes);
	chunk = nla_nest_start(msg, HEAPMON_A_CHUNK);
	nla_put_u64(msg, HEAPMON_CHUNK_A_ADDR, addr);
	nla_put_u32(msg, HEAPMON_CHUNK_A_FLAGS, 0);
	nla_put(msg, HEAPMON_CHUNK_A_BITMAP, sizeof(bitmap), bitmap);
	nla_put(msg, HEAPMON_CHUNK_A_RECORDS, sizeof(recs), recs);
	nla_nest_end(msg, chunk);
	script[call].replies[script[call].n++] = msg;
	if (call >= n_script)
		n_script = call + 1;
}

static uint64_t page_addr(const struct hm_array *pages, size_t i)
{
	return ((const struct hm_page *)hm_array_at(pages, i))->addr;
}

static void test_pages(void)
{
	struct hm_page_filter f = { .has_idle_min = true, .idle_min = 10, .has_end = true,
				    .end = BASE + (64 << 20) };
	struct hm_pages_info info;
	struct hm_array pages;
	struct hm_nl nl;

	hm_array_init(&pages, sizeof(struct hm_page));
	/* Interrupted once after some data, then whole in two messages. */
	add_pages_reply(0, 7, BASE + (8 << 20));
	script[0].ret = -EINTR;
	add_pages_reply(1, 8, BASE);
	add_pages_reply(1, 8, BASE + (2 << 20));
	UNIT_EQ_INT("pages: an interrupted dump is tried again",
		    hm_req_pages_info(&nl, 5, &f, &pages, &info), 0);
	UNIT_EQ_INT("pages: two tries", calls, 2);
	UNIT_EQ_INT("pages: only the last try's pages", pages.n, 4);
	UNIT_EQ_INT("pages: only the last try's messages and passes",
		    info.messages == 2 && info.first_pass == 8 && info.last_pass == 8, 1);
	UNIT_EQ_INT("pages: in order", page_addr(&pages, 3), BASE + (2 << 20) + 4096);
	UNIT_EQ_INT("pages: request is a dump", last_cmd == HEAPMON_CMD_PAGES &&
		    (last_flags & NLM_F_DUMP) == NLM_F_DUMP, 1);
	UNIT_EQ_INT("pages: request PID", nla_get_u32(req_tb[HEAPMON_A_PID]), 5);
	UNIT_EQ_INT("pages: request IDLE_MIN", nla_get_u32(req_tb[HEAPMON_A_IDLE_MIN]), 10);
	UNIT_EQ_INT("pages: no ADDR_START when not asked", !req_tb[HEAPMON_A_ADDR_START], 1);
	UNIT_EQ_INT("pages: request ADDR_END", nla_get_u64(req_tb[HEAPMON_A_ADDR_END]),
		    BASE + (64 << 20));
	reset();

	/* The module copies a few chunks at a time: a later message may be from a later pass. */
	add_pages_reply(0, 8, BASE);
	add_pages_reply(0, 9, BASE + (2 << 20));
	UNIT_EQ_INT("pages: messages of different passes make one dump",
		    hm_req_pages_info(&nl, 5, &f, &pages, &info), 0);
	UNIT_EQ_INT("pages: one try", calls, 1);
	UNIT_EQ_INT("pages: the pages of both", pages.n, 4);
	UNIT_EQ_INT("pages: the first message's pass and the last's",
		    info.first_pass == 8 && info.last_pass == 9, 1);
	reset();

	/* A dump interrupted (NLM_F_DUMP_INTR) at every try is given up. */
	add_pages_reply(0, 8, BASE);
	script[0].ret = -EINTR;
	UNIT_EQ_INT("pages: a dump that keeps changing never completes",
		    hm_req_pages(&nl, 5, &f, &pages), -EINTR);
	UNIT_EQ_INT("pages: given up after HM_DUMP_TRIES tries", calls, HM_DUMP_TRIES);
	reset();
	hm_array_free(&pages);
}

static void test_watch(void)
{
	struct hm_watch_opts o = { .flags = HEAPMON_WATCH_F_NO_FLUSH_TLB };
	struct hm_nl nl;

	n_script = 1;
	UNIT_EQ_INT("watch: sent", hm_req_watch(&nl, 9, &o), 0);
	UNIT_EQ_INT("watch: command", last_cmd, HEAPMON_CMD_WATCH);
	UNIT_EQ_INT("watch: no interval unless asked", !req_tb[HEAPMON_A_INTERVAL_MS], 1);
	UNIT_EQ_INT("watch: flags", nla_get_u32(req_tb[HEAPMON_A_FLAGS]),
		    HEAPMON_WATCH_F_NO_FLUSH_TLB);
	o = (struct hm_watch_opts){ .has_interval = true, .interval_ms = 250 };
	hm_req_watch(&nl, 9, &o);
	UNIT_EQ_INT("watch: interval", nla_get_u32(req_tb[HEAPMON_A_INTERVAL_MS]), 250);
	UNIT_EQ_INT("watch: no flags unless asked", !req_tb[HEAPMON_A_FLAGS], 1);
	script[0].ret = -EEXIST;
	UNIT_EQ_INT("watch: the kernel's errno", hm_req_watch(&nl, 9, &o), -EEXIST);
	reset();
}

static void add_event(struct nl_msg *msg, uint64_t seq)
{
	struct nlattr *e = nla_nest_start(msg, HEAPMON_A_EVENT);

	nla_put_u64(msg, HEAPMON_EVENT_A_SEQ, seq);
	nla_put_u64(msg, HEAPMON_EVENT_A_TIME_NS, seq * 1000);
	nla_put_u32(msg, HEAPMON_EVENT_A_KIND, HEAPMON_EVENT_FAULT);
	nla_put_u64(msg, HEAPMON_EVENT_A_ADDR, BASE);
	nla_put_u64(msg, HEAPMON_EVENT_A_LEN, 4096);
	nla_nest_end(msg, e);
}

static void test_events(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct hm_array events;
	struct hm_nl nl;

	hm_array_init(&events, sizeof(struct hm_event));
	nla_put_u32(msg, HEAPMON_A_PID, 5);
	add_event(msg, 3);
	add_event(msg, 4);
	script[0].replies[script[0].n++] = msg;
	n_script = 1;
	UNIT_EQ_INT("events: dump", hm_req_events(&nl, 5, 3, &events), 0);
	UNIT_EQ_INT("events: SEQ_MIN sent", nla_get_u64(req_tb[HEAPMON_A_SEQ_MIN]), 3);
	UNIT_EQ_INT("events: every event of the message", events.n, 2);
	UNIT_EQ_INT("events: second seq", ((struct hm_event *)hm_array_at(&events, 1))->seq, 4);
	hm_req_events(&nl, 5, 0, &events);
	UNIT_EQ_INT("events: no SEQ_MIN for all", !req_tb[HEAPMON_A_SEQ_MIN], 1);
	hm_array_clear(&events);
	hm_req_events(&nl, 6, 0, &events);
	UNIT_EQ_INT("events: another PID's events are left out", events.n, 0);
	reset();
	hm_array_free(&events);
}

static void test_perror(void)
{
	FILE *f = tmpfile();
	char buf[128] = "";
	struct hm_nl nl;
	size_t n;

	if (!f || dup2(fileno(f), STDERR_FILENO) < 0)
		return;
	hm_req_perror(&nl, "pages", 5, -EINTR);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	UNIT_EQ_STR("pages that keep changing", buf,
		    "heapmonctl: pages 5: the data kept changing; try again\n");
	fclose(f);
}

int main(void)
{
	test_pages();
	test_watch();
	test_events();
	test_perror();
	nlmsg_free(last_req);
	return unit_failed ? 1 : 0;
}
