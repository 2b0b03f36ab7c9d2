// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the site file reader: synthetic files, good and bad, whose
 * exact contents are known, and a live writer racing the reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "sitesfile.h"
#include "unit.h"

#define NREC 8
#define NSTK 4

/* A file image: header, NREC records, NSTK stacks, in one buffer. */
struct image {
	struct hm_sites_header h;
	char pad[HM_SITES_HEADER_SIZE - sizeof(struct hm_sites_header)];
	struct hm_sites_record recs[NREC];
	struct hm_sites_stack stacks[NSTK];
};

static char dir[] = "/tmp/hm-test-sitesfile.XXXXXX";
static char err[256];

static void image_init(struct image *im)
{
	memset(im, 0, sizeof(*im));
	im->h.magic = HM_SITES_MAGIC;
	im->h.version = HM_SITES_VERSION;
	im->h.header_size = HM_SITES_HEADER_SIZE;
	im->h.pid = 4242;
	im->h.max_depth = HM_SITES_MAX_DEPTH;
	im->h.sample_mean = 512 << 10;
	im->h.records_off = offsetof(struct image, recs);
	im->h.stacks_off = offsetof(struct image, stacks);
	im->h.records_cap = NREC;
	im->h.stacks_cap = NSTK;
	im->h.record_size = sizeof(struct hm_sites_record);
	im->h.stack_size = sizeof(struct hm_sites_stack);
	im->h.generation = 7;
	im->h.samples = 9;
	im->h.drops_records = 1;
}

static void add_stack(struct image *im, uint32_t depth, uint64_t first)
{
	struct hm_sites_stack *st = &im->stacks[im->h.stacks_used++];
	uint32_t i;

	st->depth = depth;
	for (i = 0; i < depth && i < HM_SITES_MAX_DEPTH; i++)
		st->frames[i] = first + i;
}

static void add_record(struct image *im, uint32_t stack, uint64_t addr, uint64_t size,
		       uint64_t weight, uint64_t time)
{
	struct hm_sites_record *r = &im->recs[im->h.records_used++];

	r->seq = 2;
	r->stack = stack;
	r->addr = addr;
	r->size = size;
	r->weight_bytes = weight;
	r->time_ns = time;
}

/* Stack 1 (3 frames), stack 2 (1 frame); records on 1, 2, 1, none, and a free one. */
static void image_good(struct image *im)
{
	image_init(im);
	add_stack(im, 3, 0x401000);
	add_stack(im, 1, 0x402000);
	add_record(im, 1, 0x7f0000001000, 100, 1000, 50);
	add_record(im, 2, 0x7f0000002000, 4096, 524288, 10);
	add_record(im, 0, 0, 0, 0, 0);		/* free */
	add_record(im, 1, 0x7f0000003000, 400, 2000, 30);
	add_record(im, 0, 0x7f0000004000, 64, 800, 70);
}

static const char *write_image(const char *name, const void *buf, size_t len)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		perror(path);
		exit(1);
	}
	close(fd);
	return path;
}

static int read_image(const struct image *im, size_t len, struct hm_sites *s)
{
	err[0] = '\0';
	return hm_sites_read_path(write_image("t.sites", im, len), s, err, sizeof(err));
}

static void test_good(void)
{
	struct image im;
	struct hm_sites s;
	struct hm_site *sites;
	const struct hm_sites_stack *st;
	size_t n;
	int ret;

	image_good(&im);
	ret = read_image(&im, sizeof(im), &s);
	UNIT_EQ_INT("good: read", ret, 0);
	if (ret) {
		printf("# %s\n", err);
		return;
	}
	UNIT_EQ_INT("good: live records (the free one left out)", s.n_recs, 4);
	UNIT_EQ_INT("good: stacks", s.n_stacks, 2);
	UNIT_EQ_INT("good: header pid", s.hdr.pid, 4242);
	UNIT_EQ_INT("good: header samples", s.hdr.samples, 9);
	UNIT_EQ_INT("good: header drops_records", s.hdr.drops_records, 1);
	UNIT_EQ_INT("good: record order kept", s.recs[2].addr, 0x7f0000003000);
	st = hm_sites_stack_of(&s, &s.recs[0]);
	UNIT_EQ_INT("good: stack of record 0 has 3 frames", st ? st->depth : 0, 3);
	UNIT_EQ_INT("good: its innermost frame", st ? st->frames[0] : 0, 0x401000);
	UNIT_EQ_INT("good: its outermost frame", st ? st->frames[2] : 0, 0x401002);
	UNIT_EQ_INT("good: frames past depth are zero", st ? st->frames[3] : 1, 0);
	UNIT_EQ_INT("good: record without a stack", hm_sites_stack_of(&s, &s.recs[3]) == NULL, 1);

	ret = hm_sites_group(&s, &sites, &n);
	UNIT_EQ_INT("group: ok", ret, 0);
	UNIT_EQ_INT("group: three sites", n, 3);
	if (n == 3) {
		UNIT_EQ_INT("group: first is stack 2", sites[0].stack, 2);
		UNIT_EQ_INT("group: its live bytes", sites[0].live_bytes, 524288);
		UNIT_EQ_INT("group: its count x1000", (long long)(sites[0].count * 1000 + 0.5), 128000);
		UNIT_EQ_INT("group: second is stack 1", sites[1].stack, 1);
		UNIT_EQ_INT("group: its live bytes (1000 + 2000)", sites[1].live_bytes, 3000);
		UNIT_EQ_INT("group: its count (10 + 5)", (long long)(sites[1].count * 1000 + 0.5), 15000);
		UNIT_EQ_INT("group: its samples", sites[1].samples, 2);
		UNIT_EQ_INT("group: its first time", sites[1].first_ns, 30);
		UNIT_EQ_INT("group: its last time", sites[1].last_ns, 50);
		UNIT_EQ_INT("group: third is the stackless one", sites[2].stack, 0);
		UNIT_EQ_INT("group: its live bytes", sites[2].live_bytes, 800);
	}
	free(sites);
	hm_sites_free(&s);
}

static void test_by_pid(void)
{
	struct image im;
	struct hm_sites s;
	int ret;

	image_good(&im);
	write_image("4242.sites", &im, sizeof(im));
	ret = hm_sites_read(4242, dir, &s, err, sizeof(err));
	UNIT_EQ_INT("by pid: in dir", ret, 0);
	UNIT_EQ_STR("by pid: path", strrchr(s.path, '/'), "/4242.sites");
	hm_sites_free(&s);

	setenv(HM_SITES_DIR_ENV, dir, 1);
	ret = hm_sites_read(4242, NULL, &s, err, sizeof(err));
	UNIT_EQ_INT("by pid: $HEAPMON_SITES_DIR", ret, 0);
	hm_sites_free(&s);
	unsetenv(HM_SITES_DIR_ENV);

	ret = hm_sites_read(4243, dir, &s, err, sizeof(err));
	UNIT_EQ_INT("by pid: no file is ENOENT", ret, -ENOENT);
	UNIT_EQ_INT("by pid: no file leaves nothing to free", s.recs == NULL && s.stacks == NULL, 1);
}

/* Each case: a change to a good image, the length written, and the error wanted. */
static void expect_bad(const char *name, const struct image *im, size_t len, int want,
		       const char *want_msg)
{
	struct hm_sites s;
	char label[160];
	int ret = read_image(im, len, &s);

	snprintf(label, sizeof(label), "bad: %s: error", name);
	UNIT_EQ_INT(label, ret, want);
	snprintf(label, sizeof(label), "bad: %s: says '%s'", name, want_msg);
	UNIT_EQ_INT(label, strstr(err, want_msg) != NULL, 1);
	if (!strstr(err, want_msg))
		printf("# got: %s\n", err);
	UNIT_EQ_INT("bad: nothing left to free", s.recs == NULL && s.stacks == NULL, 1);
}

static void test_bad(void)
{
	struct image im;

	image_good(&im);
	expect_bad("empty file", &im, 0, -EPROTO, "less than a header");
	expect_bad("half a header", &im, 100, -EPROTO, "less than a header");
	expect_bad("truncated in the stacks", &im, sizeof(im) - 8, -EPROTO, "truncated or corrupt");
	expect_bad("header only", &im, HM_SITES_HEADER_SIZE, -EPROTO, "truncated or corrupt");

	image_good(&im);
	im.h.magic ^= 1;
	expect_bad("wrong magic", &im, sizeof(im), -EPROTO, "not a heapmon site file");

	image_good(&im);
	im.h.version = 2;
	expect_bad("version 2", &im, sizeof(im), -EPROTO, "version 2");

	image_good(&im);
	im.h.record_size = 40;
	expect_bad("record size", &im, sizeof(im), -EPROTO, "unexpected sizes");

	image_good(&im);
	im.h.records_off = ~0ULL - 7;
	expect_bad("records offset past the end", &im, sizeof(im), -EPROTO, "truncated or corrupt");

	image_good(&im);
	im.h.stacks_cap = 0xffffffff;
	expect_bad("huge stack capacity", &im, sizeof(im), -EPROTO, "truncated or corrupt");

	image_good(&im);
	im.h.stacks_off = im.h.records_off + 64;
	expect_bad("overlapping tables", &im, sizeof(im), -EPROTO, "overlap");

	image_good(&im);
	im.h.records_used = NREC + 1;
	expect_bad("records_used past cap", &im, sizeof(im), -EPROTO, "records used");

	image_good(&im);
	im.recs[1].stack = NSTK + 1;
	expect_bad("stack index out of range", &im, sizeof(im), -EPROTO, "names stack 5 of 4");

	image_good(&im);
	im.stacks[0].depth = HM_SITES_MAX_DEPTH + 1;
	expect_bad("stack too deep", &im, sizeof(im), -EPROTO, "65 frames");

	image_good(&im);
	im.h.max_depth = 0;
	expect_bad("max_depth 0", &im, sizeof(im), -EPROTO, "max_depth");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_partial(void)
{
	struct image im;
	struct hm_sites s;
	double t0;
	int ret;

	/* A record whose writer died halfway: seq odd for good. */
	image_good(&im);
	im.recs[1].seq = 3;
	t0 = now();
	ret = read_image(&im, sizeof(im), &s);
	UNIT_EQ_INT("odd seq: read", ret, 0);
	UNIT_EQ_INT("odd seq: that record left out", s.n_recs, 3);
	UNIT_EQ_INT("odd seq: within a second", now() - t0 < 1.0, 1);
	UNIT_EQ_INT("odd seq: the others kept", s.n_recs == 3 && s.recs[1].addr == 0x7f0000003000, 1);
	hm_sites_free(&s);

	/* Every record stuck: the retry budget bounds the time. */
	image_good(&im);
	for (int i = 0; i < NREC; i++)
		im.recs[i].seq = 1;
	im.h.records_used = NREC;
	t0 = now();
	ret = read_image(&im, sizeof(im), &s);
	UNIT_EQ_INT("all odd: read", ret, 0);
	UNIT_EQ_INT("all odd: no records", s.n_recs, 0);
	UNIT_EQ_INT("all odd: within two seconds", now() - t0 < 2.0, 1);
	hm_sites_free(&s);

	/* A stack still being written (depth 0): its record stays, without a stack. */
	image_good(&im);
	im.stacks[1].depth = 0;
	ret = read_image(&im, sizeof(im), &s);
	UNIT_EQ_INT("incomplete stack: read", ret, 0);
	UNIT_EQ_INT("incomplete stack: record kept", s.n_recs, 4);
	UNIT_EQ_INT("incomplete stack: no stack for it", s.n_recs == 4 && !hm_sites_stack_of(&s, &s.recs[1]), 1);
	UNIT_EQ_INT("incomplete stack: the other complete", s.n_recs == 4 && hm_sites_stack_of(&s, &s.recs[0]) != NULL, 1);
	hm_sites_free(&s);

	/* No records at all. */
	image_init(&im);
	ret = read_image(&im, sizeof(im), &s);
	UNIT_EQ_INT("empty table: read", ret, 0);
	UNIT_EQ_INT("empty table: no records", s.n_recs, 0);
	{
		struct hm_site *sites = (void *)1;
		size_t n = 1;

		UNIT_EQ_INT("empty table: group", hm_sites_group(&s, &sites, &n), 0);
		UNIT_EQ_INT("empty table: no sites", n == 0 && sites == NULL, 1);
	}
	hm_sites_free(&s);
}

/*
 * A writer rewrites every record under the seqlock, keeping size = 2 * addr
 * and weight = 3 * addr; a copy with any other relation is torn.
 */
static volatile bool stop;

static void *writer(void *arg)
{
	struct image *im = arg;
	uint64_t k = 1;

	while (!stop) {
		for (int i = 0; i < NREC; i++, k++) {
			struct hm_sites_record *r = &im->recs[i];
			uint32_t seq = __atomic_load_n(&r->seq, __ATOMIC_RELAXED);

			__atomic_store_n(&r->seq, seq + 1, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_RELEASE);
			__atomic_store_n(&r->addr, k, __ATOMIC_RELAXED);
			__atomic_store_n(&r->size, 2 * k, __ATOMIC_RELAXED);
			__atomic_store_n(&r->weight_bytes, 3 * k, __ATOMIC_RELAXED);
			__atomic_store_n(&r->seq, seq + 2, __ATOMIC_RELEASE);
			__atomic_fetch_add(&im->h.generation, 1, __ATOMIC_RELEASE);
		}
	}
	return NULL;
}

static void test_race(void)
{
	const char *path;
	struct image *im;
	struct hm_sites s;
	pthread_t t;
	int fd, reads = 0, torn = 0, failed = 0, full = 0;
	double t0;

	/* The writer works on a shared mapping of the file itself. */
	{
		struct image tmp;

		image_init(&tmp);
		for (int i = 0; i < NREC; i++)
			add_record(&tmp, 0, i + 1, 2 * (i + 1), 3 * (i + 1), 0);
		path = write_image("race.sites", &tmp, sizeof(tmp));
	}
	fd = open(path, O_RDWR);
	im = mmap(NULL, sizeof(*im), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (im == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	stop = false;
	pthread_create(&t, NULL, writer, im);
	for (t0 = now(); now() - t0 < 0.5; reads++) {
		if (hm_sites_read_path(path, &s, err, sizeof(err))) {
			failed++;
			continue;
		}
		full += s.n_recs == NREC;
		for (size_t i = 0; i < s.n_recs; i++)
			if (s.recs[i].size != 2 * s.recs[i].addr ||
			    s.recs[i].weight_bytes != 3 * s.recs[i].addr)
				torn++;
		hm_sites_free(&s);
	}
	stop = true;
	pthread_join(t, NULL);
	munmap(im, sizeof(*im));
	printf("# race: %d reads, %d with all %d records\n", reads, full, NREC);
	UNIT_EQ_INT("race: some reads", reads > 10, 1);
	UNIT_EQ_INT("race: no read failed", failed, 0);
	UNIT_EQ_INT("race: no torn record", torn, 0);
	UNIT_EQ_INT("race: most reads saw every record", full * 2 > reads, 1);
}

/* A file that keeps shrinking and growing back while it is read. */
static void *truncator(void *arg)
{
	const char *path = arg;
	struct image im;
	int fd = open(path, O_WRONLY);

	image_good(&im);
	while (!stop) {
		if (ftruncate(fd, 0) || pwrite(fd, &im, sizeof(im), 0) != sizeof(im))
			break;
	}
	close(fd);
	return NULL;
}

static void test_truncated_while_read(void)
{
	struct image im;
	struct hm_sites s;
	const char *path;
	pthread_t t;
	int ok = 0, eproto = 0, other = 0, bus = 0;
	double t0;

	image_good(&im);
	path = write_image("shrinking.sites", &im, sizeof(im));
	stop = false;
	pthread_create(&t, NULL, truncator, (void *)path);
	for (t0 = now(); now() - t0 < 0.5;) {
		int ret = hm_sites_read_path(path, &s, err, sizeof(err));

		if (ret == 0)
			ok++;
		else if (ret == -EPROTO)
			eproto++;
		else
			other++;
		bus += ret == -EPROTO && strstr(err, "truncated while being read") != NULL;
		if (ret == 0 && s.n_recs != 4)
			other++;
		hm_sites_free(&s);
	}
	stop = true;
	pthread_join(t, NULL);
	printf("# shrinking file: %d whole reads, %d EPROTO (%d of them SIGBUS caught)\n",
	       ok, eproto, bus);
	UNIT_EQ_INT("shrinking file: only whole copies or EPROTO, no crash", other, 0);
	UNIT_EQ_INT("shrinking file: some reads", ok + eproto > 10, 1);
}

int main(void)
{
	char cmd[64 + sizeof(dir)];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_good();
	test_by_pid();
	test_bad();
	test_partial();
	test_race();
	test_truncated_while_read();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	return unit_failed ? 1 : 0;
}
