// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl sites: a process's estimated live heap per allocation call
 * stack, from the recorder's site file, symbolized with libdwfl.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "sitesfile.h"
#include "subcommands.h"
#include "symbolize.h"

#define DEFAULT_TOP	20
#define DEFAULT_FRAMES	8

struct sites_args {
	uint32_t pid;
	uint32_t top;		/* 0: all */
	uint32_t frames;	/* 0: all */
	bool has_frames;
	bool json;
	const char *dir;
};

/* What the process is now, against what the file says. */
enum proc_state {
	PROC_LIVE,		/* the process that wrote the file runs: symbolize */
	PROC_EXITED,		/* the file says it exited (or exec'd) */
	PROC_GONE,		/* no such process: killed before the recorder could say so */
	PROC_REUSED,		/* the PID now names a younger process */
	PROC_UNKNOWN,		/* cannot tell (no /proc/PID/stat) */
};

static int parse_args(int argc, char **argv, struct sites_args *a)
{
	struct hm_getopt g;
	int c;

	a->top = DEFAULT_TOP;
	a->frames = DEFAULT_FRAMES;
	hm_getopt_init(&g, "sites", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 't':
			a->top = g.val;
			break;
		case 'f':
			a->has_frames = true;
			a->frames = g.val;
			break;
		case 'D':
			a->dir = g.arg;
			break;
		case 'j':
			a->json = true;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("sites");
	/* JSON is for programs: every frame unless asked otherwise. */
	if (a->json && !a->has_frames)
		a->frames = 0;
	return parse_pid(argv[optind], &a->pid);
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Field 22 of /proc/PID/stat, the start time in clock ticks since boot, in ns. */
static int proc_start_ns(uint32_t pid, uint64_t *ns)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks;
	size_t n;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields count from the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (i = 3; i <= 22; i++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	if (sscanf(p, "%llu", &ticks) != 1)
		return -EINVAL;
	*ns = ticks * (1000000000ULL / sysconf(_SC_CLK_TCK));
	return 0;
}

static enum proc_state proc_state(const struct hm_sites_header *h, uint32_t pid)
{
	uint64_t start = 0;
	int ret;

	if (h->flags & HM_SITES_F_EXITED)
		return PROC_EXITED;
	ret = proc_start_ns(pid, &start);
	if (ret == -ENOENT)
		return PROC_GONE;
	if (ret)
		return PROC_UNKNOWN;
	/*
	 * The recorder starts after its process; a process started later is
	 * another one. (A fork child's file keeps its parent's start time.)
	 */
	if (!(h->flags & HM_SITES_F_FORKED) && start > h->start_ns + 20000000)
		return PROC_REUSED;
	return PROC_LIVE;
}

static const char *proc_comm(uint32_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	return buf;
}

/* "2.5 s", "45 s", "3 min 12 s", "2 h 5 min". */
static const char *fmt_duration(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000;

	if (s < 10)
		snprintf(buf, len, "%.1f s", ns / 1e9);
	else if (s < 60)
		snprintf(buf, len, "%" PRIu64 " s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 " min %" PRIu64 " s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 " h %" PRIu64 " min", s / 3600, s / 60 % 60);
	return buf;
}

/* Why frames are not symbolized, or NULL when they are. */
static struct hm_symbolizer *open_symbolizer(uint32_t pid, enum proc_state st,
					     char *why, size_t len)
{
	switch (st) {
	case PROC_EXITED:
		snprintf(why, len, "the process has exited or exec'd, and libdwfl reads the mappings of the live process");
		return NULL;
	case PROC_GONE:
		snprintf(why, len, "the process is gone (killed before its recorder could say so), and libdwfl reads the mappings of the live process");
		return NULL;
	case PROC_REUSED:
		snprintf(why, len, "PID %u now belongs to a younger process: this site file is stale",
			 pid);
		return NULL;
	default:
		return hm_symbolizer_open(pid, why, len);
	}
}

static void print_frame_text(const struct hm_frame *f)
{
	printf("      0x%012" PRIx64 "  ", f->addr);
	if (f->function)
		printf("%s+0x%" PRIx64, f->function, f->offset);
	else
		printf("??");
	if (f->file)
		printf("  %s:%d", f->file, f->line);
	if (f->module)
		printf("  (%s)", f->module);
	putchar('\n');
}

static void print_frame_json(struct json *j, const struct hm_frame *f)
{
	json_object_begin(j, NULL);
	json_hex(j, "addr", f->addr);
	if (f->module)
		json_str(j, "module", f->module);
	if (f->function)
		json_str(j, "function", f->function);
	if (f->file)
		json_str(j, "file", f->file);
	if (f->line)
		json_u64(j, "line", f->line);
	json_object_end(j);
}

/* The frames of one site, each symbolized when sym is there. */
static void for_each_frame(const struct hm_sites *s, const struct hm_site *site,
			   struct hm_symbolizer *sym, uint32_t max, struct json *j)
{
	const struct hm_sites_stack *st;
	struct hm_frame f;
	uint32_t i, n;

	if (!site->stack || site->stack > s->n_stacks || !s->stacks[site->stack - 1].depth) {
		if (!j)
			printf("      (no stack: %s)\n", site->stack ? "not readable" :
			       "the stack table was full");
		return;
	}
	st = &s->stacks[site->stack - 1];
	n = max && max < st->depth ? max : st->depth;
	for (i = 0; i < n; i++) {
		if (sym) {
			hm_symbolize(sym, st->frames[i], &f);
		} else {
			memset(&f, 0, sizeof(f));
			f.addr = st->frames[i];
		}
		if (j)
			print_frame_json(j, &f);
		else
			print_frame_text(&f);
	}
	if (!j && n < st->depth)
		printf("      ... %u more frames\n", st->depth - n);
}

static void print_json(const struct hm_sites *s, const struct hm_site *sites, size_t n,
		       struct hm_symbolizer *sym, const struct sites_args *a)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	for (i = 0; i < n; i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "live_bytes", sites[i].live_bytes);
		json_u64(&j, "count", (uint64_t)(sites[i].count + 0.5));
		json_u64(&j, "samples", sites[i].samples);
		json_array_begin(&j, "frames");
		for_each_frame(s, &sites[i], sym, a->frames, &j);
		json_array_end(&j);
		json_object_end(&j);
		json_newline(&j);
	}
	fflush(stdout);
}

/* Drops make the estimates low or the stacks missing: never quietly. */
static void warn_drops(FILE *f, const struct hm_sites_header *h)
{
	if (h->flags & HM_SITES_F_STALE)
		fprintf(f, "WARNING: the site file stopped being updated (its file system is full): these are old figures\n");
	if (h->drops_records)
		fprintf(f, "WARNING: %" PRIu64 " sampled allocations were not recorded (the record table is full: raise HEAPMON_RECORDS): live bytes are underestimated\n",
			h->drops_records);
	if (h->drops_stacks)
		fprintf(f, "WARNING: %" PRIu64 " samples were recorded without their stack (the stack table is full: raise HEAPMON_STACKS)\n",
			h->drops_stacks);
	if (h->drops_arena)
		fprintf(f, "WARNING: %" PRIu64 " samples are not on pages of their own (the arena is full: raise HEAPMON_ARENA_MB): their page statistics are shared\n",
			h->drops_arena);
}

static void print_header(const struct hm_sites *s, uint32_t pid, size_t n_sites,
			 enum proc_state st)
{
	const struct hm_sites_header *h = &s->hdr;
	char comm[64] = "", mean[16], dur[32], live[16];
	uint64_t end = st == PROC_EXITED && h->exit_ns ? h->exit_ns : boottime_ns();
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < s->n_recs; i++)
		total += s->recs[i].weight_bytes;
	if (st == PROC_LIVE)
		proc_comm(pid, comm, sizeof(comm));
	printf("PID %u%s%s%s: recording%s for %s (%s)%s\n", pid,
	       *comm ? " (" : "", comm, *comm ? ")" : "",
	       h->flags & HM_SITES_F_INJECTED ? " since attach" : "",
	       fmt_duration(end > h->start_ns ? end - h->start_ns : 0, dur, sizeof(dur)),
	       s->path, st == PROC_EXITED ? ", exited" : st == PROC_GONE ? ", process gone" : "");
	if (h->sample_mean)
		printf("sampling one allocation per %s allocated on average; ",
		       fmt_bytes(h->sample_mean, mean, sizeof(mean)));
	else
		printf("recording every allocation; ");
	printf("%" PRIu64 " samples, %" PRIu64 " freed, %zu live in %zu stacks: %s live (estimated)\n",
	       h->samples, h->sampled_frees, s->n_recs, n_sites,
	       fmt_bytes(total, live, sizeof(live)));
	warn_drops(stdout, h);
	if (h->flags & HM_SITES_F_FORKED)
		printf("Forked from PID %u: includes the allocations inherited from it.\n", h->ppid);
	printf("Allocations made before recording started are not included.\n\n");
}

static void print_table(const struct hm_sites *s, const struct hm_site *sites, size_t n,
			size_t n_all, struct hm_symbolizer *sym, const struct sites_args *a)
{
	char live[16];
	size_t i;

	if (!n_all) {
		printf("No live sampled allocation yet.\n");
		return;
	}
	printf("%4s  %10s  %10s  %8s\n", "RANK", "LIVE", "COUNT", "SAMPLES");
	for (i = 0; i < n; i++) {
		printf("%4zu  %10s  %10.0f  %8" PRIu64 "\n", i + 1,
		       fmt_bytes(sites[i].live_bytes, live, sizeof(live)), sites[i].count,
		       sites[i].samples);
		for_each_frame(s, &sites[i], sym, a->frames, NULL);
	}
	if (n < n_all)
		printf("... %zu more stacks (--top 0 shows all)\n", n_all - n);
}

static int show(const struct hm_sites *s, const struct sites_args *a)
{
	enum proc_state st = proc_state(&s->hdr, a->pid);
	struct hm_symbolizer *sym;
	struct hm_site *sites;
	size_t n_all, n;
	char why[320];

	if (hm_sites_group(s, &sites, &n_all)) {
		fprintf(stderr, "heapmonctl: sites: out of memory\n");
		return EXIT_FAIL;
	}
	n = a->top && a->top < n_all ? a->top : n_all;
	why[0] = '\0';
	sym = n ? open_symbolizer(a->pid, st, why, sizeof(why)) : NULL;
	if (n && !sym)
		fprintf(stderr, "heapmonctl: addresses are not symbolized: %s\n", why);
	if (a->json) {
		warn_drops(stderr, &s->hdr);
		print_json(s, sites, n, sym, a);
	} else {
		print_header(s, a->pid, n_all, st);
		print_table(s, sites, n, n_all, sym, a);
	}
	hm_symbolizer_close(sym);
	free(sites);
	return EXIT_OK;
}

int cmd_sites(int argc, char **argv)
{
	struct sites_args a = {};
	struct hm_sites s;
	char err[512];
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;

	ret = hm_sites_read(a.pid, a.dir, &s, err, sizeof(err));
	if (ret == -ENOENT) {
		fprintf(stderr, "heapmonctl: no site data for PID %u: start it with `heapmonctl run` or load the recorder with `heapmonctl attach %u`\n",
			a.pid, a.pid);
		return EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "heapmonctl: sites: %s\n", err);
		return EXIT_FAIL;
	}
	ret = show(&s, &a);
	hm_sites_free(&s);
	return ret;
}
