// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a site file. The file is written by another process, maybe one
 * that is misbehaving or hostile, while we read it: every offset and count
 * comes from the copy of the header we checked, never from the mapping
 * again, and a file cut short under our feet (SIGBUS on the mapping) is an
 * error, not a crash.
 *
 * Snapshots. Each record is copied under its seqlock (include/heapmon/
 * sites.h); the whole scan is retried while the header's generation moves.
 * A process that allocates all the time may never hold still for a whole
 * scan: after SNAPSHOT_TRIES scans the last one is returned. Every record in
 * it is consistent; the set is as of some instant during the scan for each
 * record (a record changed during the scan is seen before or after its
 * change), which is what a sampling profile can promise anyway. A record
 * whose seq stays odd (its writer was killed halfway) is left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sitesfile.h"

#define SNAPSHOT_TRIES	8
/*
 * A writer holds a record odd for nanoseconds, unless it is preempted
 * halfway: wait up to RECORD_WAIT_NS for one record, and up to
 * SCAN_WAIT_NS in all for one scan, so that a file full of records left
 * odd by a dead writer is read in a fraction of a second, not minutes.
 */
#define RECORD_WAIT_NS	10000000LL
#define SCAN_WAIT_NS	100000000LL

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * The mapping faulted: the file was truncated while we read it. The
 * handler is process-wide, installed for the time of one read: heapmonctl
 * reads site files from one thread.
 */
static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/*
 * After storing a new buffer in *s: the store must be in memory before the
 * next read of the mapping, which may fault and longjmp to the cleanup.
 */
#define BARRIER() __asm__ volatile("" ::: "memory")

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

/* Whether [off, off + n * size) lies inside a file of fsize bytes (no overflow: n, size < 2^32). */
static int fits(uint64_t off, uint64_t n, uint64_t size, uint64_t fsize)
{
	return off <= fsize && n * size <= fsize - off;
}

static int check_header(const struct hm_sites_header *h, uint64_t fsize, const char *path,
			char *err, size_t errlen)
{
	uint64_t rec_end, stk_end;

	if (h->magic != HM_SITES_MAGIC) {
		seterr(err, errlen, "%s is not a heapmon site file (bad magic)", path);
		return -EPROTO;
	}
	if (h->version != HM_SITES_VERSION) {
		seterr(err, errlen, "%s is a site file of version %u; this heapmonctl reads version %u",
		       path, h->version, HM_SITES_VERSION);
		return -EPROTO;
	}
	if (h->header_size != HM_SITES_HEADER_SIZE ||
	    h->record_size != sizeof(struct hm_sites_record) ||
	    h->stack_size != sizeof(struct hm_sites_stack)) {
		seterr(err, errlen, "%s: unexpected sizes (header %u, record %u, stack %u; want %u, %zu, %zu)",
		       path, h->header_size, h->record_size, h->stack_size, HM_SITES_HEADER_SIZE,
		       sizeof(struct hm_sites_record), sizeof(struct hm_sites_stack));
		return -EPROTO;
	}
	if (h->max_depth == 0 || h->max_depth > HM_SITES_MAX_DEPTH) {
		seterr(err, errlen, "%s: bad max_depth %u", path, h->max_depth);
		return -EPROTO;
	}
	if (h->records_off < h->header_size || h->records_off % 8 ||
	    h->stacks_off < h->header_size || h->stacks_off % 8) {
		seterr(err, errlen, "%s: bad offsets (records at %llu, stacks at %llu)", path,
		       (unsigned long long)h->records_off, (unsigned long long)h->stacks_off);
		return -EPROTO;
	}
	if (!fits(h->records_off, h->records_cap, h->record_size, fsize) ||
	    !fits(h->stacks_off, h->stacks_cap, h->stack_size, fsize)) {
		seterr(err, errlen, "%s is truncated or corrupt: %llu bytes, too small for %u records at %llu and %u stacks at %llu",
		       path, (unsigned long long)fsize, h->records_cap,
		       (unsigned long long)h->records_off, h->stacks_cap,
		       (unsigned long long)h->stacks_off);
		return -EPROTO;
	}
	rec_end = h->records_off + (uint64_t)h->records_cap * h->record_size;
	stk_end = h->stacks_off + (uint64_t)h->stacks_cap * h->stack_size;
	if (h->records_off < stk_end && h->stacks_off < rec_end) {
		seterr(err, errlen, "%s: records and stacks overlap", path);
		return -EPROTO;
	}
	return 0;
}

/* The header: fixed fields as written, counters loaded atomically. */
static void copy_header(struct hm_sites_header *dst, const struct hm_sites_header *src)
{
	memcpy(dst, src, sizeof(*dst));
	dst->flags = LOAD_ACQ(&src->flags);
	dst->records_used = LOAD_ACQ(&src->records_used);
	dst->stacks_used = LOAD_ACQ(&src->stacks_used);
	dst->generation = LOAD_ACQ(&src->generation);
	dst->samples = LOAD(&src->samples);
	dst->sampled_frees = LOAD(&src->sampled_frees);
	dst->drops_records = LOAD(&src->drops_records);
	dst->drops_stacks = LOAD(&src->drops_stacks);
	dst->drops_arena = LOAD(&src->drops_arena);
	dst->arena_bytes = LOAD(&src->arena_bytes);
	dst->exit_ns = LOAD(&src->exit_ns);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * One record under its seqlock: 1 copied, 0 free or never consistent.
 * *wait_left is what the scan may still spend waiting, in ns.
 */
static int copy_record(struct hm_sites_record *dst, const struct hm_sites_record *src,
		       int64_t *wait_left)
{
	int64_t start = 0, waited;
	uint32_t seq;
	int tries;

	for (tries = 0;; tries++) {
		if (tries) {
			if (tries == 1)
				start = now_ns();
			waited = now_ns() - start;
			if (waited >= RECORD_WAIT_NS || waited >= *wait_left) {
				*wait_left -= waited;
				return 0;
			}
			sched_yield();
		}
		seq = LOAD_ACQ(&src->seq);
		if (seq & 1)
			continue;
		dst->seq = seq;
		dst->stack = LOAD(&src->stack);
		dst->addr = LOAD(&src->addr);
		dst->size = LOAD(&src->size);
		dst->weight_bytes = LOAD(&src->weight_bytes);
		dst->time_ns = LOAD(&src->time_ns);
		dst->tid = LOAD(&src->tid);
		dst->flags = LOAD(&src->flags);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (LOAD(&src->seq) == seq)
			break;
	}
	if (tries)
		*wait_left -= now_ns() - start;
	return dst->addr != 0;
}

/*
 * One scan: the live records, then the stacks. Stacks come second: a stack
 * is complete before a record names it, and the record's seq (acquire)
 * orders our read of the stack after its completion.
 */
static int scan(const char *map, const struct hm_sites_header *h, struct hm_sites *s,
		const char *path, char *err, size_t errlen)
{
	const struct hm_sites_record *recs = (const void *)(map + h->records_off);
	const struct hm_sites_stack *stks = (const void *)(map + h->stacks_off);
	int64_t wait_left = SCAN_WAIT_NS;
	uint64_t i, n_stacks;

	s->n_recs = 0;
	for (i = 0; i < h->records_used; i++) {
		struct hm_sites_record *r = &s->recs[s->n_recs];

		if (!copy_record(r, &recs[i], &wait_left))
			continue;
		if (r->stack > h->stacks_cap) {
			seterr(err, errlen, "%s is corrupt: record %llu names stack %u of %u",
			       path, (unsigned long long)i, r->stack, h->stacks_cap);
			return -EPROTO;
		}
		s->n_recs++;
	}

	/* As of now: the records just read may name stacks added during the scan. */
	n_stacks = LOAD_ACQ(&((const struct hm_sites_header *)map)->stacks_used);
	if (n_stacks > h->stacks_cap) {
		seterr(err, errlen, "%s is corrupt: %llu of %u stacks used", path,
		       (unsigned long long)n_stacks, h->stacks_cap);
		return -EPROTO;
	}
	if (n_stacks) {
		void *p = realloc(s->stacks, n_stacks * sizeof(*s->stacks));

		if (!p) {
			seterr(err, errlen, "%s: out of memory", path);
			return -ENOMEM;
		}
		s->stacks = p;
		BARRIER();
	}
	s->n_stacks = n_stacks;
	for (i = 0; i < s->n_stacks; i++) {
		struct hm_sites_stack *d = &s->stacks[i];
		uint32_t depth = LOAD_ACQ(&stks[i].depth);

		memset(d, 0, sizeof(*d));
		if (!depth)
			continue;
		if (depth > h->max_depth) {
			seterr(err, errlen, "%s is corrupt: stack %llu has %u frames, more than %u",
			       path, (unsigned long long)i + 1, depth, h->max_depth);
			return -EPROTO;
		}
		d->depth = depth;
		d->hash = LOAD(&stks[i].hash);
		memcpy(d->frames, (const void *)stks[i].frames, depth * sizeof(d->frames[0]));
	}
	return 0;
}

static int snapshot(const char *map, uint64_t fsize, struct hm_sites *s, char *err, size_t errlen)
{
	const struct hm_sites_header *live = (const void *)map;
	struct hm_sites_header h;
	int tries, ret;

	for (tries = 0; tries < SNAPSHOT_TRIES; tries++) {
		copy_header(&h, live);
		if (tries == 0) {
			ret = check_header(&h, fsize, s->path, err, errlen);
			if (ret)
				return ret;
		} else if (memcmp(&h, &s->hdr, offsetof(struct hm_sites_header, flags)) ||
			   h.records_off != s->hdr.records_off || h.stacks_off != s->hdr.stacks_off ||
			   h.records_cap != s->hdr.records_cap || h.stacks_cap != s->hdr.stacks_cap) {
			/* The fixed fields changed: not the file we checked. */
			seterr(err, errlen, "%s: header changed while being read", s->path);
			return -EPROTO;
		}
		if (h.records_used > h.records_cap || h.stacks_used > h.stacks_cap) {
			seterr(err, errlen, "%s is corrupt: %llu of %u records used, %llu of %u stacks",
			       s->path, (unsigned long long)h.records_used, h.records_cap,
			       (unsigned long long)h.stacks_used, h.stacks_cap);
			return -EPROTO;
		}
		s->hdr = h;
		/* Sized as of this scan (cap bounds it); scan() sizes the stacks. */
		if (h.records_used) {
			void *p = realloc(s->recs, h.records_used * sizeof(*s->recs));

			if (!p)
				goto nomem;
			s->recs = p;
			BARRIER();
		}
		ret = scan(map, &h, s, s->path, err, errlen);
		if (ret)
			return ret;
		if (LOAD_ACQ(&live->generation) == h.generation)
			break;
	}
	return 0;
nomem:
	seterr(err, errlen, "%s: out of memory", s->path);
	return -ENOMEM;
}

int hm_sites_read_path(const char *path, struct hm_sites *s, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile size_t len = 0;
	char *volatile map = NULL;
	struct stat st;
	int fd, ret;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s is not a regular file", path);
		ret = -EPROTO;
		goto out_close;
	}
	if ((uint64_t)st.st_size < HM_SITES_HEADER_SIZE) {
		seterr(err, errlen, "%s is truncated: %lld bytes, less than a header",
		       path, (long long)st.st_size);
		ret = -EPROTO;
		goto out_close;
	}
	len = st.st_size;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		seterr(err, errlen, "%s: mmap: %s", path, strerror(errno));
		map = NULL;
		goto out_close;
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1)) {
		seterr(err, errlen, "%s was truncated while being read", path);
		ret = -EPROTO;
	} else {
		ret = snapshot(map, len, s, err, errlen);
	}
	sigaction(SIGBUS, &old, NULL);
	munmap(map, len);
out_close:
	close(fd);
	if (ret)
		hm_sites_free(s);
	return ret;
}

int hm_sites_read(pid_t pid, const char *dir, struct hm_sites *s, char *err, size_t errlen)
{
	char path[sizeof(s->path)];
	int n;

	if (!dir)
		dir = getenv(HM_SITES_DIR_ENV);
	if (!dir || !*dir)
		dir = HM_SITES_DIR_DEFAULT;
	n = snprintf(path, sizeof(path), "%s/%d.sites", dir, (int)pid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		memset(s, 0, sizeof(*s));
		seterr(err, errlen, "%s: directory name too long", dir);
		return -ENAMETOOLONG;
	}
	return hm_sites_read_path(path, s, err, errlen);
}

void hm_sites_free(struct hm_sites *s)
{
	free(s->recs);
	free(s->stacks);
	s->recs = NULL;
	s->stacks = NULL;
	s->n_recs = 0;
	s->n_stacks = 0;
}

const struct hm_sites_stack *hm_sites_stack_of(const struct hm_sites *s,
					       const struct hm_sites_record *r)
{
	const struct hm_sites_stack *st;

	if (!r->stack || r->stack > s->n_stacks)
		return NULL;
	st = &s->stacks[r->stack - 1];
	return st->depth ? st : NULL;
}

static int by_stack(const void *a, const void *b)
{
	const struct hm_sites_record *x = *(const struct hm_sites_record *const *)a;
	const struct hm_sites_record *y = *(const struct hm_sites_record *const *)b;

	return (x->stack > y->stack) - (x->stack < y->stack);
}

static int by_live_bytes(const void *a, const void *b)
{
	const struct hm_site *x = a, *y = b;

	if (x->live_bytes != y->live_bytes)
		return x->live_bytes < y->live_bytes ? 1 : -1;
	if (x->samples != y->samples)
		return x->samples < y->samples ? 1 : -1;
	return (x->stack > y->stack) - (x->stack < y->stack);
}

int hm_sites_group(const struct hm_sites *s, struct hm_site **sites, size_t *n)
{
	const struct hm_sites_record **order;
	struct hm_site *out, *cur = NULL;
	size_t i, k = 0;

	*sites = NULL;
	*n = 0;
	if (!s->n_recs)
		return 0;
	order = malloc(s->n_recs * sizeof(*order));
	out = calloc(s->n_recs, sizeof(*out));
	if (!order || !out) {
		free(order);
		free(out);
		return -ENOMEM;
	}
	for (i = 0; i < s->n_recs; i++)
		order[i] = &s->recs[i];
	qsort(order, s->n_recs, sizeof(*order), by_stack);

	for (i = 0; i < s->n_recs; i++) {
		const struct hm_sites_record *r = order[i];

		if (!cur || cur->stack != r->stack) {
			cur = &out[k++];
			cur->stack = r->stack;
			cur->first_ns = r->time_ns;
			cur->last_ns = r->time_ns;
		}
		cur->live_bytes += r->weight_bytes;
		/* A sample of size Z and weight W stands for W / Z objects; malloc(0) for one. */
		cur->count += r->size ? (double)r->weight_bytes / r->size : 1.0;
		cur->samples++;
		if (r->time_ns < cur->first_ns)
			cur->first_ns = r->time_ns;
		if (r->time_ns > cur->last_ns)
			cur->last_ns = r->time_ns;
	}
	free(order);
	qsort(out, k, sizeof(*out), by_live_bytes);
	*sites = out;
	*n = k;
	return 0;
}
