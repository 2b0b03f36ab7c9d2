// SPDX-License-Identifier: GPL-2.0
/* Unit tests of heapmonctl's decoding of heapmon's nested attributes. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <netlink/msg.h>

#include "decode.h"
#include "heat.h"
#include "unit.h"

#define BASE 0x7f0000000000ULL
#define REC(touched, idle, age) ((touched) | (idle) << 8 | (uint32_t)(age) << 20)

/* A fake HEAPMON_A_CHUNK; records_len < 0 means one u32 per set bit. */
struct chunk {
	uint64_t addr;
	uint32_t flags;
	const unsigned int *bits;
	unsigned int nbits;
	const uint32_t *recs;
	const unsigned int *swapped;	/* HEAPMON_CHUNK_A_SWAPPED's bits, if any */
	unsigned int nswapped;
	int bitmap_len;
	int records_len;
	bool no_addr;
};

static struct nl_msg *msg;

static struct nlattr *put_chunk(const struct chunk *c)
{
	unsigned char bitmap[HEAPMON_CHUNK_PAGES / 8 + 8] = { 0 };
	unsigned char swapped[HEAPMON_CHUNK_PAGES / 8] = { 0 };
	struct nlattr *nest;
	unsigned int i;
	int rec_len = c->records_len < 0 ? (int)(c->nbits * sizeof(uint32_t)) : c->records_len;
	int bitmap_len = c->bitmap_len ? c->bitmap_len : HEAPMON_CHUNK_PAGES / 8;

	/* Little-endian u64 words: bit i is bit i % 8 of byte i / 8. */
	for (i = 0; i < c->nbits; i++)
		bitmap[c->bits[i] / 8] |= 1 << (c->bits[i] % 8);
	for (i = 0; i < c->nswapped; i++)
		swapped[c->swapped[i] / 8] |= 1 << (c->swapped[i] % 8);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, HEAPMON_A_CHUNK);
	if (!c->no_addr)
		nla_put_u64(msg, HEAPMON_CHUNK_A_ADDR, c->addr);
	nla_put_u32(msg, HEAPMON_CHUNK_A_FLAGS, c->flags);
	nla_put(msg, HEAPMON_CHUNK_A_BITMAP, bitmap_len, bitmap);
	nla_put(msg, HEAPMON_CHUNK_A_RECORDS, rec_len, c->recs);
	if (c->swapped)
		nla_put(msg, HEAPMON_CHUNK_A_SWAPPED, sizeof(swapped), swapped);
	nla_nest_end(msg, nest);
	return nest;
}

static int add_page(uint64_t addr, uint64_t size, uint32_t rec, bool swapped, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%s0x%" PRIx64 " %" PRIu64 " t%u i%u a%u%s", n ? ", " : "",
		 addr, size, HEAPMON_REC_TOUCHED(rec), HEAPMON_REC_IDLE(rec), HEAPMON_REC_AGE(rec),
		 swapped ? " swapped" : "");
	return 0;
}

/* The pages decoded, one "addr size tTOUCHED iIDLE aAGE[ swapped]" each, or the error. */
static const char *decode(const struct chunk *c)
{
	static char out[1024];
	int ret;

	out[0] = '\0';
	ret = hm_decode_chunk(put_chunk(c), add_page, out);
	if (ret)
		snprintf(out, sizeof(out), "error %d", ret);
	return out;
}

static int stop_after_one(uint64_t addr, uint64_t size, uint32_t rec, bool swapped, void *arg)
{
	++*(int *)arg;
	return -ECANCELED;
}

static void test_chunks(void)
{
	static const unsigned int bits[] = { 0, 1, 63, 64, 511 };
	static const uint32_t recs[] = {
		REC(1, 0, 1), REC(255, 9, 4095), REC(0, 10, 10), REC(3, 4095, 100), REC(7, 60, 61),
	};
	static const unsigned int bit0[] = { 0 }, bit5[] = { 5 }, bits05[] = { 0, 5 };
	static const unsigned int swapped[] = { 1, 511 }, stray[] = { 2 };
	static const uint32_t huge_rec[] = { REC(2, 1, 600) }, two[] = { 1, 2 };
	struct chunk c = { .addr = BASE, .bits = bits, .nbits = 5, .recs = recs,
			   .records_len = -1 };
	int calls = 0;

	UNIT_EQ_STR("chunk: pages at ADDR + bit * 4096, in bit order", decode(&c),
		    "0x7f0000000000 4096 t1 i0 a1, 0x7f0000001000 4096 t255 i9 a4095, "
		    "0x7f000003f000 4096 t0 i10 a10, 0x7f0000040000 4096 t3 i4095 a100, "
		    "0x7f00001ff000 4096 t7 i60 a61");
	c.swapped = swapped;
	c.nswapped = 2;
	UNIT_EQ_STR("chunk: SWAPPED marks its pages", decode(&c),
		    "0x7f0000000000 4096 t1 i0 a1, 0x7f0000001000 4096 t255 i9 a4095 swapped, "
		    "0x7f000003f000 4096 t0 i10 a10, 0x7f0000040000 4096 t3 i4095 a100, "
		    "0x7f00001ff000 4096 t7 i60 a61 swapped");
	c.swapped = stray;
	c.nswapped = 1;
	UNIT_EQ_STR("chunk: a swapped page that is not reported", decode(&c), "error -74");
	c.swapped = NULL;
	c.nswapped = 0;
	c.nbits = 0;
	UNIT_EQ_STR("chunk: empty bitmap", decode(&c), "");
	c = (struct chunk){ .addr = BASE + (2 << 20), .flags = HEAPMON_CHUNK_F_HUGE, .bits = bit0,
			    .nbits = 1, .recs = huge_rec, .records_len = -1 };
	UNIT_EQ_STR("chunk: huge page", decode(&c), "0x7f0000200000 2097152 t2 i1 a600");
	c.swapped = bit0;
	c.nswapped = 1;
	UNIT_EQ_STR("chunk: a huge page cannot be swapped", decode(&c), "error -74");
	c.swapped = NULL;
	c.nswapped = 0;
	c.bits = bit5;
	UNIT_EQ_STR("chunk: huge page with a bit other than 0", decode(&c), "error -74");
	c.bits = bits05;
	c.nbits = 2;
	c.recs = two;
	UNIT_EQ_STR("chunk: huge page with two bits", decode(&c), "error -74");
	c = (struct chunk){ .addr = BASE, .bits = bits, .nbits = 5, .recs = recs,
			    .records_len = 16 };
	UNIT_EQ_STR("chunk: fewer records than bits", decode(&c), "error -74");
	c.records_len = -1;
	c.bitmap_len = 32;
	UNIT_EQ_STR("chunk: short bitmap", decode(&c), "error -74");
	c.bitmap_len = 0;
	c.no_addr = true;
	UNIT_EQ_STR("chunk: no ADDR", decode(&c), "error -74");
	c.no_addr = false;
	UNIT_EQ_INT("chunk: a callback's error stops the walk",
		    hm_decode_chunk(put_chunk(&c), stop_after_one, &calls), -ECANCELED);
	UNIT_EQ_INT("chunk: no call after the error", calls, 1);
}

static void test_names(void)
{
	static const char *const kinds[] = {
		"brk_grow", "brk_shrink", "mmap", "munmap", "mremap", "fault", "exec", "exit", "trap",
	};
	char name[64];
	unsigned int i;

	UNIT_EQ_INT("every event kind is named here", sizeof(kinds) / sizeof(kinds[0]),
		    HEAPMON_EVENT_KIND_MAX + 1);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(name, sizeof(name), "event kind %u", i);
		UNIT_EQ_STR(name, hm_event_kind_name(i), kinds[i]);
	}
	UNIT_EQ_STR("event kind out of range", hm_event_kind_name(HEAPMON_EVENT_KIND_MAX + 1),
		    "unknown");
	UNIT_EQ_STR("region kind brk", hm_region_kind_name(HEAPMON_REGION_BRK), "brk");
	UNIT_EQ_STR("region kind anon", hm_region_kind_name(HEAPMON_REGION_ANON), "anon");
	UNIT_EQ_STR("region kind out of range", hm_region_kind_name(7), "unknown");
	UNIT_EQ_STR("state running", hm_state_name(HEAPMON_TARGET_RUNNING), "running");
	UNIT_EQ_STR("state exited", hm_state_name(HEAPMON_TARGET_EXITED), "exited");
}

static char *json_of(void (*fn)(struct json *j, const void *obj), const void *obj)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, f);
	fn(&j, obj);
	json_end_line(&j);
	fclose(f);
	return buf;
}

static void event_json(struct json *j, const void *e)
{
	hm_json_event(j, e);
}

static void region_json(struct json *j, const void *reg)
{
	hm_json_region(j, reg);
}

static struct nlattr *put_event(uint32_t kind, bool old_addr)
{
	struct nlattr *nest;

	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, HEAPMON_A_EVENT);
	nla_put_u64(msg, HEAPMON_EVENT_A_SEQ, 7);
	nla_put_u64(msg, HEAPMON_EVENT_A_TIME_NS, 1234567890123ULL);
	nla_put_u32(msg, HEAPMON_EVENT_A_KIND, kind);
	nla_put_u64(msg, HEAPMON_EVENT_A_ADDR, BASE);
	nla_put_u64(msg, HEAPMON_EVENT_A_LEN, 8192);
	if (old_addr)
		nla_put_u64(msg, HEAPMON_EVENT_A_OLD_ADDR, 0x7e0000000000ULL);
	nla_nest_end(msg, nest);
	return nest;
}

static void test_events(void)
{
	struct hm_event e;

	UNIT_EQ_INT("event decodes", hm_decode_event(put_event(HEAPMON_EVENT_MMAP, false), &e), 0);
	UNIT_EQ_STR("event json", json_of(event_json, &e),
		    "{\"seq\":7,\"time_ns\":1234567890123,\"kind\":\"mmap\","
		    "\"addr\":\"0x7f0000000000\",\"addr_int\":139637976727552,\"len\":8192}\n");
	UNIT_EQ_INT("mremap event decodes",
		    hm_decode_event(put_event(HEAPMON_EVENT_MREMAP, true), &e), 0);
	UNIT_EQ_STR("mremap event json has old_addr", json_of(event_json, &e),
		    "{\"seq\":7,\"time_ns\":1234567890123,\"kind\":\"mremap\","
		    "\"addr\":\"0x7f0000000000\",\"addr_int\":139637976727552,\"len\":8192,"
		    "\"old_addr\":\"0x7e0000000000\",\"old_addr_int\":138538465099776}\n");
}

static void test_region(void)
{
	struct nlattr *nest, *stats;
	struct hm_region reg;
	uint64_t v = 0;
	int a;

	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, HEAPMON_A_REGION);
	nla_put_u64(msg, HEAPMON_REGION_A_START, BASE);
	nla_put_u64(msg, HEAPMON_REGION_A_END, BASE + (4 << 20));
	nla_put_u32(msg, HEAPMON_REGION_A_KIND, HEAPMON_REGION_ANON);
	stats = nla_nest_start(msg, HEAPMON_REGION_A_STATS);
	for (a = HEAPMON_STATS_A_TRACKED_BYTES; a <= HEAPMON_STATS_A_FAULTS; a++)
		nla_put_u64(msg, a, ++v * 4096);
	nla_put_u64(msg, HEAPMON_STATS_A_SWAPPED_BYTES, 3 * 4096);
	nla_nest_end(msg, stats);
	nla_nest_end(msg, nest);
	UNIT_EQ_INT("region decodes", hm_decode_region(nest, &reg), 0);
	UNIT_EQ_STR("region json", json_of(region_json, &reg),
		    "{\"start\":\"0x7f0000000000\",\"start_int\":139637976727552,"
		    "\"end\":\"0x7f0000400000\",\"end_int\":139637980921856,\"kind\":\"anon\","
		    "\"size\":4194304,\"resident_bytes\":8192,\"swapped_bytes\":12288,"
		    "\"touched_bytes\":16384,"
		    "\"idle1_bytes\":20480,\"idle10_bytes\":24576,\"idle60_bytes\":28672,"
		    "\"idle600_bytes\":32768,\"never_bytes\":36864,\"faults\":40960}\n");
}

/* A SLICES reply's attribute table: PASSES 42, SLICE_COUNT count, SLICES the n given. */
static void put_slices(struct nlattr **tb, uint32_t count, const struct heapmon_slice *ks,
		       int len)
{
	memset(tb, 0, (HEAPMON_A_MAX + 1) * sizeof(*tb));
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	/* Each attribute goes at the message's tail (4 KiB: no reallocation). */
	tb[HEAPMON_A_PASSES] = nlmsg_tail(nlmsg_hdr(msg));
	nla_put_u64(msg, HEAPMON_A_PASSES, 42);
	tb[HEAPMON_A_SLICE_COUNT] = nlmsg_tail(nlmsg_hdr(msg));
	nla_put_u32(msg, HEAPMON_A_SLICE_COUNT, count);
	tb[HEAPMON_A_SLICES] = nlmsg_tail(nlmsg_hdr(msg));
	nla_put(msg, HEAPMON_A_SLICES, len, ks);
}

static void test_slices(void)
{
	const struct heapmon_slice ks[] = {
		{ .idle_min = HEAPMON_SLICE_IDLE_NONE },
#define F HEAPMON_SLICE_F_RESIDENT
		{ .resident = 8, .swapped = 1, .never = 8, .idle_min = HEAPMON_SLICE_IDLE_NONE,
		  .flags = F },
		{ .resident = 4, .flags = F },
		{ .resident = 4, .swapped = 2, .idle_sum = 2, .idle_min = 2, .flags = F },
		{ .resident = 4, .idle_sum = 40, .idle_min = 10, .flags = F },
		{ .idle_min = 60, .flags = F },	/* only warmed by a unit of its neighbour */
#undef F
	};
	struct nlattr *tb[HEAPMON_A_MAX + 1];
	struct hm_heat_slice s[6];
	char got[64] = "";
	uint64_t passes = 0;
	unsigned int i;

	put_slices(tb, 6, ks, sizeof(ks));
	memset(s, 0, sizeof(s));
	UNIT_EQ_INT("slices: decoded", hm_decode_slices(tb, 6, s, &passes), 0);
	UNIT_EQ_INT("slices: the pass", passes, 42);
	for (i = 0; i < 6; i++)
		got[i] = hm_heat_level_char(s[i].hottest);
	UNIT_EQ_STR("slices: hottest: none, never touched, idle 0, 2, 10, 60", got, " .#+-.");
	snprintf(got, sizeof(got), "%llu %llu %llu %llu", (unsigned long long)s[3].resident,
		 (unsigned long long)s[3].never, (unsigned long long)s[3].idle_sum,
		 (unsigned long long)s[3].swapped);
	UNIT_EQ_STR("slices: resident, never, idle_sum, swapped", got, "4 0 2 2");
	UNIT_EQ_INT("slices: another count than asked", hm_decode_slices(tb, 5, s, &passes),
		    -EBADMSG);
	put_slices(tb, 6, ks, sizeof(ks) - 1);
	UNIT_EQ_INT("slices: a short array", hm_decode_slices(tb, 6, s, &passes), -EBADMSG);
	put_slices(tb, 5, ks, sizeof(ks));
	UNIT_EQ_INT("slices: a long array", hm_decode_slices(tb, 5, s, &passes), -EBADMSG);
	put_slices(tb, 6, ks, sizeof(ks));
	tb[HEAPMON_A_PASSES] = NULL;
	UNIT_EQ_INT("slices: no PASSES", hm_decode_slices(tb, 6, s, &passes), -EBADMSG);
	{
		struct heapmon_slice bad[2] = { ks[1], ks[1] };

		bad[1].never = 9;
		put_slices(tb, 2, bad, sizeof(bad));
		UNIT_EQ_INT("slices: more never touched than resident",
			    hm_decode_slices(tb, 2, s, &passes), -EBADMSG);
		bad[1] = ks[2];
		bad[1].flags = 0;
		put_slices(tb, 2, bad, sizeof(bad));
		UNIT_EQ_INT("slices: resident without the RESIDENT flag",
			    hm_decode_slices(tb, 2, s, &passes), -EBADMSG);
	}
}

/* A page's line as the json_* calls write it: what hm_json_page() must match. */
static void page_by_json(struct json *j, const struct hm_page *p)
{
	json_object_begin(j, NULL);
	json_hex(j, "addr", p->addr);
	json_u64(j, "size", p->size);
	json_u64(j, "touched", HEAPMON_REC_TOUCHED(p->rec));
	json_u64(j, "idle", HEAPMON_REC_IDLE_PERIODS(p->rec));
	json_u64(j, "age", HEAPMON_REC_AGE_PERIODS(p->rec));
	if (p->swapped)
		json_bool(j, "swapped", true);
	json_object_end(j);
	json_newline(j);
}

/* hm_json_page() with cache c against page_by_json() for p; 1 when the bytes agree. */
static int page_line_same(const struct hm_page *p, struct hm_json_page_cache *c)
{
	static char want[4096];
	char got[HM_JSON_PAGE_MAX + 1], *end;
	FILE *f = fmemopen(want, sizeof(want), "w");
	struct json j;

	json_init(&j, f);
	page_by_json(&j, p);
	fclose(f);
	end = hm_json_page(got, p, c);
	*end = '\0';
	return end - got <= HM_JSON_PAGE_MAX && !strcmp(got, want);
}

static void test_page_json(void)
{
	static const uint32_t recs[] = {
		0, REC(1, 0, 0), REC(255, 2047, 2047), REC(7, 2048, 2049), REC(0, 4095, 4095),
		0xffffffff, REC(100, 999, 10),
	};
	static const uint64_t addrs[] = { 0, 4096, 0x4a9000, BASE, 0x7ffffffff000ULL, UINT64_MAX };
	/* Where the cached leading digits change: 64 KiB, 10^8, 2^32 and more. */
	static const uint64_t runs[] = {
		0, 0xf000, 100000000 - 0x8000, 0xfffff000, 0x7ffffff00000ULL, 1000000000000 - 0x9000,
		UINT64_MAX - 0x20000,
	};
	struct hm_json_page_cache c;
	struct hm_page p = {};
	unsigned int a, r, ok = 1;
	char line[HM_JSON_PAGE_MAX + 1];

	p = (struct hm_page){ .addr = BASE + 4096, .size = HM_PAGE_SIZE, .rec = REC(3, 1, 600),
			      .swapped = 1 };
	hm_json_page_init(&c);
	*hm_json_page(line, &p, &c) = '\0';
	UNIT_EQ_STR("page line: a swapped-out page", line,
		    "{\"addr\":\"0x7f0000001000\",\"addr_int\":139637976731648,\"size\":4096,"
		    "\"touched\":3,\"idle\":1,\"age\":600,\"swapped\":true}\n");
	for (a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++) {
		for (r = 0; r < sizeof(recs) / sizeof(recs[0]); r++) {
			p.addr = addrs[a];
			p.rec = recs[r];
			p.size = HM_PAGE_SIZE;
			p.swapped = 0;
			hm_json_page_init(&c);
			ok &= page_line_same(&p, &c);
			p.swapped = 1;
			ok &= page_line_same(&p, &c);
			p.swapped = 0;
			p.size = HM_HUGE_PAGE_SIZE;
			ok &= page_line_same(&p, &c);
		}
	}
	UNIT_EQ_INT("page line: the json_* calls' bytes, small, huge and swapped, at the extremes",
		    ok, 1);
	/* Runs of pages through one cache, across its seams, forwards and back. */
	ok = 1;
	hm_json_page_init(&c);
	p = (struct hm_page){ .size = HM_PAGE_SIZE, .rec = REC(1, 2, 3) };
	for (a = 0; a < sizeof(runs) / sizeof(runs[0]); a++) {
		for (r = 0; r < 64; r++) {
			p.addr = runs[a] + r * HM_PAGE_SIZE;
			ok &= page_line_same(&p, &c);
		}
		for (r = 64; r-- > 0;) {
			p.addr = runs[a] + r * HM_PAGE_SIZE;
			ok &= page_line_same(&p, &c);
		}
	}
	UNIT_EQ_INT("page line: runs of pages with their leading digits kept, the same bytes",
		    ok, 1);
}

int main(void)
{
	test_page_json();
	test_slices();
	test_chunks();
	test_names();
	test_events();
	test_region();
	nlmsg_free(msg);
	return unit_failed ? 1 : 0;
}
