// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl export: every running target's statistics and cold growth as
 * Prometheus text, on stdout or, with --textfile DIR, in DIR/heapmon.prom for
 * node_exporter's textfile collector: written to a temporary file in DIR,
 * synced, then renamed over the old one, so that a scrape reads either the
 * old file or the new one, never half of one.
 */
#define _GNU_SOURCE		/* mkostemp() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "array.h"
#include "decode.h"
#include "histcalc.h"
#include "nl.h"
#include "options.h"
#include "promtext.h"
#include "request.h"
#include "subcommands.h"

#define TEXTFILE "heapmon.prom"

struct export {
	const char *dir;		/* --textfile, or NULL for stdout */
	bool has_idle;
	uint64_t idle_ms;
	struct hm_array targets;	/* struct hm_prom_target */
};

static int parse_args(int argc, char **argv, struct export *e)
{
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, "export", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 't':
			e->dir = g.arg;
			break;
		case 'I':
			e->has_idle = true;
			e->idle_ms = g.val;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind != argc)
		return subcommand_usage("export");
	return 0;
}

/*
 * One target's statistics, comm and cold growth into t. 1 when it is to be
 * left out (it exited meanwhile), 0, or a negative errno.
 */
static int gather_target(struct hm_nl *nl, const struct export *e, uint32_t pid,
			 struct hm_prom_target *t, struct hm_array *samples)
{
	struct hm_history_info info;
	struct hm_target tg;
	int ret;

	ret = hm_req_stats(nl, pid, &t->ts);
	if (ret == -ENOENT)
		return 1;
	if (!ret)
		ret = hm_req_history(nl, pid, &info, samples);
	if (ret == -ENOENT)
		return 1;
	if (ret)
		return ret;
	tg.pid = pid;
	tg.state = t->ts.state;
	if (!hm_target_comm(&tg, t->comm, sizeof(t->comm)))
		return 1;
	/* Cold as `heapmonctl history` counts it: --idle, else the coldest bucket. */
	t->cold_bucket = e->has_idle ?
		hm_hist_cold_bucket((uint64_t)t->ts.interval_ms * 1000000, e->idle_ms * 1000000) :
		HM_HIST_BUCKETS - 1;
	t->has_growth = !hm_hist_growth(samples->items, samples->n, 0, t->cold_bucket,
					&t->growth);
	return 0;
}

static int gather(struct export *e, const struct hm_status *st)
{
	struct hm_prom_target *t;
	struct hm_array samples;
	struct hm_nl nl;
	unsigned int i;
	int ret = 0;

	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	hm_array_init(&samples, sizeof(struct hm_history_sample));
	for (i = 0; i < st->n; i++) {
		if (st->targets[i].state != HEAPMON_TARGET_RUNNING)
			continue;
		t = hm_array_push(&e->targets);
		if (!t) {
			fprintf(stderr, "heapmonctl: export: out of memory\n");
			ret = EXIT_FAIL;
			break;
		}
		ret = gather_target(&nl, e, st->targets[i].pid, t, &samples);
		if (ret == 1) {
			e->targets.n--;
			ret = 0;
		} else if (ret) {
			ret = hm_req_perror(&nl, "export", st->targets[i].pid, ret);
			break;
		}
	}
	hm_array_free(&samples);
	hm_nl_close(&nl);
	return ret;
}

static int pid_cmp(const void *a, const void *b)
{
	const struct hm_prom_target *x = a, *y = b;

	return (x->ts.pid > y->ts.pid) - (x->ts.pid < y->ts.pid);
}

/* DIR/heapmon.prom, replaced atomically: temporary file, fsync, rename, fsync DIR. */
static int write_textfile(const char *dir, const struct hm_prom *p)
{
	char tmp[4096], dst[4096];
	const char *step;
	int fd, dfd, err;
	FILE *f;

	if ((size_t)snprintf(dst, sizeof(dst), "%s/" TEXTFILE, dir) >= sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/." TEXTFILE ".XXXXXX", dir) >= sizeof(tmp)) {
		fprintf(stderr, "heapmonctl: export: --textfile: directory name too long\n");
		return EXIT_USAGE;
	}
	/* A name that does not end in .prom: the collector skips it. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "heapmonctl: export: %s: %s\n", tmp, strerror(errno));
		return EXIT_FAIL;
	}
	step = "write";
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto fail;
	}
	step = "chmod";
	if (fchmod(fd, 0644))
		goto fail_close;
	step = "write";
	if (hm_prom_write(f, p) || fflush(f))
		goto fail_close;
	step = "fsync";
	if (fsync(fd))
		goto fail_close;
	step = "close";
	if (fclose(f))
		goto fail;
	step = "rename";
	if (rename(tmp, dst))
		goto fail;
	/* The rename itself lasts once the directory is synced. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return EXIT_OK;

fail_close:
	err = errno;
	fclose(f);
	errno = err;
fail:
	err = errno ?: EIO;
	unlink(tmp);
	fprintf(stderr, "heapmonctl: export: %s %s: %s\n", step, tmp, strerror(err));
	return EXIT_FAIL;
}

int cmd_export(int argc, char **argv)
{
	static struct hm_status st;
	struct export e = {};
	struct hm_prom p;
	int ret;

	ret = parse_args(argc, argv, &e);
	if (!ret)
		ret = hm_fetch_status("export", &st);
	if (ret)
		return ret;
	if (!st.listed && st.target_count) {
		fprintf(stderr,
			"heapmonctl: export: %u targets are watched; run as root to export them\n",
			st.target_count);
		return EXIT_FAIL;
	}
	hm_array_init(&e.targets, sizeof(struct hm_prom_target));
	ret = gather(&e, &st);
	if (ret)
		goto out;
	if (e.targets.n)
		qsort(e.targets.items, e.targets.n, e.targets.size, pid_cmp);
	p = (struct hm_prom){ .st = &st, .t = e.targets.items, .n = e.targets.n };
	/* A failed write to stdout is said, and fails, in main(). */
	if (e.dir)
		ret = write_textfile(e.dir, &p);
	else
		hm_prom_write(stdout, &p);
out:
	hm_array_free(&e.targets);
	return ret;
}
