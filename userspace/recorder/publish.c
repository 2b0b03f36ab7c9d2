// SPDX-License-Identifier: GPL-2.0
/*
 * The file is written only through this mirror; the recorder's private
 * table stays authoritative, so a fork child can publish exactly what it
 * inherited (its private memory is a copy-on-write snapshot) while the
 * parent keeps writing its own file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish.h"

static char *map;		/* the whole file, MAP_SHARED; NULL: none */
static size_t map_len;
static int map_fd = -1;
/* File space reserved so far, per table: [off, reserved) of each. */
static size_t recs_reserved, stacks_reserved;
static struct hm_sites_header *fhdr;
static struct hm_sites_record *frecs;
static struct hm_sites_stack *fstacks;
static bool forking;

void hm_publish_forking(bool on)
{
	forking = on;
}

/* The file to write to: none, or (a fork child before its own file) not ours. */
static bool mirror(void)
{
	return fhdr && !(forking && (uint32_t)getpid() != fhdr->pid);
}

/*
 * A store into a hole of a MAP_SHARED file on a full file system (a small
 * /run tmpfs) is SIGBUS, which would kill the process: the blocks under a
 * table entry are reserved (fallocate) before it is first written, 64 KiB
 * at a time, so a file costs what its tables use, not their capacity. When
 * the file system is full, the file stops being updated and says so
 * (HM_SITES_F_STALE); the recorder goes on privately.
 */
#define RESERVE_STEP (64 << 10)

/* fallocate, where the file system has it. */
static int allocate(int fd, size_t off, size_t len)
{
	if (!len || !fallocate(fd, 0, off, len) || errno == EOPNOTSUPP)
		return 0;
	return -1;
}

static bool reserve(size_t *reserved, size_t end, size_t limit)
{
	size_t to;

	if (end <= *reserved)
		return true;
	to = (end + RESERVE_STEP - 1) & ~(size_t)(RESERVE_STEP - 1);
	if (to > limit)
		to = limit;
	if (allocate(map_fd, *reserved, to - *reserved) < 0) {
		__atomic_or_fetch(&fhdr->flags, HM_SITES_F_STALE, __ATOMIC_RELEASE);
		fhdr = NULL;	/* no more stores into it */
		return false;
	}
	*reserved = to;
	return true;
}

static void say_once(const char *path, int err)
{
	char line[512];
	int n;

	/*
	 * strerrordesc_np, not strerror: this runs in fork children too, where
	 * strerror's translation (locale lock, malloc) may deadlock on a lock
	 * another thread of the parent held at the fork.
	 */
	n = snprintf(line, sizeof(line), "heapmon: cannot create %s: %s; sites not published\n",
		     path, strerrordesc_np(err) ?: "unknown error");
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int hm_publish_open(const char *dir, const struct hm_sites_header *hdr,
		    const struct hm_sites_record *recs,
		    const struct hm_sites_stack *stacks, uint32_t n_stacks, bool quiet)
{
	size_t len = hdr->stacks_off + (size_t)hdr->stacks_cap * sizeof(*stacks);
	size_t recs_end, stacks_end;
	char path[512], tmp[512];
	void *m;
	int fd, err;

	if (map) {
		munmap(map, map_len);
		close(map_fd);
		map = NULL;
		map_fd = -1;
		fhdr = NULL;
	}
	snprintf(path, sizeof(path), "%s/%u.sites", dir, hdr->pid);
	snprintf(tmp, sizeof(tmp), "%s/.%u.sites.new", dir, hdr->pid);
	/* 0755 for root's /run/heapmon; heapmonctl run/attach make it 01777 before. */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		err = errno;
		goto fail;
	}
	/*
	 * A new file under a temporary name, renamed over PID.sites when it is
	 * complete: never O_TRUNC of the old one. After an exec (or PID reuse)
	 * a reader may still map the old file; truncating that inode would make
	 * its accesses SIGBUS and rewrite what it reads. It keeps the old inode.
	 * A temporary file left by a process killed here is ours to replace.
	 */
	unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	/* The header and what is copied in now: reserved before any store (see reserve()). */
	recs_end = hdr->records_off + hdr->records_used * sizeof(*recs);
	stacks_end = hdr->stacks_off + (size_t)n_stacks * sizeof(*stacks);
	if (ftruncate(fd, len) < 0 || allocate(fd, 0, hdr->header_size) < 0 ||
	    allocate(fd, hdr->records_off, recs_end - hdr->records_off) < 0 ||
	    allocate(fd, hdr->stacks_off, stacks_end - hdr->stacks_off) < 0) {
		err = errno;
		goto fail_unlink;
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	if (m == MAP_FAILED)
		goto fail_unlink;
	map = m;
	map_len = len;
	map_fd = fd;
	recs_reserved = recs_end;
	stacks_reserved = stacks_end;
	fhdr = m;
	frecs = (void *)(map + hdr->records_off);
	fstacks = (void *)(map + hdr->stacks_off);
	if (hdr->records_used)
		memcpy(frecs, recs, hdr->records_used * sizeof(*recs));
	if (n_stacks)
		memcpy(fstacks, stacks, (size_t)n_stacks * sizeof(*stacks));
	/*
	 * Magic last: a reader that sees it sees the rest. (Copying hdr as it
	 * is would store the magic first, memcpy choosing the order.)
	 */
	{
		struct hm_sites_header h = *hdr;

		h.magic = 0;
		memcpy(fhdr, &h, sizeof(h));
	}
	__atomic_store_n(&fhdr->magic, HM_SITES_MAGIC, __ATOMIC_RELEASE);
	if (rename(tmp, path) < 0) {
		err = errno;
		munmap(map, map_len);
		map = NULL;
		fhdr = NULL;
		map_fd = -1;
		goto fail_unlink;
	}
	return 0;
fail_unlink:
	close(fd);
	unlink(tmp);
fail:
	if (!quiet)
		say_once(path, err);
	return -err;
}

void hm_publish_header(const struct hm_sites_header *h)
{
	if (!mirror())
		return;
	__atomic_store_n(&fhdr->flags, h->flags, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->exit_ns, h->exit_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->records_used, h->records_used, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->stacks_used, h->stacks_used, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->samples, h->samples, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->sampled_frees, h->sampled_frees, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->drops_records, h->drops_records, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->drops_stacks, h->drops_stacks, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->drops_arena, h->drops_arena, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->arena_bytes, h->arena_bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->generation, h->generation, __ATOMIC_RELEASE);
}

void hm_publish_record(uint32_t i, const struct hm_sites_record *r,
		       const struct hm_sites_header *h)
{
	struct hm_sites_record *f;

	if (!mirror() ||
	    !reserve(&recs_reserved, fhdr->records_off + (size_t)(i + 1) * sizeof(*f),
		     fhdr->stacks_off))
		return;
	f = &frecs[i];
	/* records_used first: a reader scanning [0, records_used) finds i. */
	__atomic_store_n(&fhdr->records_used, h->records_used, __ATOMIC_RELEASE);
	__atomic_store_n(&f->seq, r->seq - 1, __ATOMIC_RELAXED);	/* odd */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&f->stack, r->stack, __ATOMIC_RELAXED);
	__atomic_store_n(&f->addr, r->addr, __ATOMIC_RELAXED);
	__atomic_store_n(&f->size, r->size, __ATOMIC_RELAXED);
	__atomic_store_n(&f->weight_bytes, r->weight_bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&f->time_ns, r->time_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&f->tid, r->tid, __ATOMIC_RELAXED);
	__atomic_store_n(&f->flags, r->flags, __ATOMIC_RELAXED);
	__atomic_store_n(&f->seq, r->seq, __ATOMIC_RELEASE);		/* even */
	hm_publish_header(h);
}

void hm_publish_stack(uint32_t i, const struct hm_sites_stack *s)
{
	struct hm_sites_stack *f;

	if (!mirror() ||
	    !reserve(&stacks_reserved, fhdr->stacks_off + (size_t)(i + 1) * sizeof(*f), map_len))
		return;
	f = &fstacks[i];
	memcpy(f->frames, s->frames, s->depth * sizeof(s->frames[0]));
	__atomic_store_n(&f->hash, s->hash, __ATOMIC_RELAXED);
	__atomic_store_n(&f->depth, s->depth, __ATOMIC_RELEASE);
	__atomic_store_n(&fhdr->stacks_used, i + 1, __ATOMIC_RELEASE);
}
