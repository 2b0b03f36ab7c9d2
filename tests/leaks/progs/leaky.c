// SPDX-License-Identifier: GPL-2.0
/*
 * leaky SCENARIO [-d SECONDS] [-r RATE] [-p PIDFILE]: a small server loop
 * with a known truth for `heapmonctl leaks`. Every scenario has
 *   - a hot working set (hot_set_*), read and written every tick;
 *   - a configuration table (config_table_load), filled at start, constant
 *     and never read again: cold but not growing;
 *   - a cache (cache_*) of constant size whose entries are all read every
 *     second and replaced now and then: hot;
 *   - request scratch buffers, freed at once;
 * and exactly one leaking site, in a function named leak_*, chosen by
 * SCENARIO:
 *   list        leak_list_append: a list appended to and never read again
 *   errpath     leak_errpath_buffer: an error path forgets to free a request
 *   cache       leak_cache_insert: a cache whose eviction never runs
 *   conn        leak_conn_buffer: 64 KiB per-connection buffers, some never
 *               released
 *   large       leak_large_block: blocks of 256 KiB to 1 MiB (mmap-backed
 *               without the recorder), some dropped
 *   interleaved leak_session_note: small objects allocated in between the
 *               rows of a table that grows faster and stays hot (table_row_new)
 *   none        no leak
 *   audit       no leak, but audit_log_append's records look like one: a
 *               list appended to and read whole only every 12 s of wall
 *               time by audit_log_scan() (cold between audits, and
 *               growing): in use, which only trap mode can tell
 * RATE scales the leak (and the interleaved table) from its default of 1;
 * the program runs SECONDS (default 60) and prints nothing. PIDFILE gets
 * the PID once the configuration table is loaded.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define TICK_MS 10

static double rate = 1;
/* Reads the optimizer cannot drop. */
static volatile uint64_t sink;

static void *checked(void *p)
{
	if (!p) {
		fprintf(stderr, "leaky: out of memory\n");
		exit(1);
	}
	return p;
}

/* A macro: the malloc call, and so the recorded line, is the caller's. */
#define xmalloc(n) checked(malloc(n))

static void touch(void *p, size_t n, unsigned char v)
{
	memset(p, v, n);
}

static uint64_t read_pages(const void *p, size_t n)
{
	const volatile unsigned char *c = p;
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < n; i += 4096)
		s += c[i];
	return s + c[n - 1];
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Calls per tick of a leak of events_per_second * rate. */
static unsigned int due(double events_per_second, double *carry)
{
	unsigned int n;

	*carry += events_per_second * rate * TICK_MS / 1000.0;
	n = (unsigned int)*carry;
	*carry -= n;
	return n;
}

/* ---- the parts every scenario has ---- */

#define HOT_BLOCKS 64
#define HOT_SIZE 16384
static char *hot[HOT_BLOCKS];

static NOINLINE void hot_set_init(void)
{
	int i;

	for (i = 0; i < HOT_BLOCKS; i++) {
		hot[i] = xmalloc(HOT_SIZE);
		touch(hot[i], HOT_SIZE, i);
	}
}

static NOINLINE void hot_set_work(void)
{
	int i;

	for (i = 0; i < HOT_BLOCKS; i++) {
		sink += read_pages(hot[i], HOT_SIZE);
		hot[i][rnd() % HOT_SIZE]++;
	}
}

struct config_entry {
	char key[64];
	char value[448];
};

#define CONFIG_ENTRIES 8192	/* 4 MiB */
static struct config_entry **config;

static NOINLINE struct config_entry *config_entry_new(int i)
{
	struct config_entry *e = xmalloc(sizeof(*e));

	snprintf(e->key, sizeof(e->key), "option.%d", i);
	touch(e->value, sizeof(e->value), i);
	return e;
}

static NOINLINE void config_table_load(void)
{
	int i;

	config = xmalloc(CONFIG_ENTRIES * sizeof(*config));
	for (i = 0; i < CONFIG_ENTRIES; i++)
		config[i] = config_entry_new(i);
}

#define CACHE_SLOTS 256
#define CACHE_SIZE 4096
static char *cache[CACHE_SLOTS];

static NOINLINE char *cache_entry_new(int i)
{
	char *e = xmalloc(CACHE_SIZE);

	touch(e, CACHE_SIZE, i);
	return e;
}

static NOINLINE void cache_init(void)
{
	int i;

	for (i = 0; i < CACHE_SLOTS; i++)
		cache[i] = cache_entry_new(i);
}

/*
 * Every entry read once a second; one replaced every 100 ms, so an entry
 * lives about 25 s: most are older than the idle threshold, and hot.
 */
static NOINLINE void cache_work(unsigned long tick)
{
	int i, per_tick = CACHE_SLOTS / (1000 / TICK_MS) + 1;
	int first = (tick * per_tick) % CACHE_SLOTS;

	for (i = 0; i < per_tick; i++)
		sink += read_pages(cache[(first + i) % CACHE_SLOTS], CACHE_SIZE);
	if (tick % 10 == 0) {
		int s = rnd() % CACHE_SLOTS;

		free(cache[s]);
		cache[s] = cache_entry_new(s);
	}
}

static NOINLINE void scratch_work(void)
{
	int i;

	for (i = 0; i < 8; i++) {
		size_t n = 64 + rnd() % 16384;
		char *p = xmalloc(n);

		touch(p, n, i);
		sink += p[n / 2];
		free(p);
	}
}

/* ---- the leaks ---- */

struct node {
	struct node *next;
	char payload[1000];
};

static struct node *list_head, *list_tail;

/* 100 nodes of 1 KiB a second, appended and never read again. */
static NOINLINE void leak_list_append(void)
{
	struct node *n = xmalloc(sizeof(*n));

	n->next = NULL;
	touch(n->payload, sizeof(n->payload), 1);
	if (list_tail)
		list_tail->next = n;
	else
		list_head = n;
	list_tail = n;
}

/* A request buffer; one request in 4 fails, and that path forgets to free it. */
static NOINLINE char *leak_errpath_buffer(size_t n)
{
	char *b = xmalloc(n);

	touch(b, n, 2);
	return b;
}

static NOINLINE int serve_request(void)
{
	size_t n = 2048 + rnd() % 2048;
	char *b = leak_errpath_buffer(n);

	sink += b[n - 1];
	if (rnd() % 4 == 0)
		return -EINVAL;	/* the bug: b is not freed */
	free(b);
	return 0;
}

/* A cache whose eviction never runs: only the newest entries are looked up. */
#define LCACHE_MAX 100000
static char *lcache[LCACHE_MAX];
static unsigned int lcache_n;

static NOINLINE void leak_cache_insert(void)
{
	char *e;

	if (lcache_n == LCACHE_MAX)
		return;
	e = xmalloc(1536);
	touch(e, 1536, 3);
	lcache[lcache_n++] = e;
}

static NOINLINE void leak_cache_lookup_recent(void)
{
	unsigned int i;

	for (i = lcache_n > 8 ? lcache_n - 8 : 0; i < lcache_n; i++)
		sink += lcache[i][0];
}

/* Connections with 64 KiB buffers; one in 3 is never released. */
static NOINLINE char *leak_conn_buffer(void)
{
	char *b = xmalloc(65536);

	touch(b, 65536, 4);
	return b;
}

static NOINLINE void serve_connection(void)
{
	char *b = leak_conn_buffer();

	sink += read_pages(b, 65536);
	if (rnd() % 3)
		free(b);
}

/* Blocks of 256 KiB to 1 MiB; one in 2 dropped. */
static NOINLINE char *leak_large_block(void)
{
	size_t n = (256 + rnd() % 768) * 1024;
	char *b = xmalloc(n);

	touch(b, n, 5);
	return b;
}

static NOINLINE void serve_large(void)
{
	char *b = leak_large_block();

	if (rnd() % 2)
		free(b);
}

/* A table that grows fast and is read all the time, and a small leak in between its rows. */
#define TABLE_MAX 20000
#define ROW_SIZE 8192
static char *table[TABLE_MAX];
static unsigned int table_n;
static char *notes[TABLE_MAX];
static unsigned int notes_n;

static NOINLINE char *table_row_new(void)
{
	char *r = xmalloc(ROW_SIZE);

	touch(r, ROW_SIZE, 6);
	return r;
}

static NOINLINE void leak_session_note(void)
{
	char *n = xmalloc(4096);

	touch(n, 4096, 7);
	notes[notes_n++ % TABLE_MAX] = n;
}

/* Rows read in turn, a tenth of the table per tick: every row once every 10 ticks. */
static NOINLINE void table_work(void)
{
	static unsigned int cursor;
	unsigned int i, per_tick = table_n / 10 + 1;

	for (i = 0; i < per_tick && table_n; i++) {
		cursor = (cursor + 1) % table_n;
		sink += table[cursor][i % ROW_SIZE];
	}
}

/* ---- read now and then ---- */

struct audit_rec {
	struct audit_rec *next;
	char text[1000];
};

static struct audit_rec *audit_head;

/* 100 records of 1 KiB a second. */
static NOINLINE void audit_log_append(void)
{
	struct audit_rec *r = xmalloc(sizeof(*r));

	touch(r->text, sizeof(r->text), 8);
	r->next = audit_head;
	audit_head = r;
}

/* Every record read (every AUDIT_PERIOD_NS). */
static NOINLINE void audit_log_scan(void)
{
	struct audit_rec *r;

	for (r = audit_head; r; r = r->next)
		sink += read_pages(r->text, sizeof(r->text));
}

/* Wall time, not ticks: under emulation a tick takes longer than TICK_MS. */
#define AUDIT_PERIOD_NS (12 * 1000000000ULL)

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- the loop ---- */

enum scenario { NONE, LIST, ERRPATH, CACHE, CONN, LARGE, INTERLEAVED, AUDIT };

static const char *const names[] = {
	[NONE] = "none", [LIST] = "list", [ERRPATH] = "errpath", [CACHE] = "cache",
	[CONN] = "conn", [LARGE] = "large", [INTERLEAVED] = "interleaved", [AUDIT] = "audit",
};

static void leak_tick(enum scenario sc)
{
	static uint64_t next_audit;
	static double carry;
	unsigned int n;

	switch (sc) {
	case NONE:
		break;
	case LIST:
		for (n = due(100, &carry); n; n--)
			leak_list_append();
		break;
	case ERRPATH:
		for (n = due(400, &carry); n; n--)
			serve_request();
		break;
	case CACHE:
		for (n = due(80, &carry); n; n--)
			leak_cache_insert();
		leak_cache_lookup_recent();
		break;
	case CONN:
		for (n = due(6, &carry); n; n--)
			serve_connection();
		break;
	case LARGE:
		for (n = due(1, &carry); n; n--)
			serve_large();
		break;
	case INTERLEAVED:
		/* 25 rows (200 KiB) and 25 notes (100 KiB) a second, one after the other. */
		for (n = due(25, &carry); n && table_n < TABLE_MAX; n--) {
			table[table_n++] = table_row_new();
			leak_session_note();
		}
		table_work();
		break;
	case AUDIT:
		for (n = due(100, &carry); n; n--)
			audit_log_append();
		if (!next_audit)
			next_audit = monotonic_ns() + AUDIT_PERIOD_NS;
		if (monotonic_ns() >= next_audit) {
			audit_log_scan();
			next_audit += AUDIT_PERIOD_NS;
		}
		break;
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int usage(void)
{
	fprintf(stderr, "usage: leaky none|list|errpath|cache|conn|large|interleaved|audit "
		"[-d SECONDS] [-r RATE] [-p PIDFILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	double seconds = 60;
	enum scenario sc;
	unsigned long tick, ticks;
	int c;

	if (argc < 2)
		return usage();
	for (sc = 0; sc < sizeof(names) / sizeof(names[0]); sc++)
		if (!strcmp(argv[1], names[sc]))
			break;
	if (sc == sizeof(names) / sizeof(names[0]))
		return usage();
	optind = 2;
	while ((c = getopt(argc, argv, "d:r:p:")) != -1) {
		switch (c) {
		case 'd':
			seconds = atof(optarg);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			return usage();
		}
	}
	rnd_state ^= getpid();
	hot_set_init();
	config_table_load();
	cache_init();
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
			fprintf(stderr, "leaky: %s: %s\n", pidfile, strerror(errno));
			return 1;
		}
	}
	ticks = (unsigned long)(seconds * 1000 / TICK_MS);
	for (tick = 0; tick < ticks; tick++) {
		hot_set_work();
		cache_work(tick);
		scratch_work();
		leak_tick(sc);
		sleep_ms(TICK_MS);
	}
	sink += config[rnd() % CONFIG_ENTRIES] != NULL;
	return 0;
}
