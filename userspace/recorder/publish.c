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
static struct hm_sites_header *fhdr;
static struct hm_sites_record *frecs;
static struct hm_sites_stack *fstacks;

static void say_once(const char *path, int err)
{
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "heapmon: cannot create %s: %s; sites not published\n",
		     path, strerror(err));
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int hm_publish_open(const char *dir, const struct hm_sites_header *hdr,
		    const struct hm_sites_record *recs,
		    const struct hm_sites_stack *stacks, uint32_t n_stacks, bool quiet)
{
	size_t len = hdr->stacks_off + (size_t)hdr->stacks_cap * sizeof(*stacks);
	char path[512];
	void *m;
	int fd, err;

	if (map) {
		munmap(map, map_len);
		map = NULL;
		fhdr = NULL;
	}
	snprintf(path, sizeof(path), "%s/%u.sites", dir, hdr->pid);
	/* 0755 for root's /run/heapmon; heapmonctl run/attach make it 01777 before. */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		err = errno;
		goto fail;
	}
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	if (ftruncate(fd, len) < 0) {
		err = errno;
		close(fd);
		goto fail;
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	close(fd);
	if (m == MAP_FAILED)
		goto fail;
	map = m;
	map_len = len;
	fhdr = m;
	frecs = (void *)(map + hdr->records_off);
	fstacks = (void *)(map + hdr->stacks_off);
	if (hdr->records_used)
		memcpy(frecs, recs, hdr->records_used * sizeof(*recs));
	if (n_stacks)
		memcpy(fstacks, stacks, (size_t)n_stacks * sizeof(*stacks));
	/* Magic last: a reader that sees it sees the rest. */
	memcpy(fhdr, hdr, sizeof(*hdr));
	__atomic_store_n(&fhdr->magic, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fhdr->magic, HM_SITES_MAGIC, __ATOMIC_RELEASE);
	return 0;
fail:
	if (!quiet)
		say_once(path, err);
	return -err;
}

void hm_publish_header(const struct hm_sites_header *h)
{
	if (!fhdr)
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

	if (!fhdr)
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

	if (!fhdr)
		return;
	f = &fstacks[i];
	memcpy(f->frames, s->frames, s->depth * sizeof(s->frames[0]));
	__atomic_store_n(&f->hash, s->hash, __ATOMIC_RELAXED);
	__atomic_store_n(&f->depth, s->depth, __ATOMIC_RELEASE);
	__atomic_store_n(&fhdr->stacks_used, i + 1, __ATOMIC_RELEASE);
}
