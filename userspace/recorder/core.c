// SPDX-License-Identifier: GPL-2.0
/*
 * The recording core. The unsampled path touches only the thread's
 * countdown (core.h); everything here runs for sampled calls, which are
 * rare (one per HEAPMON_SAMPLE bytes on average), under one lock that covers
 * the record table, the stack table and the arena.
 *
 * Memory, all from our own mmaps (MAP_NORESERVE: resident only where used):
 * with the default capacities, HEAPMON_RECORDS=65536 records of 48 bytes
 * (3 MiB) plus their free stack and shared-pointer index (0.75 MiB), and
 * HEAPMON_STACKS=16384 stacks of 520 bytes (8.1 MiB) plus their index
 * (0.125 MiB), each once privately and once in the site file: at most about
 * 23 MiB when both tables are full, a few hundred KiB for a typical process.
 * The arena's page metadata costs 16 bytes per arena page in use.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "publish.h"
#include "stack.h"

struct hm_real_fns hm_real;
__thread struct hm_thread hm_tls __attribute__((tls_model("initial-exec")));
bool hm_injected;
void *hm_self_base;
volatile uint64_t hm_shared_live;

enum { HM_OFF, HM_STARTING, HM_ACTIVE, HM_DISABLED };
static int resolve_state;	/* 0 none, 1 looking up, 2 done */
static int core_state;		/* HM_OFF ... */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Between fork_prepare and fork_parent/fork_child this thread holds the lock
 * while the other atfork handlers run (all of them, when we were injected:
 * ours were registered last); one of them freeing a sample must not wait for
 * the lock it already holds.
 */
static void lock_table(void)
{
	if (!hm_tls.forking)
		pthread_mutex_lock(&lock);
}

static void unlock_table(void)
{
	if (!hm_tls.forking)
		pthread_mutex_unlock(&lock);
}
static uint64_t sample_mean;
static struct hm_sites_header hdr;	/* private: authoritative */
static struct hm_sites_record *recs;
static uint32_t *rec_free, n_free;	/* a stack of reusable record indexes */
static uint32_t *shared_ix, shared_mask, shared_fill;	/* rec + 1; ~0: deleted */
static char sites_dir[256];
static bool quiet;
static bool published;	/* the site file exists (else we said so, once) */

/* Bootstrap. */

char hm_boot_buf[HM_BOOT_SIZE] __attribute__((aligned(64)));
static size_t boot_used;

void *hm_boot_alloc(size_t size)
{
	size_t need = 16 + ((size + 15) & ~(size_t)15), at;

	at = __atomic_fetch_add(&boot_used, need, __ATOMIC_RELAXED);
	if (at + need > HM_BOOT_SIZE || need < size)
		return NULL;
	*(size_t *)(hm_boot_buf + at) = size;
	return hm_boot_buf + at + 16;
}

size_t hm_boot_size(const void *p)
{
	return *(const size_t *)((const char *)p - 16);
}

/* Settings: PID.conf (injected only) overrides the environment. */

static char conf[4096];

/*
 * The directory is 01777: anyone may create PID.conf there before
 * heapmonctl attach does. Only a regular file (not a symlink, not a FIFO
 * that would block the constructor) owned by root or by our effective user,
 * writable by nobody else, is trusted; anything else is ignored, and left.
 */
static const char *conf_untrusted(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return "cannot stat it";
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return "owned by another user";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

static void load_conf(const char *dir)
{
	char path[300], line[400];
	const char *why;
	ssize_t n;
	int fd, len;

	snprintf(path, sizeof(path), "%s/%d.conf", dir, getpid());
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP) {
			why = "a symbolic link";
			goto untrusted;
		}
		return;
	}
	why = conf_untrusted(fd);
	if (why) {
		close(fd);
		goto untrusted;
	}
	n = read(fd, conf, sizeof(conf) - 1);
	close(fd);
	unlink(path);
	conf[n > 0 ? n : 0] = '\0';
	return;
untrusted:
	len = snprintf(line, sizeof(line), "heapmon: ignoring %s: %s\n", path, why);
	if (len > 0)
		(void)!write(STDERR_FILENO, line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
}

static const char *setting(const char *name)
{
	size_t len = strlen(name);

	for (char *l = conf; *l;) {
		char *end = strchrnul(l, '\n');

		if (!strncmp(l, name, len) && l[len] == '=') {
			static char val[256];
			size_t vlen = end - (l + len + 1);

			if (vlen >= sizeof(val))
				vlen = sizeof(val) - 1;
			memcpy(val, l + len + 1, vlen);
			val[vlen] = '\0';
			return val;
		}
		l = *end ? end + 1 : end;
	}
	return getenv(name);
}

static uint64_t setting_u64(const char *name, uint64_t def, uint64_t max)
{
	const char *v = setting(name);
	char *end;
	unsigned long long x;

	if (!v || !*v)
		return def;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end)
		return def;
	return x > max ? max : x;
}

/* Sampling. */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint32_t my_tid(struct hm_thread *t)
{
	if (!t->tid)
		t->tid = syscall(SYS_gettid);
	return t->tid;
}

static uint64_t xorshift(struct hm_thread *t)
{
	uint64_t x = t->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return t->rng = x;
}

/* The next interval: exponential with mean sample_mean, at least 1 byte. */
static int64_t next_interval(struct hm_thread *t)
{
	double u = ((xorshift(t) >> 11) + 1) * 0x1.0p-53;	/* (0, 1] */
	double x = -log(u) * (double)sample_mean;

	if (x < 1)
		return 1;
	if (x > (double)INT64_MAX / 2)
		return INT64_MAX / 2;
	return (int64_t)x;
}

static uint64_t weight_of(size_t size)
{
	double p;

	if (!sample_mean)
		return size;
	p = -expm1(-(double)size / (double)sample_mean);
	return p > 0 ? (uint64_t)llround((double)size / p) : size;
}

int hm_sample_slow(size_t size, uint64_t *weight)
{
	struct hm_thread *t = &hm_tls;

	if (unlikely(__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) != 2)) {
		if (t->busy)
			return HM_BOOT;
		hm_resolve_real();
	}
	if (t->busy)
		return HM_REAL;
	switch (__atomic_load_n(&core_state, __ATOMIC_ACQUIRE)) {
	case HM_ACTIVE:
		break;
	case HM_DISABLED:
		t->countdown = INT64_MAX / 2;
		return HM_REAL;
	default:
		t->countdown = 0;	/* not started yet: ask again next time */
		return HM_REAL;
	}
	if (!t->rng) {
		/* A new thread: seed from tid and time, draw a first interval. */
		t->rng = ((uint64_t)my_tid(t) << 32 ^ now_ns()) | 1;
		xorshift(t);
		t->countdown = next_interval(t) - (int64_t)size;
		if (sample_mean && t->countdown > 0)
			return HM_REAL;
	}
	t->countdown = sample_mean ? next_interval(t) : 0;
	*weight = weight_of(size);
	return HM_SAMPLED;
}

/* Records. Under the lock. */

static uint32_t rec_get(void)
{
	if (n_free)
		return rec_free[--n_free] + 1;
	if (hdr.records_used < hdr.records_cap)
		return ++hdr.records_used;
	return 0;
}

static void rec_put(uint32_t rec)
{
	rec_free[n_free++] = rec - 1;
}

static void rec_publish(uint32_t rec)
{
	recs[rec - 1].seq += 2;
	hdr.generation++;
	hm_publish_record(rec - 1, &recs[rec - 1], &hdr);
}

/* The index of shared samples by address (open addressing, deletions marked). */

#define HM_DELETED	0xffffffffu

static uint32_t addr_slot(uint64_t addr)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> 32) & shared_mask;
}

static void shared_rebuild(void)
{
	memset(shared_ix, 0, ((size_t)shared_mask + 1) * sizeof(*shared_ix));
	shared_fill = 0;
	for (uint32_t i = 0; i < hdr.records_used; i++) {
		uint32_t s;

		if (!recs[i].addr || !(recs[i].flags & HM_SITES_REC_SHARED))
			continue;
		for (s = addr_slot(recs[i].addr); shared_ix[s]; s = (s + 1) & shared_mask)
			;
		shared_ix[s] = i + 1;
		shared_fill++;
	}
}

static void shared_add(uint32_t rec)
{
	uint32_t s;

	if ((shared_fill + 1) * 4ULL > (shared_mask + 1) * 3ULL)
		shared_rebuild();
	for (s = addr_slot(recs[rec - 1].addr); shared_ix[s] && shared_ix[s] != HM_DELETED;
	     s = (s + 1) & shared_mask)
		;
	if (!shared_ix[s])
		shared_fill++;
	shared_ix[s] = rec;
}

/* Takes p's slot out of the index; returns its record or 0. */
static uint32_t shared_del(uint64_t addr)
{
	for (uint32_t s = addr_slot(addr); shared_ix[s]; s = (s + 1) & shared_mask) {
		uint32_t rec = shared_ix[s];

		if (rec != HM_DELETED && recs[rec - 1].addr == addr) {
			shared_ix[s] = HM_DELETED;
			return rec;
		}
	}
	return 0;
}

/* The sampled path. */

void *hm_take(size_t size, size_t align, uint32_t flags, uint64_t weight,
	      struct hm_pending *pd)
{
	struct hm_thread *t = &hm_tls;
	uint64_t frames[HM_SITES_MAX_DEPTH];
	struct hm_sites_record *r;
	uint32_t depth, rec, n_stacks;
	bool dirty = false;
	void *p;

	pd->rec = 0;
	pd->shared = false;
	t->busy++;
	depth = hm_stack_capture(frames, HM_SITES_MAX_DEPTH);
	lock_table();
	rec = rec_get();
	if (!rec) {
		hdr.drops_records++;
		hm_publish_header(&hdr);
		p = NULL;
		goto out;
	}
	r = &recs[rec - 1];
	r->stack = hm_stack_intern(frames, depth);
	if (!r->stack && depth)
		hdr.drops_stacks++;
	hm_stacks(&n_stacks);
	hdr.stacks_used = n_stacks;
	r->size = size;
	r->weight_bytes = weight;
	r->time_ns = now_ns();
	r->tid = my_tid(t);
	r->flags = flags;
	p = hm_arena_alloc(size, align, rec, &dirty);
	if (!p) {
		/* The caller allocates from the real allocator, then commits. */
		hdr.drops_arena++;
		pd->rec = rec;
		pd->shared = true;
		goto out;
	}
	r->addr = (uintptr_t)p;
	hdr.samples++;
	hdr.arena_bytes += hm_arena_run_bytes(p);
	rec_publish(rec);
out:
	unlock_table();
	/* The run is ours: a reused one is zeroed outside the lock. */
	if (p && dirty && (flags & HM_SITES_REC_ZEROED))
		memset(p, 0, size);
	t->busy--;
	return p;
}

void hm_commit_shared(struct hm_pending *pd, void *p)
{
	struct hm_sites_record *r = &recs[pd->rec - 1];

	hm_tls.busy++;
	lock_table();
	if (p) {
		r->addr = (uintptr_t)p;
		hdr.samples++;
		/* Flagged after: a rebuild in shared_add must not index it already. */
		shared_add(pd->rec);
		r->flags |= HM_SITES_REC_SHARED;
		__atomic_fetch_add(&hm_shared_live, 1, __ATOMIC_RELAXED);
		rec_publish(pd->rec);
	} else {
		rec_put(pd->rec);
	}
	unlock_table();
	hm_tls.busy--;
}

static void rec_free_sample(uint32_t rec)
{
	recs[rec - 1].addr = 0;
	hdr.sampled_frees++;
	rec_publish(rec);
	rec_put(rec);
}

void hm_free_arena(void *p)
{
	uint32_t rec;
	size_t bytes;

	hm_tls.busy++;
	lock_table();
	rec = hm_arena_owner(p);
	/* Not a live allocation's start (a double or wild free): leave it. */
	if (rec && rec <= hdr.records_used && recs[rec - 1].addr == (uintptr_t)p) {
		hdr.arena_bytes -= hm_arena_run_bytes(p);
		rec_free_sample(rec);
		hm_arena_release(p);
	}
	/*
	 * Past the bound of freed pages kept resident, give some back: outside
	 * the lock, the run taken out of the arena's lists meanwhile.
	 */
	while ((p = hm_arena_evict(hdr.arena_bytes, &bytes))) {
		unlock_table();
		hm_arena_discard(p, bytes);
		lock_table();
		hm_arena_free(p);
	}
	unlock_table();
	hm_tls.busy--;
}

/*
 * The usable size of a sample: what the program asked for, rounded as its
 * allocator would round it (jemalloc's size class, else 16 bytes), never
 * the whole run of pages under it. Programs that trim objects with spare
 * room (redis shrinks an sds string whose usable size exceeds its length)
 * would otherwise realloc nearly every small sample away, out of the arena.
 */
size_t hm_usable_arena(const void *p)
{
	/* The caller owns the live run at p: neither its tags nor its record change under us. */
	uint32_t rec = hm_arena_owner(p);
	size_t run, want;

	if (!rec)
		return 0;
	run = hm_arena_run_bytes(p);
	want = recs[rec - 1].size ? recs[rec - 1].size : 1;
	if (hm_real.nallocx) {
		size_t c = hm_real.nallocx(want, 0);

		want = c ? c : want;
	} else {
		want = (want + 15) & ~(size_t)15;
	}
	return want < run ? want : run;
}

void hm_forget_shared(void *p)
{
	uint32_t rec;

	if (!p)
		return;
	hm_tls.busy++;
	lock_table();
	rec = shared_del((uintptr_t)p);
	if (rec) {
		__atomic_fetch_sub(&hm_shared_live, 1, __ATOMIC_RELAXED);
		rec_free_sample(rec);
	}
	unlock_table();
	hm_tls.busy--;
}

/* Setup. */

void *hm_real_sym(const char *name)
{
	void *h = hm_injected ? RTLD_DEFAULT : RTLD_NEXT;
	void *f = dlsym(h, name);
	Dl_info info;

	if (f && dladdr(f, &info) && info.dli_fbase == hm_self_base)
		return NULL;
	return f;
}

#define RESOLVE(name) (hm_real.name = (__typeof__(hm_real.name))hm_real_sym(#name))

void hm_resolve_real(void)
{
	int expect = 0;
	Dl_info self, def;
	void *m;

	if (!__atomic_compare_exchange_n(&resolve_state, &expect, 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		while (__atomic_load_n(&resolve_state, __ATOMIC_ACQUIRE) != 2)
			sched_yield();
		return;
	}
	hm_tls.busy++;
	/* dlsym and dladdr may calloc: those calls get the bootstrap buffer. */
	if (dladdr((void *)hm_resolve_real, &self))
		hm_self_base = self.dli_fbase;
	m = dlsym(RTLD_DEFAULT, "malloc");
	if (m && dladdr(m, &def) && def.dli_fbase != hm_self_base) {
		/* dlopen'ed: our malloc is not the global one. */
		hm_injected = true;
	}
	RESOLVE(malloc);
	RESOLVE(free);
	RESOLVE(calloc);
	RESOLVE(realloc);
	RESOLVE(reallocarray);
	RESOLVE(posix_memalign);
	RESOLVE(aligned_alloc);
	RESOLVE(memalign);
	RESOLVE(valloc);
	RESOLVE(pvalloc);
	RESOLVE(malloc_usable_size);
	RESOLVE(mallocx);
	RESOLVE(rallocx);
	RESOLVE(xallocx);
	RESOLVE(sallocx);
	RESOLVE(dallocx);
	RESOLVE(sdallocx);
	RESOLVE(nallocx);
	RESOLVE(tc_malloc);
	RESOLVE(tc_malloc_skip_new_handler);
	RESOLVE(tc_free);
	RESOLVE(tc_free_sized);
	RESOLVE(tc_cfree);
	RESOLVE(cfree);
	RESOLVE(tc_calloc);
	RESOLVE(tc_realloc);
	RESOLVE(tc_memalign);
	RESOLVE(tc_posix_memalign);
	RESOLVE(tc_valloc);
	RESOLVE(tc_pvalloc);
	RESOLVE(tc_malloc_size);
	RESOLVE(malloc_size);
	RESOLVE(tc_new);
	RESOLVE(tc_newarray);
	RESOLVE(tc_new_nothrow);
	RESOLVE(tc_newarray_nothrow);
	RESOLVE(tc_new_aligned);
	RESOLVE(tc_newarray_aligned);
	RESOLVE(tc_new_aligned_nothrow);
	RESOLVE(tc_newarray_aligned_nothrow);
	RESOLVE(tc_delete);
	RESOLVE(tc_deletearray);
	RESOLVE(tc_delete_sized);
	RESOLVE(tc_deletearray_sized);
	RESOLVE(tc_delete_nothrow);
	RESOLVE(tc_deletearray_nothrow);
	RESOLVE(tc_delete_aligned);
	RESOLVE(tc_deletearray_aligned);
	RESOLVE(tc_delete_sized_aligned);
	RESOLVE(tc_deletearray_sized_aligned);
	RESOLVE(tc_delete_aligned_nothrow);
	RESOLVE(tc_deletearray_aligned_nothrow);
	hm_tls.busy--;
	__atomic_store_n(&resolve_state, 2, __ATOMIC_RELEASE);
}

static void fork_prepare(void)
{
	pthread_mutex_lock(&lock);
	/* Allocations by the other handlers are not sampled; frees work. */
	hm_tls.busy++;
	hm_tls.forking = 1;
	hm_publish_forking(true);
}

static void fork_parent(void)
{
	hm_publish_forking(false);
	hm_tls.forking = 0;
	hm_tls.busy--;
	pthread_mutex_unlock(&lock);
}

static void fork_child(void)
{
	const struct hm_sites_stack *st;
	uint32_t n;

	pthread_mutex_init(&lock, NULL);
	hm_publish_forking(false);
	hm_tls.forking = 0;
	hm_tls.tid = 0;
	/* The child inherited exactly the parent's live samples (copy on write). */
	hdr.pid = getpid();
	hdr.ppid = getppid();
	hdr.flags |= HM_SITES_F_FORKED;
	st = hm_stacks(&n);
	hdr.stacks_used = n;
	/* A parent that could not publish said so already. */
	published = !hm_publish_open(sites_dir, &hdr, recs, st, n, quiet || !published);
	hm_tls.busy--;
}

/* HEAPMON_NO_INHERIT=1: children, exec'd with our environment, run without us. */
static void drop_from_preload(void)
{
	char *v = getenv("LD_PRELOAD"), *out, *tok;

	if (!v)
		return;
	out = v;
	for (tok = v; *tok;) {
		size_t len = strcspn(tok, ": ");
		const char *base = memrchr(tok, '/', len);

		base = base ? base + 1 : tok;
		if (!(len - (base - tok) == strlen("libheapmon.so") &&
		      !memcmp(base, "libheapmon.so", len - (base - tok)))) {
			if (out != v)
				*out++ = ':';
			memmove(out, tok, len);
			out += len;
		}
		tok += len;
		tok += strspn(tok, ": ");
	}
	*out = '\0';
}

static void *map_private(size_t len)
{
	void *p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void hm_core_start(void)
{
	int expect = HM_OFF;
	const char *dir;
	uint32_t nrec, nstk, slots = 2;

	hm_resolve_real();
	if (!__atomic_compare_exchange_n(&core_state, &expect, HM_STARTING, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	hm_tls.busy++;
	dir = getenv(HM_SITES_DIR_ENV);
	if (!dir || !*dir)
		dir = HM_SITES_DIR_DEFAULT;
	if (hm_injected)
		load_conf(dir);
	dir = setting(HM_SITES_DIR_ENV);
	snprintf(sites_dir, sizeof(sites_dir), "%s", dir && *dir ? dir : HM_SITES_DIR_DEFAULT);
	quiet = setting_u64("HEAPMON_QUIET", 0, 1);
	sample_mean = setting_u64("HEAPMON_SAMPLE", 524288, 1ULL << 40);
	nrec = setting_u64("HEAPMON_RECORDS", 65536, 1 << 24);
	nstk = setting_u64("HEAPMON_STACKS", 16384, 1 << 22);
	if (setting_u64("HEAPMON_NO_INHERIT", 0, 1))
		drop_from_preload();

	while (slots < 2 * (uint64_t)nrec)
		slots <<= 1;
	recs = map_private((size_t)nrec * sizeof(*recs));
	rec_free = map_private((size_t)nrec * sizeof(*rec_free));
	shared_ix = map_private((size_t)slots * sizeof(*shared_ix));
	if (!recs || !rec_free || !shared_ix || hm_stacks_init(nstk) < 0) {
		__atomic_store_n(&core_state, HM_DISABLED, __ATOMIC_RELEASE);
		hm_tls.busy--;
		return;
	}
	shared_mask = slots - 1;
	/* Address space only: without room, sampled objects go to the real allocator. */
	hm_arena_init(setting_u64("HEAPMON_ARENA_MB", 65536, 1 << 24));
	hm_stack_init_self();

	hdr.magic = HM_SITES_MAGIC;
	hdr.version = HM_SITES_VERSION;
	hdr.header_size = HM_SITES_HEADER_SIZE;
	hdr.pid = getpid();
	hdr.flags = hm_injected ? HM_SITES_F_INJECTED : 0;
	hdr.max_depth = HM_SITES_MAX_DEPTH;
	hdr.start_ns = now_ns();
	hdr.sample_mean = sample_mean;
	hdr.arena_start = hm_arena_base;
	hdr.arena_end = hm_arena_base + hm_arena_len;
	hdr.records_off = HM_SITES_HEADER_SIZE;
	hdr.stacks_off = HM_SITES_HEADER_SIZE +
		(((uint64_t)nrec * sizeof(*recs) + 4095) & ~4095ULL);
	hdr.records_cap = nrec;
	hdr.stacks_cap = nstk;
	hdr.record_size = sizeof(*recs);
	hdr.stack_size = sizeof(struct hm_sites_stack);
	published = !hm_publish_open(sites_dir, &hdr, recs, NULL, 0, quiet);
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	hm_tls.busy--;
	__atomic_store_n(&core_state, HM_ACTIVE, __ATOMIC_RELEASE);
}

/*
 * Around an exec of this process: the file says EXITED before the new image
 * replaces it, and is live again when the exec failed. Not in a vfork child,
 * which shares our memory (and the mapping) but is another process.
 */
bool hm_core_exec(bool begin)
{
	if (__atomic_load_n(&core_state, __ATOMIC_ACQUIRE) != HM_ACTIVE ||
	    (uint32_t)syscall(SYS_getpid) != hdr.pid)
		return false;
	hm_tls.busy++;
	lock_table();
	if (begin) {
		hdr.flags |= HM_SITES_F_EXITED;
		hdr.exit_ns = now_ns();
	} else {
		hdr.flags &= ~HM_SITES_F_EXITED;
		hdr.exit_ns = 0;
	}
	hm_publish_header(&hdr);
	unlock_table();
	hm_tls.busy--;
	return true;
}

void hm_core_exit(void)
{
	if (__atomic_load_n(&core_state, __ATOMIC_ACQUIRE) != HM_ACTIVE)
		return;
	hm_tls.busy++;
	lock_table();
	hdr.flags |= HM_SITES_F_EXITED;
	hdr.exit_ns = now_ns();
	hm_publish_header(&hdr);
	unlock_table();
	hm_tls.busy--;
}
