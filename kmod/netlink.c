// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "heapmon". Its contract is
 * include/uapi/linux/heapmon.h; the policies below enforce it, so the
 * handlers read attributes without checking them again.
 */

#include <linux/capability.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include <uapi/linux/heapmon.h>

#include "compat.h"
#include "flush.h"
#include "heapmon.h"
#include "history.h"
#include "netlink.h"
#include "slices.h"
#include "target.h"

static struct genl_family hm_genl_family;

/* Not const: 6.1 policies point to a mutable range. */
static struct netlink_range_validation hm_pid_range = {
	.min = 1,
	.max = PID_MAX_LIMIT,
};

static struct netlink_range_validation hm_interval_range = {
	.min = HEAPMON_INTERVAL_MIN_MS,
	.max = HEAPMON_INTERVAL_MAX_MS,
};

static struct netlink_range_validation hm_revisit_range = {
	.max = HEAPMON_REVISIT_MAX,
};

static struct netlink_range_validation hm_trap_range = {
	.max = HEAPMON_TRAP_MAX,
};

static struct netlink_range_validation hm_idle_min_range = {
	.max = HEAPMON_REC_PERIODS_MAX,
};

#define HM_PID_POLICY NLA_POLICY_FULL_RANGE(NLA_U32, &hm_pid_range)

/* STATUS takes no attributes: strict validation rejects every one. */
static const struct nla_policy hm_status_policy[HEAPMON_A_MAX + 1] = {
};

static const struct nla_policy hm_pid_policy[HEAPMON_A_MAX + 1] = {
	[HEAPMON_A_PID] = HM_PID_POLICY,
};

static const struct nla_policy hm_watch_policy[HEAPMON_A_MAX + 1] = {
	[HEAPMON_A_PID] = HM_PID_POLICY,
	[HEAPMON_A_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &hm_interval_range),
	[HEAPMON_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, HEAPMON_WATCH_F_ALL),
	[HEAPMON_A_REVISIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &hm_revisit_range),
	[HEAPMON_A_TRAP] = NLA_POLICY_FULL_RANGE(NLA_U32, &hm_trap_range),
};

static const struct nla_policy hm_pages_policy[HEAPMON_A_MAX + 1] = {
	[HEAPMON_A_PID] = HM_PID_POLICY,
	[HEAPMON_A_IDLE_MIN] = NLA_POLICY_FULL_RANGE(NLA_U32, &hm_idle_min_range),
	[HEAPMON_A_ADDR_START] = { .type = NLA_U64 },
	[HEAPMON_A_ADDR_END] = { .type = NLA_U64 },
};

/* The slice count's range is checked by the handler, whose message names it. */
static const struct nla_policy hm_slices_policy[HEAPMON_A_MAX + 1] = {
	[HEAPMON_A_PID] = HM_PID_POLICY,
	[HEAPMON_A_ADDR_START] = { .type = NLA_U64 },
	[HEAPMON_A_ADDR_END] = { .type = NLA_U64 },
	[HEAPMON_A_SLICE_COUNT] = { .type = NLA_U32 },
};

static const struct nla_policy hm_events_policy[HEAPMON_A_MAX + 1] = {
	[HEAPMON_A_PID] = HM_PID_POLICY,
	[HEAPMON_A_SEQ_MIN] = { .type = NLA_U64 },
};

/*
 * Beyond CAP_NET_ADMIN (GENL_ADMIN_PERM): reading another process's memory
 * use. As for GENL_ADMIN_PERM, both the socket's opener and the sender need it.
 */
static bool hm_privileged(const struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_SYS_PTRACE);
}

static int hm_check_perm(const struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (hm_privileged(skb))
		return 0;
	NL_SET_ERR_MSG(extack, "watching processes needs CAP_SYS_PTRACE");
	return -EPERM;
}

static int hm_get_pid(struct nlattr **attrs, struct netlink_ext_ack *extack, pid_t *nr)
{
	if (!attrs[HEAPMON_A_PID]) {
		NL_SET_ERR_MSG(extack, "a PID is required");
		return -EINVAL;
	}
	*nr = nla_get_u32(attrs[HEAPMON_A_PID]);
	return 0;
}

static int hm_put_u64(struct sk_buff *skb, int type, u64 value, int pad)
{
	return nla_put_u64_64bit(skb, type, value, pad);
}

/* STATUS */

struct hm_status_fill {
	struct sk_buff *skb;
	int index;		/* the nest type of the next entry: 0, 1, 2, ... */
};

static int hm_put_target_entry(struct hm_target *t, void *arg)
{
	struct hm_status_fill *fill = arg;
	struct sk_buff *skb = fill->skb;
	pid_t nr = hm_target_vnr(t);
	struct nlattr *nest;

	/* A target outside the caller's PID namespace is not the caller's to see. */
	if (!nr)
		return 0;
	nest = nla_nest_start(skb, fill->index++);
	if (!nest ||
	    nla_put_u32(skb, HEAPMON_TARGET_A_PID, nr) ||
	    nla_put_u32(skb, HEAPMON_TARGET_A_STATE, READ_ONCE(t->exited) ?
			HEAPMON_TARGET_EXITED : HEAPMON_TARGET_RUNNING) ||
	    nla_put_u32(skb, HEAPMON_TARGET_A_INTERVAL_MS, t->interval_ms))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int hm_put_status(struct sk_buff *skb, bool privileged)
{
	struct hm_status_fill fill = { .skb = skb };
	struct hm_flush_stats fs;
	struct nlattr *targets;

	if (nla_put_string(skb, HEAPMON_A_VERSION, HEAPMON_VERSION) ||
	    nla_put_u32(skb, HEAPMON_A_PROTOCOL, HEAPMON_GENL_VERSION) ||
	    nla_put_u32(skb, HEAPMON_A_MAX_TARGETS, hm_max_targets) ||
	    hm_put_u64(skb, HEAPMON_A_MAX_TARGET_PAGES, hm_max_target_pages, HEAPMON_A_PAD) ||
	    hm_put_u64(skb, HEAPMON_A_MAX_TOTAL_PAGES, hm_max_total_pages, HEAPMON_A_PAD) ||
	    nla_put_u32(skb, HEAPMON_A_TARGET_COUNT, hm_target_count()) ||
	    nla_put_u32(skb, HEAPMON_A_MAX_MEMORY_MB, hm_max_memory_mb) ||
	    hm_put_u64(skb, HEAPMON_A_MEMORY_BYTES, hm_pages_memory_bytes(), HEAPMON_A_PAD))
		return -EMSGSIZE;
	hm_flush_read_stats(&fs);
	if (nla_put_u32(skb, HEAPMON_A_MAX_FLUSHES_PER_SEC, fs.max_per_sec) ||
	    nla_put_u32(skb, HEAPMON_A_FLUSHES_PER_SEC, fs.per_sec) ||
	    hm_put_u64(skb, HEAPMON_A_FLUSH_ROUNDS, fs.rounds, HEAPMON_A_PAD) ||
	    hm_put_u64(skb, HEAPMON_A_FLUSH_CPUS, fs.cpu_flushes, HEAPMON_A_PAD) ||
	    hm_put_u64(skb, HEAPMON_A_FLUSH_DEFERRED, fs.deferred, HEAPMON_A_PAD) ||
	    hm_put_u64(skb, HEAPMON_A_FLUSH_STALE_PASSES, fs.stale_passes, HEAPMON_A_PAD))
		return -EMSGSIZE;
	if (!privileged)
		return 0;

	targets = nla_nest_start(skb, HEAPMON_A_TARGETS);
	if (!targets)
		return -EMSGSIZE;
	if (hm_targets_for_each(hm_put_target_entry, &fill))
		return -EMSGSIZE;
	nla_nest_end(skb, targets);
	return 0;
}

/* Builds and sends a reply to a doit request with fill(). */
static int hm_reply(struct genl_info *info, u8 cmd, size_t size,
		    int (*fill)(struct sk_buff *skb, void *arg), void *arg)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &hm_genl_family, 0, cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = fill(msg, arg);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static int hm_fill_status(struct sk_buff *skb, void *arg)
{
	return hm_put_status(skb, *(bool *)arg);
}

static int hm_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool privileged = netlink_capable(skb, CAP_NET_ADMIN) && hm_privileged(skb);
	/* Room for every target there can be: WATCH may run meanwhile. */
	size_t size = NLMSG_GOODSIZE + hm_max_targets * nla_total_size(3 * nla_total_size(4));

	return hm_reply(info, HEAPMON_CMD_STATUS, size, hm_fill_status, &privileged);
}

/* WATCH, UNWATCH */

static int hm_watch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hm_watch_opts opts = { .interval_ms = HEAPMON_INTERVAL_DEFAULT_MS };
	struct nlattr **attrs = info->attrs;
	pid_t nr;
	int ret;

	ret = hm_check_perm(skb, info->extack);
	if (ret)
		return ret;
	ret = hm_get_pid(attrs, info->extack, &nr);
	if (ret)
		return ret;
	/* 1 is every pass, as 0 is. */
	if (attrs[HEAPMON_A_REVISIT] && nla_get_u32(attrs[HEAPMON_A_REVISIT]) > 1)
		opts.revisit = nla_get_u32(attrs[HEAPMON_A_REVISIT]);
	if (attrs[HEAPMON_A_INTERVAL_MS])
		opts.interval_ms = nla_get_u32(attrs[HEAPMON_A_INTERVAL_MS]);
	if (attrs[HEAPMON_A_FLAGS])
		opts.flags = nla_get_u32(attrs[HEAPMON_A_FLAGS]);
	if ((opts.flags & HEAPMON_WATCH_F_ALL) == HEAPMON_WATCH_F_ALL) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HEAPMON_A_FLAGS],
				    "FLUSH_TLB and NO_FLUSH_TLB exclude each other");
		return -EINVAL;
	}
	if (attrs[HEAPMON_A_TRAP])
		opts.trap = nla_get_u32(attrs[HEAPMON_A_TRAP]);
	if (opts.trap) {
		ret = hm_traps_supported(attrs[HEAPMON_A_TRAP], info->extack);
		if (ret)
			return ret;
	}
	return hm_target_watch(nr, &opts, info->extack);
}

static int hm_unwatch_doit(struct sk_buff *skb, struct genl_info *info)
{
	pid_t nr;
	int ret;

	ret = hm_check_perm(skb, info->extack);
	if (ret)
		return ret;
	ret = hm_get_pid(info->attrs, info->extack, &nr);
	if (ret)
		return ret;
	return hm_target_unwatch(nr, info->extack);
}

/* STATS */

static int hm_put_hist(struct sk_buff *skb, const struct hm_hist *h)
{
	const int pad = HEAPMON_STATS_A_PAD;

	return hm_put_u64(skb, HEAPMON_STATS_A_RESIDENT_BYTES, h->resident, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_HUGE_BYTES, h->huge, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_TOUCHED_BYTES, h->touched, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_IDLE1_BYTES, h->idle1, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_IDLE10_BYTES, h->idle10, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_IDLE60_BYTES, h->idle60, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_IDLE600_BYTES, h->idle600, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_NEVER_BYTES, h->never, pad) ||
	       hm_put_u64(skb, HEAPMON_STATS_A_SWAPPED_BYTES, h->swapped, pad) ? -EMSGSIZE : 0;
}

struct hm_stats_snapshot {
	struct hm_target *t;
	pid_t nr;
	struct hm_target_stats st;
	u64 lost;
	bool secondary_mmu;
	u32 traps_armed;
	u64 trap_hits;
	u64 trap_lost;
};

static int hm_fill_stats(struct sk_buff *skb, void *arg)
{
	const struct hm_stats_snapshot *s = arg;
	struct hm_target *t = s->t;
	const int pad = HEAPMON_STATS_A_PAD;
	struct nlattr *nest;

	if (nla_put_u32(skb, HEAPMON_A_PID, s->nr) ||
	    nla_put_u32(skb, HEAPMON_A_STATE, READ_ONCE(t->exited) ?
			HEAPMON_TARGET_EXITED : HEAPMON_TARGET_RUNNING) ||
	    nla_put_u32(skb, HEAPMON_A_INTERVAL_MS, t->interval_ms))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, HEAPMON_A_STATS);
	if (!nest ||
	    hm_put_u64(skb, HEAPMON_STATS_A_PASSES, s->st.passes, pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_TRACKED_BYTES, s->st.tracked_bytes, pad) ||
	    hm_put_hist(skb, &s->st.hist) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_FAULTS, atomic64_read(&t->faults), pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_FIRST_FAULTS, atomic64_read(&t->first_faults), pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_PASS_NS, s->st.pass_ns, pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_PASS_PAGES, s->st.pass_pages, pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_UNTRACKED_PAGES, s->st.untracked_pages, pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_EVENTS_LOST, s->lost, pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_SKIPPED_PASSES, s->st.skipped_passes, pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_LOCK_YIELDS, s->st.lock_yields, pad) ||
	    nla_put_u32(skb, HEAPMON_STATS_A_FLAGS, t->flags) ||
	    nla_put_u8(skb, HEAPMON_STATS_A_SECONDARY_MMU, s->secondary_mmu) ||
	    nla_put_u32(skb, HEAPMON_STATS_A_REVISIT, t->revisit) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_DORMANT_PAGES, s->st.dormant_pages, pad) ||
	    nla_put_u32(skb, HEAPMON_STATS_A_TRAP, t->traps.max) ||
	    nla_put_u32(skb, HEAPMON_STATS_A_TRAPS_ARMED, s->traps_armed) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_TRAP_HITS, s->trap_hits, pad) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_TRAP_LOST, s->trap_lost, pad))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static struct hm_target *hm_nl_target(pid_t nr, struct netlink_ext_ack *extack)
{
	struct hm_target *t = hm_target_get(nr);

	if (!t)
		NL_SET_ERR_MSG(extack, "the process is not watched");
	return t;
}

static int hm_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hm_stats_snapshot s;
	pid_t nr;
	int ret;

	ret = hm_check_perm(skb, info->extack);
	if (ret)
		return ret;
	ret = hm_get_pid(info->attrs, info->extack, &nr);
	if (ret)
		return ret;
	s.t = hm_nl_target(nr, info->extack);
	if (!s.t)
		return -ENOENT;
	s.nr = nr;
	hm_target_stats_get(s.t, &s.st);
	s.lost = READ_ONCE(s.t->events.lost);
	s.secondary_mmu = hm_target_secondary_mmu(s.t);
	hm_traps_read(&s.t->traps, &s.traps_armed, &s.trap_hits, &s.trap_lost);
	ret = hm_reply(info, HEAPMON_CMD_STATS, NLMSG_GOODSIZE, hm_fill_stats, &s);
	hm_target_put(s.t);
	return ret;
}

/* SLICES */

struct hm_slices_reply {
	pid_t nr;
	u64 passes;
	struct hm_slices *sl;
};

static int hm_fill_slices(struct sk_buff *skb, void *arg)
{
	const struct hm_slices_reply *r = arg;
	const struct hm_slices *sl = r->sl;

	return nla_put_u32(skb, HEAPMON_A_PID, r->nr) ||
	       hm_put_u64(skb, HEAPMON_A_PASSES, r->passes, HEAPMON_A_PAD) ||
	       hm_put_u64(skb, HEAPMON_A_ADDR_START, sl->start, HEAPMON_A_PAD) ||
	       hm_put_u64(skb, HEAPMON_A_ADDR_END, sl->end, HEAPMON_A_PAD) ||
	       nla_put_u32(skb, HEAPMON_A_SLICE_COUNT, sl->n) ||
	       nla_put(skb, HEAPMON_A_SLICES, sl->n * sizeof(sl->s[0]), sl->s) ? -EMSGSIZE : 0;
}

/* The request's range and slice count: required, start below end, 1 to the max. */
static int hm_slices_args(struct genl_info *info, u64 *start, u64 *end, u32 *n)
{
	struct nlattr **attrs = info->attrs;

	if (!attrs[HEAPMON_A_ADDR_START] || !attrs[HEAPMON_A_ADDR_END] ||
	    !attrs[HEAPMON_A_SLICE_COUNT]) {
		NL_SET_ERR_MSG(info->extack, "ADDR_START, ADDR_END and SLICE_COUNT are required");
		return -EINVAL;
	}
	*start = nla_get_u64(attrs[HEAPMON_A_ADDR_START]);
	*end = nla_get_u64(attrs[HEAPMON_A_ADDR_END]);
	*n = nla_get_u32(attrs[HEAPMON_A_SLICE_COUNT]);
	if (*start >= *end) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HEAPMON_A_ADDR_START],
				    "the address range is empty: start must be below end");
		return -EINVAL;
	}
	if (*n < 1 || *n > HEAPMON_SLICES_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HEAPMON_A_SLICE_COUNT],
				    "the slice count must be 1 to 256 (HEAPMON_SLICES_MAX)");
		return -EINVAL;
	}
	return 0;
}

static int hm_slices_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hm_slices_reply r;
	struct hm_target *t;
	u64 start, end;
	u32 n;
	int ret;

	BUILD_BUG_ON(HEAPMON_SLICES_MAX != 256);
	ret = hm_check_perm(skb, info->extack);
	if (ret)
		return ret;
	ret = hm_get_pid(info->attrs, info->extack, &r.nr);
	if (ret)
		return ret;
	ret = hm_slices_args(info, &start, &end, &n);
	if (ret)
		return ret;
	t = hm_nl_target(r.nr, info->extack);
	if (!t)
		return -ENOENT;
	/* Before the lock: the summary is 12.3 KiB. */
	r.sl = kvmalloc(sizeof(*r.sl), GFP_KERNEL_ACCOUNT);
	if (!r.sl) {
		NL_SET_ERR_MSG(info->extack, "no memory for the slices");
		ret = -ENOMEM;
		goto out_put;
	}
	/*
	 * One pass's records, in one go: passes hold the lock while they
	 * update them, and the work is bounded by the range's records.
	 */
	mutex_lock(&t->lock);
	r.passes = t->stats.passes;
	hm_slices_sum(&t->pages, r.passes, start, end, n, r.sl);
	mutex_unlock(&t->lock);
	ret = hm_reply(info, HEAPMON_CMD_SLICES,
		       NLMSG_GOODSIZE + nla_total_size(n * sizeof(r.sl->s[0])),
		       hm_fill_slices, &r);
	kvfree(r.sl);
out_put:
	hm_target_put(t);
	return ret;
}

/* Dumps: REGIONS, PAGES, EVENTS. The cursor lives in cb->ctx. */

/*
 * PAGES reads the records HM_PAGES_BATCH chunks at a time, each batch copied
 * with the target's lock held for that copy only: a dump's memory and its
 * hold on the lock stay bounded whatever the size of the record store. A
 * batch copied but not sent yet waits here for the next message. A message's
 * records are from one pass; the shape of the store (chunks added or
 * dropped) is the dump's generation: a dump that reads across a change is
 * flagged NLM_F_DUMP_INTR.
 * 7 chunks: 15.5 KiB, one order-2 allocation, about one 16 KiB message's worth.
 */
#define HM_PAGES_BATCH 7

struct hm_pages_batch {
	u64 start;		/* the request's address range and idle filter */
	u64 end;
	u32 idle_min;
	u32 shape;		/* the store's shape when c was copied */
	u64 passes;		/* the pass c is from */
	unsigned int nr;	/* chunks in c */
	unsigned int next;	/* the first not sent */
	bool eof;		/* no chunk is left to copy */
	struct hm_chunk c[HM_PAGES_BATCH];
};

/* HISTORY sends a copy too, taken when the dump starts. */
struct hm_history_snap {
	u32 nr;
	u32 unit_ms;
	struct hm_sample s[HM_HIST_SAMPLES];
	u8 tier[HM_HIST_SAMPLES];
};

struct hm_dump_ctx {
	struct hm_target *t;
	u64 pos;		/* regions: index; pages: next chunk index; history: index in
				 * hsnap; events: seq
				 */
	struct hm_pages_batch *batch;	/* pages */
	struct hm_history_snap *hsnap;	/* history */
	pid_t nr;		/* the target, as the caller named it */
	bool sent;		/* pages: the first message is out */
};

static struct hm_dump_ctx *hm_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct hm_dump_ctx) > sizeof(cb->ctx));
	return (struct hm_dump_ctx *)cb->ctx;
}

static int hm_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = hm_dump_info(cb)->attrs;
	struct hm_dump_ctx *ctx = hm_ctx(cb);
	pid_t nr;
	int ret;

	ret = hm_check_perm(cb->skb, cb->extack);
	if (ret)
		return ret;
	ret = hm_get_pid(attrs, cb->extack, &nr);
	if (ret)
		return ret;
	memset(ctx, 0, sizeof(*ctx));
	ctx->t = hm_nl_target(nr, cb->extack);
	if (!ctx->t)
		return -ENOENT;
	ctx->nr = nr;
	if (attrs[HEAPMON_A_SEQ_MIN])
		ctx->pos = nla_get_u64(attrs[HEAPMON_A_SEQ_MIN]);
	return 0;
}

static int hm_dump_done(struct netlink_callback *cb)
{
	struct hm_dump_ctx *ctx = hm_ctx(cb);

	kvfree(ctx->batch);
	kvfree(ctx->hsnap);
	if (ctx->t)
		hm_target_put(ctx->t);
	return 0;
}

static int hm_pages_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = hm_dump_info(cb)->attrs;
	struct hm_dump_ctx *ctx = hm_ctx(cb);
	u64 start = 0, end = U64_MAX;
	int ret;

	if (attrs[HEAPMON_A_ADDR_START])
		start = nla_get_u64(attrs[HEAPMON_A_ADDR_START]);
	if (attrs[HEAPMON_A_ADDR_END])
		end = nla_get_u64(attrs[HEAPMON_A_ADDR_END]);
	ret = hm_dump_start(cb);
	if (ret)
		return ret;
	if (start >= end) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[HEAPMON_A_ADDR_START],
				    "the address range is empty: start must be below end");
		ret = -EINVAL;
		goto err_put;
	}
	ctx->batch = kvmalloc(sizeof(*ctx->batch), GFP_KERNEL_ACCOUNT);
	if (!ctx->batch) {
		NL_SET_ERR_MSG(cb->extack, "no memory for a batch of records");
		ret = -ENOMEM;
		goto err_put;
	}
	ctx->batch->start = start;
	ctx->batch->end = end;
	ctx->batch->idle_min = attrs[HEAPMON_A_IDLE_MIN] ?
			       nla_get_u32(attrs[HEAPMON_A_IDLE_MIN]) : 0;
	ctx->batch->nr = 0;
	ctx->batch->next = 0;
	ctx->batch->eof = false;
	ctx->pos = start >> HM_CHUNK_SHIFT;
	return 0;

err_put:
	/* A failed start gets no done(): undo it here. */
	hm_target_put(ctx->t);
	ctx->t = NULL;
	return ret;
}

static int hm_history_dump_start(struct netlink_callback *cb)
{
	struct hm_dump_ctx *ctx = hm_ctx(cb);
	struct hm_history_snap *snap;
	struct hm_target *t;
	int ret;

	ret = hm_dump_start(cb);
	if (ret)
		return ret;
	t = ctx->t;
	/* Allocated before the lock: the copy is 64 KiB. */
	snap = kvmalloc(sizeof(*snap), GFP_KERNEL_ACCOUNT);
	if (!snap) {
		NL_SET_ERR_MSG(cb->extack, "no memory for a copy of the history");
		hm_target_put(t);
		ctx->t = NULL;
		return -ENOMEM;
	}
	spin_lock(&t->stats_lock);
	snap->nr = hm_history_copy(t->history, snap->s, snap->tier);
	snap->unit_ms = t->history->unit_ms;
	spin_unlock(&t->stats_lock);
	ctx->hsnap = snap;
	return 0;
}

static void *hm_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&hm_genl_family, NLM_F_MULTI, cmd);

	if (!hdr)
		return NULL;
	if (nla_put_u32(skb, HEAPMON_A_PID, hm_ctx(cb)->nr)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

/*
 * Ends a dump message that is sent, flagged NLM_F_DUMP_INTR when cb->seq
 * moved since the last one. Only a message that is sent may consume the
 * change: a cancelled one leaves it to NLMSG_DONE, which the core checks.
 */
static int hm_dump_send(struct sk_buff *skb, struct netlink_callback *cb, void *hdr)
{
	genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
	return skb->len;
}

/* Ends a dump message: 0 (the dump is over) when it holds no item. */
static int hm_dump_end(struct sk_buff *skb, struct netlink_callback *cb, void *hdr,
		       unsigned int items)
{
	if (!items) {
		genlmsg_cancel(skb, hdr);
		return 0;
	}
	return hm_dump_send(skb, cb, hdr);
}

static int hm_put_region(struct sk_buff *skb, const struct hm_region *r)
{
	struct nlattr *nest = nla_nest_start(skb, HEAPMON_A_REGION);
	struct nlattr *stats;

	if (!nest)
		return -EMSGSIZE;
	if (hm_put_u64(skb, HEAPMON_REGION_A_START, r->start, HEAPMON_REGION_A_PAD) ||
	    hm_put_u64(skb, HEAPMON_REGION_A_END, r->end, HEAPMON_REGION_A_PAD) ||
	    nla_put_u32(skb, HEAPMON_REGION_A_KIND, r->kind))
		goto cancel;
	stats = nla_nest_start(skb, HEAPMON_REGION_A_STATS);
	if (!stats ||
	    hm_put_u64(skb, HEAPMON_STATS_A_TRACKED_BYTES, r->end - r->start,
		       HEAPMON_STATS_A_PAD) ||
	    hm_put_hist(skb, &r->hist) ||
	    hm_put_u64(skb, HEAPMON_STATS_A_FAULTS, atomic64_read(&r->faults),
		       HEAPMON_STATS_A_PAD))
		goto cancel;
	nla_nest_end(skb, stats);
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int hm_regions_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hm_dump_ctx *ctx = hm_ctx(cb);
	struct hm_target *t = ctx->t;
	struct hm_region_set *set;
	unsigned int items = 0;
	void *hdr;

	mutex_lock(&t->lock);
	cb->seq = t->gen;
	hdr = hm_dump_put(skb, cb, HEAPMON_CMD_REGIONS);
	if (!hdr) {
		mutex_unlock(&t->lock);
		return -EMSGSIZE;
	}
	set = rcu_dereference_protected(t->regions, lockdep_is_held(&t->lock));
	while (set && ctx->pos < set->nr && !hm_put_region(skb, &set->r[ctx->pos])) {
		ctx->pos++;
		items++;
	}
	mutex_unlock(&t->lock);
	return hm_dump_end(skb, cb, hdr, items);
}

/* Puts the pages of chunk c that pass the filter; 0 if none did. */
static int hm_put_chunk(struct sk_buff *skb, const struct hm_pages_batch *b,
			const struct hm_chunk *c)
{
	u64 base = (u64)c->index << HM_CHUNK_SHIFT;
	DECLARE_BITMAP(bits, HM_CHUNK_PAGES);
	DECLARE_BITMAP(swapped, HM_CHUNK_PAGES);
	u64 words[HM_CHUNK_PAGES / 64];
	struct nlattr *nest, *recs;
	unsigned int i, n = 0;
	u32 *out;
	unsigned int k = 0;

	bitmap_zero(bits, HM_CHUNK_PAGES);
	for_each_set_bit(i, c->present, c->huge ? 1 : HM_CHUNK_PAGES) {
		u64 addr = base + ((u64)i << PAGE_SHIFT);

		if (addr < b->start || addr >= b->end ||
		    HEAPMON_REC_IDLE_PERIODS(c->rec[i]) < b->idle_min)
			continue;
		__set_bit(i, bits);
		n++;
	}
	if (!n)
		return 0;

	nest = nla_nest_start(skb, HEAPMON_A_CHUNK);
	if (!nest)
		return -EMSGSIZE;
	bitmap_to_arr64(words, bits, HM_CHUNK_PAGES);
	if (hm_put_u64(skb, HEAPMON_CHUNK_A_ADDR, base, HEAPMON_CHUNK_A_PAD) ||
	    nla_put_u32(skb, HEAPMON_CHUNK_A_FLAGS, c->huge ? HEAPMON_CHUNK_F_HUGE : 0) ||
	    nla_put(skb, HEAPMON_CHUNK_A_BITMAP, sizeof(words), words))
		goto cancel;
	/* Only when a reported page is swapped out: most chunks have none. */
	if (!c->huge && bitmap_and(swapped, bits, c->swapped, HM_CHUNK_PAGES)) {
		bitmap_to_arr64(words, swapped, HM_CHUNK_PAGES);
		if (nla_put(skb, HEAPMON_CHUNK_A_SWAPPED, sizeof(words), words))
			goto cancel;
	}
	recs = nla_reserve(skb, HEAPMON_CHUNK_A_RECORDS, n * sizeof(u32));
	if (!recs)
		goto cancel;
	out = nla_data(recs);
	for_each_set_bit(i, bits, HM_CHUNK_PAGES)
		out[k++] = c->rec[i];
	nla_nest_end(skb, nest);
	return 1;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Copies the next chunks of the range, from the one at index ctx->pos on. */
static void hm_pages_refill(struct hm_dump_ctx *ctx)
{
	struct hm_pages_batch *b = ctx->batch;
	unsigned long last = (b->end - 1) >> HM_CHUNK_SHIFT;
	struct hm_target *t = ctx->t;
	unsigned long index;
	struct hm_chunk *c;

	b->nr = 0;
	b->next = 0;
	mutex_lock(&t->lock);
	b->shape = t->pages.shape;
	b->passes = t->stats.passes;
	xa_for_each_range(&t->pages.chunks, index, c, ctx->pos, last) {
		b->c[b->nr] = *c;
		/* A dormant chunk's records, as of the pass reported. */
		hm_chunk_advance(&b->c[b->nr++], b->passes);
		if (b->nr == HM_PAGES_BATCH)
			break;
	}
	mutex_unlock(&t->lock);
	b->eof = b->nr < HM_PAGES_BATCH || b->c[b->nr - 1].index >= last;
	if (b->nr)
		ctx->pos = b->c[b->nr - 1].index + 1;
}

static int hm_pages_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hm_dump_ctx *ctx = hm_ctx(cb);
	struct hm_pages_batch *b = ctx->batch;
	unsigned int items = 0;
	void *hdr;
	u64 passes;
	int ret;

	if (b->next == b->nr && !b->eof)
		hm_pages_refill(ctx);
	/* The message's pass and generation are those of its first batch. */
	passes = b->passes;
	cb->seq = b->shape;
	hdr = hm_dump_put(skb, cb, HEAPMON_CMD_PAGES);
	if (!hdr)
		return -EMSGSIZE;
	if (hm_put_u64(skb, HEAPMON_A_PASSES, passes, HEAPMON_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	for (;;) {
		for (; b->next < b->nr; b->next++) {
			ret = hm_put_chunk(skb, b, &b->c[b->next]);
			if (ret < 0)
				goto full;
			items += ret;
		}
		if (b->eof)
			break;
		hm_pages_refill(ctx);
		/* Another pass or shape: the batch waits for a message of its own. */
		if (b->passes != passes || b->shape != cb->seq)
			break;
	}
full:
	/* An empty message is still sent once, so that PASSES reaches the client. */
	if (!items && ctx->sent && b->eof && b->next == b->nr)
		return hm_dump_end(skb, cb, hdr, 0);
	ctx->sent = true;
	return hm_dump_send(skb, cb, hdr);
}

static int hm_put_sample(struct sk_buff *skb, const struct hm_sample *s, u32 tier)
{
	struct nlattr *nest = nla_nest_start(skb, HEAPMON_A_SAMPLE);
	const int pad = HEAPMON_SAMPLE_A_PAD;

	if (!nest)
		return -EMSGSIZE;
	if (hm_put_u64(skb, HEAPMON_SAMPLE_A_TIME_NS, s->time_ns, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_PASSES, s->passes, pad) ||
	    nla_put_u32(skb, HEAPMON_SAMPLE_A_TIER, tier) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_RESIDENT_BYTES, (u64)s->resident << 12, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_SWAPPED_BYTES, (u64)s->swapped << 12, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_TOUCHED_BYTES, (u64)s->touched << 12, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_IDLE1_BYTES, (u64)s->idle1 << 12, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_IDLE10_BYTES, (u64)s->idle10 << 12, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_IDLE60_BYTES, (u64)s->idle60 << 12, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_IDLE600_BYTES, (u64)s->idle600 << 12, pad) ||
	    hm_put_u64(skb, HEAPMON_SAMPLE_A_NEVER_BYTES, (u64)s->never << 12, pad)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int hm_history_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hm_dump_ctx *ctx = hm_ctx(cb);
	struct hm_history_snap *snap = ctx->hsnap;
	unsigned int items = 0;
	void *hdr;

	hdr = hm_dump_put(skb, cb, HEAPMON_CMD_HISTORY);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, HEAPMON_A_INTERVAL_MS, ctx->t->interval_ms) ||
	    (!ctx->sent && nla_put_u32(skb, HEAPMON_A_HISTORY_UNIT_MS, snap->unit_ms))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	for (; ctx->pos < snap->nr; ctx->pos++, items++)
		if (hm_put_sample(skb, &snap->s[ctx->pos], snap->tier[ctx->pos]))
			break;
	/* The first message goes out even when the history is empty (UNIT_MS). */
	if (!items && ctx->sent)
		return hm_dump_end(skb, cb, hdr, 0);
	ctx->sent = true;
	return hm_dump_send(skb, cb, hdr);
}

static int hm_put_event(struct sk_buff *skb, const struct hm_event *ev)
{
	struct nlattr *nest = nla_nest_start(skb, HEAPMON_A_EVENT);
	const int pad = HEAPMON_EVENT_A_PAD;

	if (!nest)
		return -EMSGSIZE;
	if (hm_put_u64(skb, HEAPMON_EVENT_A_SEQ, ev->seq, pad) ||
	    hm_put_u64(skb, HEAPMON_EVENT_A_TIME_NS, ev->time_ns, pad) ||
	    nla_put_u32(skb, HEAPMON_EVENT_A_KIND, ev->kind) ||
	    hm_put_u64(skb, HEAPMON_EVENT_A_ADDR, ev->addr, pad) ||
	    hm_put_u64(skb, HEAPMON_EVENT_A_LEN, ev->len, pad) ||
	    (ev->kind == HEAPMON_EVENT_MREMAP &&
	     hm_put_u64(skb, HEAPMON_EVENT_A_OLD_ADDR, ev->old_addr, pad)) ||
	    (ev->kind == HEAPMON_EVENT_TRAP &&
	     (hm_put_u64(skb, HEAPMON_EVENT_A_IP, ev->ip, pad) ||
	      nla_put_u32(skb, HEAPMON_EVENT_A_TID, ev->tid) ||
	      nla_put_u32(skb, HEAPMON_EVENT_A_IDLE, ev->idle) ||
	      nla_put_u32(skb, HEAPMON_EVENT_A_TRAP_FLAGS, ev->trap_flags)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

#define HM_EVENT_BATCH 32

static int hm_events_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hm_dump_ctx *ctx = hm_ctx(cb);
	unsigned int i, n, items = 0;
	struct hm_event *batch;
	void *hdr;
	u64 seq;

	batch = kmalloc_array(HM_EVENT_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;
	hdr = hm_dump_put(skb, cb, HEAPMON_CMD_EVENTS);
	if (!hdr) {
		kfree(batch);
		return -EMSGSIZE;
	}
	do {
		seq = ctx->pos;
		n = hm_event_read(&ctx->t->events, &seq, batch, HM_EVENT_BATCH);
		for (i = 0; i < n; i++) {
			if (hm_put_event(skb, &batch[i]))
				goto full;
			ctx->pos = batch[i].seq + 1;
			items++;
		}
	} while (n == HM_EVENT_BATCH);
full:
	kfree(batch);
	return hm_dump_end(skb, cb, hdr, items);
}

/* Multicast of new events, from process context (a work item). */

/*
 * Cleared before the family goes away: its group may be someone else's next.
 * A sender holds hm_netlink_sem for reading from the check to the send.
 */
static bool hm_netlink_live;
static DECLARE_RWSEM(hm_netlink_sem);

bool hm_netlink_has_listeners(void)
{
	return READ_ONCE(hm_netlink_live) &&
	       genl_has_listeners(&hm_genl_family, &init_net, 0);
}

static int hm_send_events(struct hm_target *t, const struct hm_event *batch, unsigned int n)
{
	struct sk_buff *skb;
	unsigned int i;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &hm_genl_family, 0, HEAPMON_CMD_EVENT);
	/* Listeners may be in any PID namespace: the initial one's number. */
	if (!hdr || nla_put_u32(skb, HEAPMON_A_PID, pid_nr(t->pid))) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	for (i = 0; i < n; i++)
		if (hm_put_event(skb, &batch[i]))
			break;
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&hm_genl_family, skb, 0, 0, GFP_KERNEL);
	return 0;
}

void hm_netlink_notify_events(struct hm_target *t)
{
	struct hm_event *batch;
	unsigned int n;
	u64 seq;

	batch = kmalloc_array(HM_EVENT_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return;
	for (;;) {
		seq = t->events.sent_seq;
		n = hm_event_read(&t->events, &seq, batch, HM_EVENT_BATCH);
		if (!n)
			break;
		t->events.sent_seq = seq;
		down_read(&hm_netlink_sem);
		if (hm_netlink_has_listeners() && hm_send_events(t, batch, n)) {
			up_read(&hm_netlink_sem);
			break;
		}
		up_read(&hm_netlink_sem);
	}
	kfree(batch);
}

#define HM_OP(c, p) .cmd = (c), .policy = (p), .maxattr = HEAPMON_A_MAX, .flags = GENL_ADMIN_PERM

static const struct genl_ops hm_genl_ops[] = {
	{
		.cmd = HEAPMON_CMD_STATUS,
		.doit = hm_status_doit,
		.policy = hm_status_policy,
		.maxattr = HEAPMON_A_MAX,
	},
	{ HM_OP(HEAPMON_CMD_WATCH, hm_watch_policy), .doit = hm_watch_doit },
	{ HM_OP(HEAPMON_CMD_UNWATCH, hm_pid_policy), .doit = hm_unwatch_doit },
	{ HM_OP(HEAPMON_CMD_STATS, hm_pid_policy), .doit = hm_stats_doit },
	{
		HM_OP(HEAPMON_CMD_REGIONS, hm_pid_policy),
		.start = hm_dump_start,
		.dumpit = hm_regions_dumpit,
		.done = hm_dump_done,
	},
	{
		HM_OP(HEAPMON_CMD_PAGES, hm_pages_policy),
		.start = hm_pages_dump_start,
		.dumpit = hm_pages_dumpit,
		.done = hm_dump_done,
	},
	{
		HM_OP(HEAPMON_CMD_EVENTS, hm_events_policy),
		.start = hm_dump_start,
		.dumpit = hm_events_dumpit,
		.done = hm_dump_done,
	},
	{
		HM_OP(HEAPMON_CMD_HISTORY, hm_pid_policy),
		.start = hm_history_dump_start,
		.dumpit = hm_history_dumpit,
		.done = hm_dump_done,
	},
	{ HM_OP(HEAPMON_CMD_SLICES, hm_slices_policy), .doit = hm_slices_doit },
};

static const struct genl_multicast_group hm_mcgrps[] = {
	/*
	 * Events show where every target maps memory. A subscriber cannot be
	 * asked for CAP_SYS_PTRACE (6.1 has no bind callback): CAP_SYS_ADMIN.
	 */
	{ .name = HEAPMON_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family hm_genl_family __ro_after_init = {
	.name = HEAPMON_GENL_NAME,
	.version = HEAPMON_GENL_VERSION,
	.maxattr = HEAPMON_A_MAX,
	.module = THIS_MODULE,
	/* No genl_mutex: a request that waits for a pass must not stall every family. */
	.parallel_ops = true,
	.ops = hm_genl_ops,
	.n_ops = ARRAY_SIZE(hm_genl_ops),
	.mcgrps = hm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(hm_mcgrps),
};

int __init hm_netlink_init(void)
{
	int ret = genl_register_family(&hm_genl_family);

	if (!ret)
		WRITE_ONCE(hm_netlink_live, true);
	return ret;
}

void hm_netlink_uninit(void)
{
	down_write(&hm_netlink_sem);
	WRITE_ONCE(hm_netlink_live, false);
	up_write(&hm_netlink_sem);
	genl_unregister_family(&hm_genl_family);
}
