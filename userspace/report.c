// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl report: a record file drawn as the growth of resident, cold and
 * never-touched memory over time, per region, and a heatmap of each region
 * (address against time, coloured by idle age): in the terminal, or as SVG.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heat.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "report.h"
#include "subcommands.h"

/* A region followed across frames, by its start; end is the highest it reached. */
struct track {
	uint64_t start, end;
	char kind[8];
	unsigned int rows;	/* heatmap rows: its most slices, at most the output's */
};

/* What a heatmap cell shows, coldest first; NONE: no resident page. */
enum cell { CELL_NONE, CELL_NEVER, CELL_COLD, CELL_COOL, CELL_WARM, CELL_HOT, CELL_N };

static const struct {
	const char *rgb, *label;
	int ansi;
} cells[CELL_N] = {
	[CELL_NONE] = { "#ffffff", "not resident", -1 },
	[CELL_NEVER] = { "#bdbdbd", "never touched", 250 },
	[CELL_COLD] = { "#313695", "idle >= 60 periods", 18 },
	[CELL_COOL] = { "#74add1", "idle 10-59 periods", 74 },
	[CELL_WARM] = { "#fdae61", "idle 1-9 periods", 215 },
	[CELL_HOT] = { "#d73027", "idle 0 (touched in the last period)", 160 },
};

static enum cell cell_of_level(enum hm_heat_level l)
{
	return l == HM_HEAT_HOT ? CELL_HOT : l == HM_HEAT_WARM ? CELL_WARM :
	       l == HM_HEAT_COOL ? CELL_COOL : CELL_COLD;
}

static const struct hm_rec_region *region_at(const struct hm_rec_frame *fr, uint64_t start)
{
	size_t i;

	for (i = 0; i < fr->n_regions; i++)
		if (fr->regions[i].start == start)
			return &fr->regions[i];
	return NULL;
}

/* The regions of all frames, by start address. */
static size_t find_tracks(const struct hm_record *rec, struct track **out, unsigned int max_rows)
{
	struct track *t = NULL, *tmp;
	const struct hm_rec_region *reg;
	size_t n = 0, i, r, k;

	for (i = 0; i < rec->n_frames; i++) {
		for (r = 0; r < rec->frames[i].n_regions; r++) {
			reg = &rec->frames[i].regions[r];
			for (k = 0; k < n && t[k].start != reg->start; k++)
				;
			if (k == n) {
				tmp = realloc(t, (n + 1) * sizeof(*t));
				if (!tmp)
					continue;
				t = tmp;
				memset(&t[n], 0, sizeof(*t));
				t[n].start = reg->start;
				memcpy(t[n].kind, reg->kind, sizeof(t[n].kind));
				n++;
			}
			if (t[k].end < reg->end)
				t[k].end = reg->end;
			if (t[k].rows < reg->slices)
				t[k].rows = reg->slices < max_rows ? reg->slices : max_rows;
		}
	}
	/* Insertion sort: a few regions. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && t[k - 1].start > t[k].start; k--) {
			struct track x = t[k];

			t[k] = t[k - 1];
			t[k - 1] = x;
		}
	*out = t;
	return n;
}

/* The cell of [lo, hi) in a frame's region: the mean idle of its touched pages. */
static enum cell cell_at(const struct hm_rec_region *reg, uint64_t lo, uint64_t hi)
{
	uint64_t len, a, b, n, res = 0, never = 0, idle = 0, touched;
	unsigned int i;

	if (!reg || !reg->slices || !reg->s_resident)
		return CELL_NONE;
	len = reg->end - reg->start;
	for (i = 0; i < reg->slices; i++) {
		a = reg->start + len * i / reg->slices;
		b = reg->start + len * (i + 1) / reg->slices;
		if (a >= hi || b <= lo)
			continue;
		/* A file's never-touched pages beyond its resident ones are taken as all of them. */
		n = reg->s_never[i] < reg->s_resident[i] ? reg->s_never[i] : reg->s_resident[i];
		res += reg->s_resident[i];
		never += n;
		idle += reg->s_idle[i] * (reg->s_resident[i] - n);
	}
	if (!res)
		return CELL_NONE;
	touched = res - never;
	if (!touched)
		return CELL_NEVER;
	return cell_of_level(hm_heat_level_of_idle(idle / touched));
}

/* Row r of a track's heatmap: [lo, hi), row 0 the lowest addresses. */
static void row_range(const struct track *t, unsigned int r, uint64_t *lo, uint64_t *hi)
{
	uint64_t len = t->end - t->start;

	*lo = t->start + len * r / t->rows;
	*hi = t->start + len * (r + 1) / t->rows;
}

/* Seconds of frame i since the first frame. */
static double frame_time(const struct hm_record *rec, size_t i)
{
	return (rec->frames[i].boottime_ns - rec->frames[0].boottime_ns) / 1e9;
}

static double interval_s(const struct hm_record *rec)
{
	return (rec->interval_ms ? rec->interval_ms : 1000) / 1000.0;
}

/* The seconds the record spans: up to the end of its last frame's interval. */
static double span_s(const struct hm_record *rec)
{
	if (!rec->n_frames)
		return 0;
	return frame_time(rec, rec->n_frames - 1) + interval_s(rec);
}

enum series { S_RESIDENT, S_COLD, S_NEVER, S_N };

static const struct {
	const char *name, *rgb;
} series[S_N] = {
	[S_RESIDENT] = { "resident", "#222222" },
	[S_COLD] = { "cold", "#2166ac" },
	[S_NEVER] = { "never touched", "#999999" },
};

/* Series s of frame i, for the whole target (track NULL) or one region. */
static uint64_t value(const struct hm_record *rec, size_t i, const struct track *t, enum series s)
{
	const struct hm_rec_frame *fr = &rec->frames[i];
	const struct hm_rec_region *reg;

	if (!t)
		return s == S_RESIDENT ? fr->resident : s == S_COLD ? fr->cold : fr->never;
	reg = region_at(fr, t->start);
	if (!reg)
		return 0;
	return s == S_RESIDENT ? reg->resident : s == S_COLD ? reg->cold : reg->never;
}

static uint64_t max_value(const struct hm_record *rec, const struct track *t)
{
	uint64_t m = 0, v;
	size_t i;
	int s;

	for (i = 0; i < rec->n_frames; i++)
		for (s = 0; s < S_N; s++) {
			v = value(rec, i, t, s);
			if (v > m)
				m = v;
		}
	return m;
}

/* ---- The terminal. */

#define TEXT_COLUMNS 64
#define TEXT_ROWS 16

static const char *const spark_utf8[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char spark_plain[] = " .:-=+*#@";

/* The frame column c of n_cols shows. */
static size_t column_frame(const struct hm_record *rec, size_t c, size_t n_cols)
{
	return rec->n_frames <= n_cols ? c : c * rec->n_frames / n_cols;
}

static void text_chart(FILE *f, const struct hm_record *rec, const struct track *t,
		       size_t n_cols, bool tty)
{
	uint64_t max = max_value(rec, t), v;
	char a[16], b[16];
	unsigned int level;
	size_t c;
	int s;

	for (s = 0; s < S_N; s++) {
		fprintf(f, "  %-13s |", series[s].name);
		for (c = 0; c < n_cols; c++) {
			v = value(rec, column_frame(rec, c, n_cols), t, s);
			/* Rounded up: anything above zero shows. */
			level = max ? (v * 8 + max - 1) / max : 0;
			if (tty)
				fputs(spark_utf8[level], f);
			else
				fputc(spark_plain[level], f);
		}
		fprintf(f, "|  %s -> %s\n", fmt_bytes(value(rec, 0, t, s), a, sizeof(a)),
			fmt_bytes(value(rec, rec->n_frames - 1, t, s), b, sizeof(b)));
	}
}

static void text_heatmap(FILE *f, const struct hm_record *rec, const struct track *t,
			 size_t n_cols, bool tty)
{
	uint64_t lo, hi;
	enum cell cell;
	unsigned int r;
	size_t c;

	for (r = t->rows; r-- > 0;) {
		row_range(t, r, &lo, &hi);
		fprintf(f, "  0x%012llx |", (unsigned long long)lo);
		for (c = 0; c < n_cols; c++) {
			cell = cell_at(region_at(&rec->frames[column_frame(rec, c, n_cols)],
						 t->start), lo, hi);
			if (tty && cell != CELL_NONE)
				fprintf(f, "\033[48;5;%dm \033[0m", cells[cell].ansi);
			else
				fputc(cell == CELL_NEVER ? hm_heat_level_char(HM_HEAT_COLD) :
				      cell == CELL_NONE ? ' ' :
				      hm_heat_level_char(HM_HEAT_COLD + cell - CELL_COLD), f);
		}
		fputs("|\n", f);
	}
}

void hm_report_text(FILE *f, const struct hm_record *rec, bool tty)
{
	size_t n_cols = rec->n_frames < TEXT_COLUMNS ? rec->n_frames : TEXT_COLUMNS, n, i;
	struct track *tracks;
	int c;

	fprintf(f, "heapmon record of pid %u (%s): %zu frames over %.1f s, one every %llu ms "
		"(period %llu ms)\n", rec->pid, rec->comm, rec->n_frames, span_s(rec),
		(unsigned long long)rec->interval_ms, (unsigned long long)rec->period_ms);
	if (!rec->n_frames)
		return;
	fprintf(f, "time: one column per %s, left to right; cold: idle >= 10 periods\n",
		n_cols < rec->n_frames ? "few frames" : "frame");
	fputs("\ntarget\n", f);
	text_chart(f, rec, NULL, n_cols, tty);
	n = find_tracks(rec, &tracks, TEXT_ROWS);
	for (i = 0; i < n; i++) {
		fprintf(f, "\nregion %s 0x%012llx-0x%012llx\n", tracks[i].kind,
			(unsigned long long)tracks[i].start, (unsigned long long)tracks[i].end);
		text_chart(f, rec, &tracks[i], n_cols, tty);
		if (tracks[i].rows)
			text_heatmap(f, rec, &tracks[i], n_cols, tty);
	}
	free(tracks);
	fputs("\nheat:", f);
	for (c = CELL_N - 1; c > CELL_NONE; c--) {
		if (tty)
			fprintf(f, " \033[48;5;%dm \033[0m %s", cells[c].ansi, cells[c].label);
		else if (c != CELL_NEVER)
			fprintf(f, " '%c' %s", hm_heat_level_char(HM_HEAT_COLD + c - CELL_COLD),
				c == CELL_COLD ? "idle >= 60 periods or never touched" : cells[c].label);
	}
	fputs(tty ? "\n" : ", ' ' not resident\n", f);
}

/* ---- SVG. */

#define SVG_WIDTH 960
#define SVG_LEFT 130
#define SVG_PLOT 780		/* plot width */
#define SVG_CHART 120		/* chart height */
#define SVG_HEAT 160		/* heatmap height */
#define SVG_ROWS 64		/* heatmap rows, at most */

static double svg_x(const struct hm_record *rec, double t)
{
	return SVG_LEFT + t / span_s(rec) * SVG_PLOT;
}

static void svg_text(FILE *f, double x, double y, const char *anchor, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", x, y, anchor, s);
}

/* A chart of the three series; top is its upper edge. Returns its height. */
static int svg_chart(FILE *f, const struct hm_record *rec, const struct track *t, int top)
{
	uint64_t max = max_value(rec, t);
	char label[32], b[16];
	size_t i;
	int s;

	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		"stroke=\"#cccccc\"/>\n", SVG_LEFT, top, SVG_PLOT, SVG_CHART);
	snprintf(label, sizeof(label), "%s", fmt_bytes(max, b, sizeof(b)));
	svg_text(f, SVG_LEFT - 6, top + 12, "end", label);
	svg_text(f, SVG_LEFT - 6, top + SVG_CHART, "end", "0");
	for (s = 0; s < S_N; s++) {
		fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			"points=\"", s == S_RESIDENT ? "resident" : s == S_COLD ? "cold" : "never",
			series[s].rgb);
		for (i = 0; i < rec->n_frames; i++)
			fprintf(f, "%s%.1f,%.1f", i ? " " : "", svg_x(rec, frame_time(rec, i)),
				top + SVG_CHART -
				(max ? (double)value(rec, i, t, s) / max * SVG_CHART : 0));
		fputs("\"/>\n", f);
	}
	return SVG_CHART;
}

static int svg_heatmap(FILE *f, const struct hm_record *rec, const struct track *t, int top)
{
	double x0, x1, h = (double)SVG_HEAT / t->rows;
	uint64_t lo, hi;
	enum cell cell;
	unsigned int r;
	size_t i, k;

	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
		"stroke=\"#cccccc\"/>\n", SVG_LEFT, top, SVG_PLOT, SVG_HEAT, cells[CELL_NONE].rgb);
	/* A row's frames of one colour in a row are one rect: a record of hours stays small. */
	fputs("<g shape-rendering=\"crispEdges\">\n", f);	/* no seams between rows */
	for (r = 0; r < t->rows; r++) {
		row_range(t, r, &lo, &hi);
		for (i = 0; i < rec->n_frames; i = k) {
			cell = cell_at(region_at(&rec->frames[i], t->start), lo, hi);
			for (k = i + 1; k < rec->n_frames &&
			     cell_at(region_at(&rec->frames[k], t->start), lo, hi) == cell; k++)
				;
			if (cell == CELL_NONE)
				continue;
			x0 = svg_x(rec, frame_time(rec, i));
			x1 = k < rec->n_frames ? svg_x(rec, frame_time(rec, k)) : SVG_LEFT + SVG_PLOT;
			fprintf(f, "<rect data-frame=\"%zu\" data-frames=\"%zu\" data-row=\"%u\" "
				"x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
				i, k - i, r, x0, top + SVG_HEAT - (r + 1) * h, x1 - x0, h,
				cells[cell].rgb);
		}
	}
	fputs("</g>\n", f);
	{
		char lo_s[24], hi_s[24];

		snprintf(lo_s, sizeof(lo_s), "0x%llx", (unsigned long long)t->start);
		snprintf(hi_s, sizeof(hi_s), "0x%llx", (unsigned long long)t->end);
		svg_text(f, SVG_LEFT - 6, top + 12, "end", hi_s);
		svg_text(f, SVG_LEFT - 6, top + SVG_HEAT, "end", lo_s);
	}
	return SVG_HEAT;
}

static int svg_time_axis(FILE *f, const struct hm_record *rec, int top)
{
	char s[32];

	svg_text(f, SVG_LEFT, top + 14, "start", "0 s");
	snprintf(s, sizeof(s), "%.1f s", span_s(rec));
	svg_text(f, SVG_LEFT + SVG_PLOT, top + 14, "end", s);
	return 20;
}

#define SVG_TOP 78		/* below the title and the legend */

/* The SVG's height: the target's chart, then each region's, with its heatmap if any. */
static int svg_height(const struct track *tracks, size_t n)
{
	int h = SVG_TOP + 24 + SVG_CHART + 20 + 10;
	size_t i;

	for (i = 0; i < n; i++)
		h += 24 + SVG_CHART + (tracks[i].rows ? 8 + SVG_HEAT : 0) + 20;
	return h;
}

void hm_report_svg(FILE *f, const struct hm_record *rec)
{
	struct track *tracks = NULL;
	char title[160];
	size_t n = 0, i;
	int y, c, x;

	if (rec->n_frames)
		n = find_tracks(rec, &tracks, SVG_ROWS);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		SVG_WIDTH, svg_height(tracks, n), SVG_WIDTH, svg_height(tracks, n));
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	snprintf(title, sizeof(title), "heapmon record of pid %u (%s): %zu frames, one every %llu ms",
		 rec->pid, rec->comm, rec->n_frames, (unsigned long long)rec->interval_ms);
	fprintf(f, "<text x=\"10\" y=\"22\" font-size=\"16\">");
	for (i = 0; title[i]; i++)	/* comm comes from the target: escaped */
		if (title[i] == '<' || title[i] == '>' || title[i] == '&')
			fprintf(f, "&#%d;", title[i]);
		else
			fputc(title[i], f);
	fputs("</text>\n", f);
	/* The legend: the series, then the heat. */
	x = 10;
	for (c = 0; c < S_N; c++, x += 200) {
		fprintf(f, "<line x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"40\" stroke=\"%s\" "
			"stroke-width=\"2\"/>\n", x, x + 20, series[c].rgb);
		svg_text(f, x + 24, 44, "start", c == S_COLD ? "cold (idle >= 10 periods)" :
			 series[c].name);
	}
	x = 10;
	for (c = CELL_N - 1; c > CELL_NONE; c--, x += 150) {
		fprintf(f, "<rect class=\"legend\" x=\"%d\" y=\"52\" width=\"12\" height=\"12\" "
			"fill=\"%s\"/>\n", x, cells[c].rgb);
		svg_text(f, x + 16, 62, "start", c == CELL_HOT ? "idle 0" : cells[c].label);
	}
	y = SVG_TOP;
	if (!rec->n_frames)
		goto out;
	svg_text(f, 10, y + 16, "start", "target");
	y += 24;
	y += svg_chart(f, rec, NULL, y);
	y += svg_time_axis(f, rec, y);
	for (i = 0; i < n; i++) {
		snprintf(title, sizeof(title), "region %s 0x%llx-0x%llx", tracks[i].kind,
			 (unsigned long long)tracks[i].start, (unsigned long long)tracks[i].end);
		svg_text(f, 10, y + 16, "start", title);
		y += 24;
		y += svg_chart(f, rec, &tracks[i], y);
		if (tracks[i].rows)
			y += 8 + svg_heatmap(f, rec, &tracks[i], y + 8);
		y += svg_time_axis(f, rec, y);
	}
out:
	fputs("</svg>\n", f);
	free(tracks);
}

static int parse_args(int argc, char **argv, const char **file, const char **svg)
{
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, "report", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0)
		if (c == 's')
			*svg = g.arg;
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("report");
	*file = argv[optind];
	return 0;
}

int cmd_report(int argc, char **argv)
{
	const char *file = NULL, *svg = NULL;
	struct hm_record rec;
	char err[160];
	FILE *in, *out;
	bool bad;
	int ret;

	ret = parse_args(argc, argv, &file, &svg);
	if (ret)
		return ret;
	in = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!in) {
		fprintf(stderr, "heapmonctl: report: cannot open %s: %s\n", file, strerror(errno));
		return EXIT_FAIL;
	}
	ret = hm_record_load(in, &rec, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (ret) {
		fprintf(stderr, "heapmonctl: report: %s: %s\n", file, err);
		return EXIT_FAIL;
	}
	if (!svg) {
		/* A failed write to stdout is said, and fails, in main(). */
		hm_report_text(stdout, &rec, isatty(STDOUT_FILENO));
		hm_record_free(&rec);
		return 0;
	}
	out = fopen(svg, "w");
	if (out)
		hm_report_svg(out, &rec);
	hm_record_free(&rec);
	bad = !out || fflush(out) || ferror(out);
	if (out && fclose(out))
		bad = true;
	if (bad) {
		fprintf(stderr, "heapmonctl: report: cannot write %s: %s\n", svg, strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}
