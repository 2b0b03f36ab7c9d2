/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a site file (include/heapmon/sites.h) written by the recorder:
 * a consistent copy of its live records and its stacks, and the live
 * records grouped by call stack.
 */
#ifndef HEAPMONCTL_SITESFILE_H
#define HEAPMONCTL_SITESFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../include/heapmon/sites.h"

struct hm_sites {
	struct hm_sites_header hdr;	/* as of the snapshot */
	struct hm_sites_record *recs;	/* live records only (addr != 0) */
	size_t n_recs;
	struct hm_sites_stack *stacks;	/* complete stacks, indexed as in the file */
	size_t n_stacks;
	char path[256];
};

/*
 * The site file of pid, in dir (NULL: $HEAPMON_SITES_DIR, else
 * /run/heapmon). Returns 0, or -errno with a sentence in err: ENOENT no
 * file (the process runs without the recorder), EPROTO not a site file,
 * another version, or a corrupt or truncated one. While the writer keeps
 * changing records the scan is retried a few times; then the last copy is
 * returned: each record in it is consistent, not all from one instant.
 */
int hm_sites_read(pid_t pid, const char *dir, struct hm_sites *s, char *err, size_t errlen);
/* The same for a file given by its path. */
int hm_sites_read_path(const char *path, struct hm_sites *s, char *err, size_t errlen);
void hm_sites_free(struct hm_sites *s);

/* The stack of a record, or NULL when it has none. */
const struct hm_sites_stack *hm_sites_stack_of(const struct hm_sites *s,
					       const struct hm_sites_record *r);

/* Live records grouped by stack. */
struct hm_site {
	uint32_t stack;			/* as in hm_sites_record.stack; 0: no stack */
	uint64_t live_bytes;		/* sum of weight_bytes */
	double count;			/* estimated live objects: sum of weight_bytes / size */
	uint64_t samples;		/* live records */
	uint64_t first_ns, last_ns;	/* oldest and newest allocation time */
};

/*
 * Groups s's live records by stack into *sites (malloc'd, *n entries),
 * sorted by live_bytes, largest first. Returns 0 or -ENOMEM.
 */
int hm_sites_group(const struct hm_sites *s, struct hm_site **sites, size_t *n);

#endif
