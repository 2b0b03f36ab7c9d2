// SPDX-License-Identifier: GPL-2.0
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "heat.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[] = {
	[HEAPMON_TARGET_RUNNING] = "running",
	[HEAPMON_TARGET_EXITED] = "exited",
};

static const char *const region_kind_names[] = {
	[HEAPMON_REGION_BRK] = "brk",
	[HEAPMON_REGION_ANON] = "anon",
};

static const char *const event_kind_names[] = {
	[HEAPMON_EVENT_BRK_GROW] = "brk_grow",
	[HEAPMON_EVENT_BRK_SHRINK] = "brk_shrink",
	[HEAPMON_EVENT_MMAP] = "mmap",
	[HEAPMON_EVENT_MUNMAP] = "munmap",
	[HEAPMON_EVENT_MREMAP] = "mremap",
	[HEAPMON_EVENT_FAULT] = "fault",
	[HEAPMON_EVENT_EXEC] = "exec",
	[HEAPMON_EVENT_EXIT] = "exit",
	[HEAPMON_EVENT_TRAP] = "trap",
};

const char *hm_state_name(uint32_t state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "unknown";
}

const char *hm_region_kind_name(uint32_t kind)
{
	return kind < ARRAY_SIZE(region_kind_names) ? region_kind_names[kind] : "unknown";
}

const char *hm_event_kind_name(uint32_t kind)
{
	return kind < ARRAY_SIZE(event_kind_names) ? event_kind_names[kind] : "unknown";
}

/*
 * The u64 fields of struct hm_stats, in the order JSON prints them. Regions
 * print the in_region ones, after their own "size".
 */
static const struct stats_field {
	int attr;
	const char *key;
	size_t off;
	bool in_region;
} stats_fields[] = {
#define F(attr, name, in_region) \
	{ HEAPMON_STATS_A_##attr, #name, offsetof(struct hm_stats, name), in_region }
	F(PASSES, passes, false),
	F(TRACKED_BYTES, tracked_bytes, false),
	F(RESIDENT_BYTES, resident_bytes, true),
	F(SWAPPED_BYTES, swapped_bytes, true),
	F(HUGE_BYTES, huge_bytes, false),
	F(TOUCHED_BYTES, touched_bytes, true),
	F(IDLE1_BYTES, idle1_bytes, true),
	F(IDLE10_BYTES, idle10_bytes, true),
	F(IDLE60_BYTES, idle60_bytes, true),
	F(IDLE600_BYTES, idle600_bytes, true),
	F(NEVER_BYTES, never_bytes, true),
	F(FAULTS, faults, true),
	F(FIRST_FAULTS, first_faults, false),
	F(PASS_NS, pass_ns, false),
	F(PASS_PAGES, pass_pages, false),
	F(UNTRACKED_PAGES, untracked_pages, false),
	F(EVENTS_LOST, events_lost, false),
	F(SKIPPED_PASSES, skipped_passes, false),
	F(LOCK_YIELDS, lock_yields, false),
	F(DORMANT_PAGES, dormant_pages, false),
	F(TRAP_HITS, trap_hits, false),
	F(TRAP_LOST, trap_lost, false),
#undef F
};

static uint64_t *stats_u64(struct hm_stats *s, const struct stats_field *f)
{
	return (uint64_t *)((char *)s + f->off);
}

static uint64_t stats_get(const struct hm_stats *s, const struct stats_field *f)
{
	return *(const uint64_t *)((const char *)s + f->off);
}

static const struct nla_policy target_policy[HEAPMON_TARGET_A_MAX + 1] = {
	[HEAPMON_TARGET_A_PID] = { .type = NLA_U32 },
	[HEAPMON_TARGET_A_STATE] = { .type = NLA_U32 },
	[HEAPMON_TARGET_A_INTERVAL_MS] = { .type = NLA_U32 },
};

static const struct nla_policy region_policy[HEAPMON_REGION_A_MAX + 1] = {
	[HEAPMON_REGION_A_START] = { .type = NLA_U64 },
	[HEAPMON_REGION_A_END] = { .type = NLA_U64 },
	[HEAPMON_REGION_A_KIND] = { .type = NLA_U32 },
};

static const struct nla_policy event_policy[HEAPMON_EVENT_A_MAX + 1] = {
	[HEAPMON_EVENT_A_SEQ] = { .type = NLA_U64 },
	[HEAPMON_EVENT_A_TIME_NS] = { .type = NLA_U64 },
	[HEAPMON_EVENT_A_KIND] = { .type = NLA_U32 },
	[HEAPMON_EVENT_A_ADDR] = { .type = NLA_U64 },
	[HEAPMON_EVENT_A_LEN] = { .type = NLA_U64 },
	[HEAPMON_EVENT_A_OLD_ADDR] = { .type = NLA_U64 },
	[HEAPMON_EVENT_A_IP] = { .type = NLA_U64 },
	[HEAPMON_EVENT_A_TID] = { .type = NLA_U32 },
	[HEAPMON_EVENT_A_IDLE] = { .type = NLA_U32 },
	[HEAPMON_EVENT_A_TRAP_FLAGS] = { .type = NLA_U32 },
};

static const struct nla_policy sample_policy[HEAPMON_SAMPLE_A_MAX + 1] = {
	[HEAPMON_SAMPLE_A_TIME_NS] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_PASSES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_TIER] = { .type = NLA_U32 },
	[HEAPMON_SAMPLE_A_RESIDENT_BYTES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_SWAPPED_BYTES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_TOUCHED_BYTES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_IDLE1_BYTES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_IDLE10_BYTES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_IDLE60_BYTES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_IDLE600_BYTES] = { .type = NLA_U64 },
	[HEAPMON_SAMPLE_A_NEVER_BYTES] = { .type = NLA_U64 },
};

int hm_decode_sample(struct nlattr *nla, struct hm_history_sample *s)
{
	struct nlattr *tb[HEAPMON_SAMPLE_A_MAX + 1];
	int i;

	if (hm_nl_parse_nested(tb, HEAPMON_SAMPLE_A_MAX, nla, sample_policy))
		return -EBADMSG;
	for (i = HEAPMON_SAMPLE_A_TIME_NS; i <= HEAPMON_SAMPLE_A_MAX; i++)
		if (!tb[i])
			return -EBADMSG;
	s->time_ns = nla_get_u64(tb[HEAPMON_SAMPLE_A_TIME_NS]);
	s->passes = nla_get_u64(tb[HEAPMON_SAMPLE_A_PASSES]);
	s->tier = nla_get_u32(tb[HEAPMON_SAMPLE_A_TIER]);
	s->resident_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_RESIDENT_BYTES]);
	s->swapped_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_SWAPPED_BYTES]);
	s->touched_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_TOUCHED_BYTES]);
	s->idle1_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_IDLE1_BYTES]);
	s->idle10_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_IDLE10_BYTES]);
	s->idle60_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_IDLE60_BYTES]);
	s->idle600_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_IDLE600_BYTES]);
	s->never_bytes = nla_get_u64(tb[HEAPMON_SAMPLE_A_NEVER_BYTES]);
	return 0;
}

static const struct nla_policy chunk_policy[HEAPMON_CHUNK_A_MAX + 1] = {
	[HEAPMON_CHUNK_A_ADDR] = { .type = NLA_U64 },
	[HEAPMON_CHUNK_A_FLAGS] = { .type = NLA_U32 },
	[HEAPMON_CHUNK_A_BITMAP] = { .minlen = HEAPMON_CHUNK_PAGES / 8,
				     .maxlen = HEAPMON_CHUNK_PAGES / 8 },
	[HEAPMON_CHUNK_A_SWAPPED] = { .minlen = HEAPMON_CHUNK_PAGES / 8,
				      .maxlen = HEAPMON_CHUNK_PAGES / 8 },
};

static int hm_decode_target(struct nlattr *nla, struct hm_target *t)
{
	struct nlattr *tb[HEAPMON_TARGET_A_MAX + 1];

	if (hm_nl_parse_nested(tb, HEAPMON_TARGET_A_MAX, nla, target_policy) ||
	    !tb[HEAPMON_TARGET_A_PID] || !tb[HEAPMON_TARGET_A_STATE] ||
	    !tb[HEAPMON_TARGET_A_INTERVAL_MS])
		return -EBADMSG;
	t->pid = nla_get_u32(tb[HEAPMON_TARGET_A_PID]);
	t->state = nla_get_u32(tb[HEAPMON_TARGET_A_STATE]);
	t->interval_ms = nla_get_u32(tb[HEAPMON_TARGET_A_INTERVAL_MS]);
	return 0;
}

static int hm_decode_targets(struct nlattr *targets, struct hm_status *st)
{
	struct hm_target t;
	struct nlattr *nla;
	int rem, ret;

	st->listed = true;
	nla_for_each_nested(nla, targets, rem) {
		ret = hm_decode_target(nla, &t);
		if (ret)
			return ret;
		if (st->n < HM_MAX_LISTED)
			st->targets[st->n++] = t;
	}
	return 0;
}

int hm_decode_status(const struct hm_reply *r, void *status)
{
	struct nlattr *const *tb = r->tb;
	struct hm_status *st = status;

	if (!tb[HEAPMON_A_VERSION] || !tb[HEAPMON_A_PROTOCOL])
		return -EBADMSG;
	memset(st, 0, sizeof(*st));
	snprintf(st->version, sizeof(st->version), "%s", nla_get_string(tb[HEAPMON_A_VERSION]));
	st->protocol = nla_get_u32(tb[HEAPMON_A_PROTOCOL]);
	if (tb[HEAPMON_A_MAX_TARGETS])
		st->max_targets = nla_get_u32(tb[HEAPMON_A_MAX_TARGETS]);
	if (tb[HEAPMON_A_MAX_TARGET_PAGES])
		st->max_target_pages = nla_get_u64(tb[HEAPMON_A_MAX_TARGET_PAGES]);
	if (tb[HEAPMON_A_MAX_TOTAL_PAGES])
		st->max_total_pages = nla_get_u64(tb[HEAPMON_A_MAX_TOTAL_PAGES]);
	if (tb[HEAPMON_A_MAX_MEMORY_MB])
		st->max_memory_mb = nla_get_u32(tb[HEAPMON_A_MAX_MEMORY_MB]);
	if (tb[HEAPMON_A_MEMORY_BYTES])
		st->memory_bytes = nla_get_u64(tb[HEAPMON_A_MEMORY_BYTES]);
	if (tb[HEAPMON_A_TARGET_COUNT])
		st->target_count = nla_get_u32(tb[HEAPMON_A_TARGET_COUNT]);
	if (tb[HEAPMON_A_FLUSH_ROUNDS] && tb[HEAPMON_A_MAX_FLUSHES_PER_SEC] &&
	    tb[HEAPMON_A_FLUSHES_PER_SEC] && tb[HEAPMON_A_FLUSH_CPUS] &&
	    tb[HEAPMON_A_FLUSH_DEFERRED] && tb[HEAPMON_A_FLUSH_STALE_PASSES]) {
		st->has_flush = true;
		st->max_flushes_per_sec = nla_get_u32(tb[HEAPMON_A_MAX_FLUSHES_PER_SEC]);
		st->flushes_per_sec = nla_get_u32(tb[HEAPMON_A_FLUSHES_PER_SEC]);
		st->flush_rounds = nla_get_u64(tb[HEAPMON_A_FLUSH_ROUNDS]);
		st->flush_cpus = nla_get_u64(tb[HEAPMON_A_FLUSH_CPUS]);
		st->flush_deferred = nla_get_u64(tb[HEAPMON_A_FLUSH_DEFERRED]);
		st->flush_stale_passes = nla_get_u64(tb[HEAPMON_A_FLUSH_STALE_PASSES]);
	}
	if (tb[HEAPMON_A_TARGETS])
		return hm_decode_targets(tb[HEAPMON_A_TARGETS], st);
	return 0;
}

int hm_decode_stats(struct nlattr *nla, struct hm_stats *s)
{
	struct nla_policy policy[HEAPMON_STATS_A_MAX + 1] = {
		[HEAPMON_STATS_A_FLAGS] = { .type = NLA_U32 },
		[HEAPMON_STATS_A_SECONDARY_MMU] = { .type = NLA_U8 },
		[HEAPMON_STATS_A_REVISIT] = { .type = NLA_U32 },
		[HEAPMON_STATS_A_TRAP] = { .type = NLA_U32 },
		[HEAPMON_STATS_A_TRAPS_ARMED] = { .type = NLA_U32 },
	};
	struct nlattr *tb[HEAPMON_STATS_A_MAX + 1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stats_fields); i++)
		policy[stats_fields[i].attr].type = NLA_U64;
	if (hm_nl_parse_nested(tb, HEAPMON_STATS_A_MAX, nla, policy))
		return -EBADMSG;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < ARRAY_SIZE(stats_fields); i++)
		if (tb[stats_fields[i].attr])
			*stats_u64(s, &stats_fields[i]) = nla_get_u64(tb[stats_fields[i].attr]);
	if (tb[HEAPMON_STATS_A_FLAGS])
		s->flags = nla_get_u32(tb[HEAPMON_STATS_A_FLAGS]);
	if (tb[HEAPMON_STATS_A_REVISIT])
		s->revisit = nla_get_u32(tb[HEAPMON_STATS_A_REVISIT]);
	if (tb[HEAPMON_STATS_A_TRAP])
		s->trap = nla_get_u32(tb[HEAPMON_STATS_A_TRAP]);
	if (tb[HEAPMON_STATS_A_TRAPS_ARMED])
		s->traps_armed = nla_get_u32(tb[HEAPMON_STATS_A_TRAPS_ARMED]);
	s->secondary_mmu = tb[HEAPMON_STATS_A_SECONDARY_MMU] ?
			   !!nla_get_u8(tb[HEAPMON_STATS_A_SECONDARY_MMU]) : -1;
	return 0;
}

const char hm_secondary_mmu_warning[] =
	"something mirrors (or mirrored) this process's page tables (KVM, VFIO, RDMA or a GPU: "
	"MMU notifiers); what it touches through them never sets the accessed bits heapmon reads, "
	"so that memory looks idle even while it is used";

int hm_decode_target_stats(const struct hm_reply *r, struct hm_target_stats *ts)
{
	struct nlattr *const *tb = r->tb;

	if (!tb[HEAPMON_A_PID] || !tb[HEAPMON_A_STATE] || !tb[HEAPMON_A_INTERVAL_MS] ||
	    !tb[HEAPMON_A_STATS])
		return -EBADMSG;
	ts->pid = nla_get_u32(tb[HEAPMON_A_PID]);
	ts->state = nla_get_u32(tb[HEAPMON_A_STATE]);
	ts->interval_ms = nla_get_u32(tb[HEAPMON_A_INTERVAL_MS]);
	return hm_decode_stats(tb[HEAPMON_A_STATS], &ts->stats);
}

int hm_decode_region(struct nlattr *nla, struct hm_region *reg)
{
	struct nlattr *tb[HEAPMON_REGION_A_MAX + 1];

	if (hm_nl_parse_nested(tb, HEAPMON_REGION_A_MAX, nla, region_policy) ||
	    !tb[HEAPMON_REGION_A_START] || !tb[HEAPMON_REGION_A_END] ||
	    !tb[HEAPMON_REGION_A_KIND] || !tb[HEAPMON_REGION_A_STATS])
		return -EBADMSG;
	reg->start = nla_get_u64(tb[HEAPMON_REGION_A_START]);
	reg->end = nla_get_u64(tb[HEAPMON_REGION_A_END]);
	reg->kind = nla_get_u32(tb[HEAPMON_REGION_A_KIND]);
	if (reg->end < reg->start)
		return -EBADMSG;
	return hm_decode_stats(tb[HEAPMON_REGION_A_STATS], &reg->stats);
}

int hm_decode_event(struct nlattr *nla, struct hm_event *e)
{
	struct nlattr *tb[HEAPMON_EVENT_A_MAX + 1];

	if (hm_nl_parse_nested(tb, HEAPMON_EVENT_A_MAX, nla, event_policy) ||
	    !tb[HEAPMON_EVENT_A_SEQ] || !tb[HEAPMON_EVENT_A_TIME_NS] ||
	    !tb[HEAPMON_EVENT_A_KIND] || !tb[HEAPMON_EVENT_A_ADDR] || !tb[HEAPMON_EVENT_A_LEN])
		return -EBADMSG;
	e->seq = nla_get_u64(tb[HEAPMON_EVENT_A_SEQ]);
	e->time_ns = nla_get_u64(tb[HEAPMON_EVENT_A_TIME_NS]);
	e->kind = nla_get_u32(tb[HEAPMON_EVENT_A_KIND]);
	e->addr = nla_get_u64(tb[HEAPMON_EVENT_A_ADDR]);
	e->len = nla_get_u64(tb[HEAPMON_EVENT_A_LEN]);
	e->old_addr = tb[HEAPMON_EVENT_A_OLD_ADDR] ? nla_get_u64(tb[HEAPMON_EVENT_A_OLD_ADDR]) : 0;
	e->ip = tb[HEAPMON_EVENT_A_IP] ? nla_get_u64(tb[HEAPMON_EVENT_A_IP]) : 0;
	e->tid = tb[HEAPMON_EVENT_A_TID] ? nla_get_u32(tb[HEAPMON_EVENT_A_TID]) : 0;
	e->idle = tb[HEAPMON_EVENT_A_IDLE] ? nla_get_u32(tb[HEAPMON_EVENT_A_IDLE]) : 0;
	e->trap_flags = tb[HEAPMON_EVENT_A_TRAP_FLAGS] ?
			nla_get_u32(tb[HEAPMON_EVENT_A_TRAP_FLAGS]) : 0;
	return 0;
}

#define CHUNK_WORDS (HEAPMON_CHUNK_PAGES / 64)

/*
 * A chunk's bitmap as host-order words (it comes as little-endian u64 words,
 * whatever the host), so that a page's bit is found a word at a time.
 */
static unsigned int chunk_words(const unsigned char *bitmap, uint64_t *words)
{
	unsigned int k, n = 0;

	for (k = 0; k < CHUNK_WORDS; k++) {
		memcpy(&words[k], bitmap + k * sizeof(*words), sizeof(*words));
		words[k] = le64toh(words[k]);
		n += (unsigned int)__builtin_popcountll(words[k]);
	}
	return n;
}

int hm_decode_slices(struct nlattr *const *tb, unsigned int n, struct hm_heat_slice *out,
		     uint64_t *passes)
{
	const unsigned char *data;
	struct heapmon_slice ks;
	unsigned int i;

	if (!tb[HEAPMON_A_PASSES] || !tb[HEAPMON_A_SLICE_COUNT] || !tb[HEAPMON_A_SLICES] ||
	    nla_len(tb[HEAPMON_A_PASSES]) != sizeof(uint64_t) ||
	    nla_len(tb[HEAPMON_A_SLICE_COUNT]) != sizeof(uint32_t) ||
	    nla_get_u32(tb[HEAPMON_A_SLICE_COUNT]) != n ||
	    (size_t)nla_len(tb[HEAPMON_A_SLICES]) != n * sizeof(ks))
		return -EBADMSG;
	*passes = nla_get_u64(tb[HEAPMON_A_PASSES]);
	data = nla_data(tb[HEAPMON_A_SLICES]);
	for (i = 0; i < n; i++) {
		/* Attribute data is 4-byte aligned only. */
		memcpy(&ks, data + i * sizeof(ks), sizeof(ks));
		/* A resident unit counted in a slice overlaps it; never is a part of resident. */
		if (ks.never > ks.resident || (ks.resident && !(ks.flags & HEAPMON_SLICE_F_RESIDENT)))
			return -EBADMSG;
		out[i] = (struct hm_heat_slice){
			.resident = ks.resident,
			.never = ks.never,
			.idle_sum = ks.idle_sum,
			.swapped = ks.swapped,
		};
		/* The hottest page: the least idle touched one; one never touched is cold. */
		if (!(ks.flags & HEAPMON_SLICE_F_RESIDENT))
			out[i].hottest = HM_HEAT_NONE;
		else if (ks.idle_min == HEAPMON_SLICE_IDLE_NONE)
			out[i].hottest = HM_HEAT_COLD;
		else
			out[i].hottest = hm_heat_level_of_idle(ks.idle_min);
	}
	return 0;
}

int hm_decode_chunk(struct nlattr *nla, hm_page_cb cb, void *arg)
{
	struct nlattr *tb[HEAPMON_CHUNK_A_MAX + 1];
	uint64_t bits[CHUNK_WORDS], swapped[CHUNK_WORDS] = {}, word;
	const unsigned char *recs;
	unsigned int i, k, n = 0, weight;
	uint32_t flags = 0;
	uint64_t addr;
	uint32_t rec;
	int ret;

	if (hm_nl_parse_nested(tb, HEAPMON_CHUNK_A_MAX, nla, chunk_policy) ||
	    !tb[HEAPMON_CHUNK_A_ADDR] || !tb[HEAPMON_CHUNK_A_BITMAP] ||
	    !tb[HEAPMON_CHUNK_A_RECORDS])
		return -EBADMSG;
	addr = nla_get_u64(tb[HEAPMON_CHUNK_A_ADDR]);
	if (tb[HEAPMON_CHUNK_A_FLAGS])
		flags = nla_get_u32(tb[HEAPMON_CHUNK_A_FLAGS]);
	weight = chunk_words(nla_data(tb[HEAPMON_CHUNK_A_BITMAP]), bits);
	recs = nla_data(tb[HEAPMON_CHUNK_A_RECORDS]);
	if ((size_t)nla_len(tb[HEAPMON_CHUNK_A_RECORDS]) != weight * sizeof(rec))
		return -EBADMSG;
	/* Swapped pages are reported ones, and never huge. */
	if (tb[HEAPMON_CHUNK_A_SWAPPED]) {
		if (flags & HEAPMON_CHUNK_F_HUGE)
			return -EBADMSG;
		chunk_words(nla_data(tb[HEAPMON_CHUNK_A_SWAPPED]), swapped);
		for (k = 0; k < CHUNK_WORDS; k++)
			if (swapped[k] & ~bits[k])
				return -EBADMSG;
	}
	if (flags & HEAPMON_CHUNK_F_HUGE) {
		if (!(bits[0] & 1))
			return weight ? -EBADMSG : 0;
		if (weight != 1)
			return -EBADMSG;
		memcpy(&rec, recs, sizeof(rec));
		return cb(addr, HM_HUGE_PAGE_SIZE, rec, false, arg);
	}
	for (k = 0; k < CHUNK_WORDS; k++) {
		for (word = bits[k]; word; word &= word - 1) {
			i = k * 64 + (unsigned int)__builtin_ctzll(word);
			memcpy(&rec, recs + n++ * sizeof(rec), sizeof(rec));
			ret = cb(addr + i * HM_PAGE_SIZE, HM_PAGE_SIZE, rec,
				 swapped[k] >> (i % 64) & 1, arg);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* Appends the string literal s. */
#define PUT_LITERAL(p, s) ((p) = (char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

void hm_json_page_init(struct hm_json_page_cache *c)
{
	c->hex_high = 0;
	c->dec_high = 0;
}

/*
 * addr in hex: the digits of addr >> 16 as cached, then four more. An
 * address below 64 KiB has no leading part, and none is cached for it.
 */
static char *page_hex(char *out, uint64_t addr, struct hm_json_page_cache *c)
{
	uint64_t high = addr >> 16;

	if (!high)
		return json_fmt_hex(out, addr);
	if (high != c->hex_high) {
		c->hex_len = (unsigned int)(json_fmt_hex(c->hex, high) - c->hex);
		c->hex_high = high;
	}
	memcpy(out, c->hex, c->hex_len);
	return json_fmt_hex_width(out + c->hex_len, addr & 0xffff, 4);
}

/* addr in decimal: the digits of addr / 10^8 as cached, then eight more. */
static char *page_dec(char *out, uint64_t addr, struct hm_json_page_cache *c)
{
	uint64_t high = addr / 100000000;

	if (!high)
		return json_fmt_u64(out, addr);
	if (high != c->dec_high) {
		c->dec_len = (unsigned int)(json_fmt_u64(c->dec, high) - c->dec);
		c->dec_high = high;
	}
	memcpy(out, c->dec, c->dec_len);
	return json_fmt_u32_width(out + c->dec_len, (uint32_t)(addr % 100000000), 8);
}

char *hm_json_page(char *out, const struct hm_page *p, struct hm_json_page_cache *c)
{
	char *o = out;

	PUT_LITERAL(o, "{\"addr\":\"0x");
	o = page_hex(o, p->addr, c);
	PUT_LITERAL(o, "\",\"addr_int\":");
	o = page_dec(o, p->addr, c);
	/* Every page but a huge one: its size as a literal too. */
	if (p->size == HM_PAGE_SIZE) {
		PUT_LITERAL(o, ",\"size\":4096");
	} else {
		PUT_LITERAL(o, ",\"size\":");
		o = json_fmt_u64(o, p->size);
	}
	PUT_LITERAL(o, ",\"touched\":");
	o = json_fmt_u64(o, HEAPMON_REC_TOUCHED(p->rec));
	PUT_LITERAL(o, ",\"idle\":");
	o = json_fmt_u64(o, HEAPMON_REC_IDLE_PERIODS(p->rec));
	PUT_LITERAL(o, ",\"age\":");
	o = json_fmt_u64(o, HEAPMON_REC_AGE_PERIODS(p->rec));
	if (p->swapped)
		PUT_LITERAL(o, ",\"swapped\":true");
	PUT_LITERAL(o, "}\n");
	return o;
}

/*
 * Whether /proc shows the PIDs of our own PID namespace: not when it was
 * mounted by another (nsenter -p, unshare -p without a /proc of its own).
 */
static bool proc_is_ours(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return (pid_t)strtol(buf, NULL, 10) == getpid();
}

bool hm_target_comm(const struct hm_target *t, char *buf, size_t len)
{
	char path[32];
	FILE *f;
	size_t n;

	/* An exited target's PID may name another process by now. */
	if (t->state != HEAPMON_TARGET_RUNNING || !proc_is_ours())
		return false;
	snprintf(path, sizeof(path), "/proc/%u/comm", t->pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n > 0;
}

void hm_json_targets(struct json *j, const char *key, const struct hm_status *st)
{
	char comm[32];
	unsigned int i;

	json_array_begin(j, key);
	for (i = 0; i < st->n; i++) {
		json_object_begin(j, NULL);
		json_u64(j, "pid", st->targets[i].pid);
		json_str(j, "state", hm_state_name(st->targets[i].state));
		json_u64(j, "interval_ms", st->targets[i].interval_ms);
		if (hm_target_comm(&st->targets[i], comm, sizeof(comm)))
			json_str(j, "comm", comm);
		json_object_end(j);
	}
	json_array_end(j);
}

void hm_json_target_stats(struct json *j, const char *key, const struct hm_target_stats *ts)
{
	size_t i;

	json_object_begin(j, key);
	json_u64(j, "pid", ts->pid);
	json_str(j, "state", hm_state_name(ts->state));
	json_u64(j, "interval_ms", ts->interval_ms);
	for (i = 0; i < ARRAY_SIZE(stats_fields); i++)
		json_u64(j, stats_fields[i].key, stats_get(&ts->stats, &stats_fields[i]));
	json_u64(j, "flags", ts->stats.flags);
	json_u64(j, "revisit", ts->stats.revisit);
	json_u64(j, "trap", ts->stats.trap);
	json_u64(j, "traps_armed", ts->stats.traps_armed);
	if (ts->stats.secondary_mmu >= 0)
		json_bool(j, "secondary_mmu", ts->stats.secondary_mmu);
	json_object_end(j);
}

void hm_json_region(struct json *j, const struct hm_region *reg)
{
	json_object_begin(j, NULL);
	hm_json_region_fields(j, reg);
	json_object_end(j);
}

void hm_json_region_fields(struct json *j, const struct hm_region *reg)
{
	size_t i;

	json_hex(j, "start", reg->start);
	json_hex(j, "end", reg->end);
	json_str(j, "kind", hm_region_kind_name(reg->kind));
	json_u64(j, "size", reg->end - reg->start);
	for (i = 0; i < ARRAY_SIZE(stats_fields); i++)
		if (stats_fields[i].in_region)
			json_u64(j, stats_fields[i].key, stats_get(&reg->stats, &stats_fields[i]));
}

void hm_json_event(struct json *j, const struct hm_event *e)
{
	json_object_begin(j, NULL);
	json_u64(j, "seq", e->seq);
	json_u64(j, "time_ns", e->time_ns);
	json_str(j, "kind", hm_event_kind_name(e->kind));
	json_hex(j, "addr", e->addr);
	json_u64(j, "len", e->len);
	if (e->kind == HEAPMON_EVENT_MREMAP)
		json_hex(j, "old_addr", e->old_addr);
	if (e->kind == HEAPMON_EVENT_TRAP) {
		json_hex(j, "ip", e->ip);
		json_u64(j, "tid", e->tid);
		json_u64(j, "idle", e->idle);
		json_bool(j, "write", e->trap_flags & HEAPMON_TRAP_F_WRITE);
		json_bool(j, "kernel", e->trap_flags & HEAPMON_TRAP_F_KERNEL);
		if (e->trap_flags & HEAPMON_TRAP_F_REMOTE)
			json_bool(j, "remote", true);
	}
	json_object_end(j);
}

void hm_print_targets(const struct hm_status *st)
{
	unsigned int i;
	char comm[32];

	printf("%8s  %-16s  %-8s  %s\n", "PID", "COMMAND", "STATE", "INTERVAL");
	for (i = 0; i < st->n; i++)
		printf("%8u  %-16s  %-8s  %u ms\n", st->targets[i].pid,
		       hm_target_comm(&st->targets[i], comm, sizeof(comm)) ? comm : "-",
		       hm_state_name(st->targets[i].state), st->targets[i].interval_ms);
}
