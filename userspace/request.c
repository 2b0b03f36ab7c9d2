// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>

#include "heat.h"
#include "request.h"

/* msg, or NULL (hm_nl_call() then fails with -ENOMEM) if adding an attribute failed. */
static struct nl_msg *msg_done(struct nl_msg *msg, bool put_failed)
{
	if (msg && put_failed) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nl_msg *pid_msg(struct hm_nl *nl, uint8_t cmd, int flags, uint32_t pid)
{
	struct nl_msg *msg = hm_nl_msg(nl, cmd, flags);

	return msg_done(msg, msg && nla_put_u32(msg, HEAPMON_A_PID, pid));
}

/* A dump whose request is built anew for every try. */
struct dump {
	struct hm_nl *nl;
	uint32_t pid;
	struct hm_array *items;
	struct nl_msg *(*request)(struct dump *d);
	hm_reply_cb cb;
	const struct hm_page_filter *filter;	/* pages */
	struct hm_pages_info *pages_info;	/* pages */
	uint64_t seq_min;			/* events */
	struct hm_history_info *info;		/* history */
};

static int dump_run(struct dump *d)
{
	int tries, ret = -EINTR;

	for (tries = 0; tries < HM_DUMP_TRIES && ret == -EINTR; tries++) {
		hm_array_clear(d->items);
		ret = hm_nl_call(d->nl, d->request(d), d->cb, d);
	}
	return ret;
}

int hm_req_watch(struct hm_nl *nl, uint32_t pid, const struct hm_watch_opts *o)
{
	struct nl_msg *msg = pid_msg(nl, HEAPMON_CMD_WATCH, 0, pid);
	bool failed;

	failed = msg && ((o->has_interval &&
			  nla_put_u32(msg, HEAPMON_A_INTERVAL_MS, o->interval_ms)) ||
			 (o->flags && nla_put_u32(msg, HEAPMON_A_FLAGS, o->flags)) ||
			 (o->revisit && nla_put_u32(msg, HEAPMON_A_REVISIT, o->revisit)) ||
			 (o->trap && nla_put_u32(msg, HEAPMON_A_TRAP, o->trap)));
	msg = msg_done(msg, failed);
	return hm_nl_call(nl, msg, NULL, NULL);
}

int hm_req_status(struct hm_nl *nl, struct hm_status *st)
{
	return hm_nl_call(nl, hm_nl_msg(nl, HEAPMON_CMD_STATUS, 0), hm_decode_status, st);
}

int hm_req_unwatch(struct hm_nl *nl, uint32_t pid)
{
	return hm_nl_call(nl, pid_msg(nl, HEAPMON_CMD_UNWATCH, 0, pid), NULL, NULL);
}

static int stats_cb(const struct hm_reply *r, void *arg)
{
	return hm_decode_target_stats(r, arg);
}

int hm_req_stats(struct hm_nl *nl, uint32_t pid, struct hm_target_stats *ts)
{
	int ret;

	ts->pid = 0;
	ret = hm_nl_call(nl, pid_msg(nl, HEAPMON_CMD_STATS, 0, pid), stats_cb, ts);
	/* PIDs are never 0: a success without a reply is malformed too. */
	return !ret && !ts->pid ? -EBADMSG : ret;
}

static struct nl_msg *regions_request(struct dump *d)
{
	return pid_msg(d->nl, HEAPMON_CMD_REGIONS, NLM_F_DUMP, d->pid);
}

static int regions_cb(const struct hm_reply *r, void *arg)
{
	struct dump *d = arg;
	struct hm_region *reg;
	struct nlattr *nla;
	int rem, ret;

	nla_for_each_attr(nla, r->attrs, r->len, rem) {
		if (nla_type(nla) != HEAPMON_A_REGION)
			continue;
		reg = hm_array_push(d->items);
		if (!reg)
			return -ENOMEM;
		ret = hm_decode_region(nla, reg);
		if (ret)
			return ret;
	}
	return 0;
}

int hm_req_regions(struct hm_nl *nl, uint32_t pid, struct hm_array *regions)
{
	struct dump d = { .nl = nl, .pid = pid, .items = regions,
			  .request = regions_request, .cb = regions_cb };

	return dump_run(&d);
}

static struct nl_msg *pages_request(struct dump *d)
{
	const struct hm_page_filter *f = d->filter;
	struct nl_msg *msg = pid_msg(d->nl, HEAPMON_CMD_PAGES, NLM_F_DUMP, d->pid);

	/* Each try reports its own passes. */
	*d->pages_info = (struct hm_pages_info){};
	return msg_done(msg, msg &&
			((f->has_idle_min && nla_put_u32(msg, HEAPMON_A_IDLE_MIN, f->idle_min)) ||
			 (f->has_start && nla_put_u64(msg, HEAPMON_A_ADDR_START, f->start)) ||
			 (f->has_end && nla_put_u64(msg, HEAPMON_A_ADDR_END, f->end))));
}

static int page_cb(uint64_t addr, uint64_t size, uint32_t rec, bool swapped, void *arg)
{
	struct hm_page *p = hm_array_push(arg);

	if (!p)
		return -ENOMEM;
	p->addr = addr;
	p->size = size;
	p->swapped = swapped;
	p->rec = rec;
	return 0;
}

static int pages_cb(const struct hm_reply *r, void *arg)
{
	struct hm_pages_info *info;
	struct dump *d = arg;
	struct nlattr *nla;
	int rem, ret;

	/*
	 * Each message's records are from one pass, the next message's perhaps
	 * from a later one; a dump torn by chunks coming or going is flagged
	 * NLM_F_DUMP_INTR and retried.
	 */
	if (!r->tb[HEAPMON_A_PASSES])
		return -EBADMSG;
	info = d->pages_info;
	info->last_pass = nla_get_u64(r->tb[HEAPMON_A_PASSES]);
	if (!info->messages++)
		info->first_pass = info->last_pass;
	nla_for_each_attr(nla, r->attrs, r->len, rem) {
		if (nla_type(nla) != HEAPMON_A_CHUNK)
			continue;
		ret = hm_decode_chunk(nla, page_cb, d->items);
		if (ret)
			return ret;
	}
	return 0;
}

int hm_req_pages_info(struct hm_nl *nl, uint32_t pid, const struct hm_page_filter *f,
		      struct hm_array *pages, struct hm_pages_info *info)
{
	struct dump d = { .nl = nl, .pid = pid, .items = pages, .filter = f,
			  .pages_info = info, .request = pages_request, .cb = pages_cb };

	return dump_run(&d);
}

int hm_req_pages(struct hm_nl *nl, uint32_t pid, const struct hm_page_filter *f,
		 struct hm_array *pages)
{
	struct hm_pages_info info;

	return hm_req_pages_info(nl, pid, f, pages, &info);
}

struct slices_reply {
	unsigned int n;
	struct hm_heat_slice *out;
	uint64_t *passes;
	bool got;
};

static int slices_cb(const struct hm_reply *r, void *arg)
{
	struct slices_reply *s = arg;

	s->got = true;
	return hm_decode_slices(r->tb, s->n, s->out, s->passes);
}

int hm_req_slices(struct hm_nl *nl, uint32_t pid, uint64_t start, uint64_t end, unsigned int n,
		  struct hm_heat_slice *out, uint64_t *passes)
{
	struct slices_reply s = { .n = n, .out = out, .passes = passes };
	struct nl_msg *msg = pid_msg(nl, HEAPMON_CMD_SLICES, 0, pid);
	int ret;

	msg = msg_done(msg, msg && (nla_put_u64(msg, HEAPMON_A_ADDR_START, start) ||
				    nla_put_u64(msg, HEAPMON_A_ADDR_END, end) ||
				    nla_put_u32(msg, HEAPMON_A_SLICE_COUNT, n)));
	ret = hm_nl_call(nl, msg, slices_cb, &s);
	/* A success without a reply is malformed too. */
	return !ret && !s.got ? -EBADMSG : ret;
}

int hm_collect_events(const struct hm_reply *r, uint32_t pid, struct hm_array *events)
{
	struct hm_event *e;
	struct nlattr *nla;
	int rem, ret;

	if (!r->tb[HEAPMON_A_PID])
		return -EBADMSG;
	if (nla_get_u32(r->tb[HEAPMON_A_PID]) != pid)
		return 0;
	nla_for_each_attr(nla, r->attrs, r->len, rem) {
		if (nla_type(nla) != HEAPMON_A_EVENT)
			continue;
		e = hm_array_push(events);
		if (!e)
			return -ENOMEM;
		ret = hm_decode_event(nla, e);
		if (ret)
			return ret;
	}
	return 0;
}

static struct nl_msg *events_request(struct dump *d)
{
	struct nl_msg *msg = pid_msg(d->nl, HEAPMON_CMD_EVENTS, NLM_F_DUMP, d->pid);

	/* Sequence numbers start at 1: seq_min 0 asks for every event. */
	return msg_done(msg, msg && d->seq_min &&
			nla_put_u64(msg, HEAPMON_A_SEQ_MIN, d->seq_min));
}

static int events_cb(const struct hm_reply *r, void *arg)
{
	struct dump *d = arg;

	return hm_collect_events(r, d->pid, d->items);
}

int hm_req_events(struct hm_nl *nl, uint32_t pid, uint64_t seq_min, struct hm_array *events)
{
	struct dump d = { .nl = nl, .pid = pid, .items = events, .seq_min = seq_min,
			  .request = events_request, .cb = events_cb };

	return dump_run(&d);
}

static struct nl_msg *history_request(struct dump *d)
{
	return pid_msg(d->nl, HEAPMON_CMD_HISTORY, NLM_F_DUMP, d->pid);
}

static int history_cb(const struct hm_reply *r, void *arg)
{
	struct dump *d = arg;
	struct hm_history_sample *s;
	struct nlattr *nla;
	int rem, ret;

	if (r->tb[HEAPMON_A_INTERVAL_MS])
		d->info->interval_ms = nla_get_u32(r->tb[HEAPMON_A_INTERVAL_MS]);
	if (r->tb[HEAPMON_A_HISTORY_UNIT_MS])
		d->info->unit_ms = nla_get_u32(r->tb[HEAPMON_A_HISTORY_UNIT_MS]);
	nla_for_each_attr(nla, r->attrs, r->len, rem) {
		if (nla_type(nla) != HEAPMON_A_SAMPLE)
			continue;
		s = hm_array_push(d->items);
		if (!s)
			return -ENOMEM;
		ret = hm_decode_sample(nla, s);
		if (ret)
			return ret;
	}
	return 0;
}

int hm_req_history(struct hm_nl *nl, uint32_t pid, struct hm_history_info *info,
		   struct hm_array *samples)
{
	struct dump d = { .nl = nl, .pid = pid, .items = samples, .info = info,
			  .request = history_request, .cb = history_cb };
	int ret;

	*info = (struct hm_history_info){};
	ret = dump_run(&d);
	return !ret && !info->interval_ms ? -EBADMSG : ret;
}

int hm_req_perror(const struct hm_nl *nl, const char *cmd, uint32_t pid, int err)
{
	char what[64];

	if (err == -EINTR) {
		fprintf(stderr, "heapmonctl: %s %u: the data kept changing; try again\n", cmd, pid);
		return EXIT_FAIL;
	}
	/* Reading a target that is not watched: say how to watch it. */
	if (err == -ENOENT && strstr(nl->message, "not watched") && strcmp(cmd, "unwatch") &&
	    strcmp(cmd, "watch")) {
		fprintf(stderr, "heapmonctl: %s %u: %s: %s; watch it first: 'heapmonctl watch %u --detach'\n",
			cmd, pid, strerror(ENOENT), nl->message, pid);
		return EXIT_FAIL;
	}
	snprintf(what, sizeof(what), "%s %u", cmd, pid);
	return hm_nl_perror(nl, what, err);
}
