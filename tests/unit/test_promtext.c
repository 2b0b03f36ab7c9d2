// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of heapmonctl export's text (promtext.c): fixture statistics
 * in, exact lines out. With an argument, also writes the fixture's whole
 * exposition to that file, for tests/export/run to give to promtool.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/heapmon.h>

#include "histcalc.h"
#include "promtext.h"
#include "unit.h"

#define MIB (1024 * 1024ULL)
#define SEC 1000000000ULL

/* Is line, whole, one of text's lines? */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

static void expect_line(const char *text, const char *line)
{
	char name[512];

	snprintf(name, sizeof(name), "promtext: line '%s'", line);
	if (has_line(text, line)) {
		printf("PASS unit: %s\n", name);
	} else {
		printf("FAIL unit: %s: not in the output\n", name);
		unit_failed++;
	}
}

static void test_label_value(void)
{
	char out[64];

	UNIT_EQ_STR("promtext: plain label value",
		    hm_prom_label_value("redis-server", out, sizeof(out)), "redis-server");
	UNIT_EQ_STR("promtext: backslash, quote and newline escaped",
		    hm_prom_label_value("a\\b\"c\nd", out, sizeof(out)), "a\\\\b\\\"c\\nd");
	UNIT_EQ_STR("promtext: UTF-8 kept",
		    hm_prom_label_value("caf\xc3\xa9", out, sizeof(out)), "caf\xc3\xa9");
	/* A comm is cut at 15 bytes, maybe inside a character. */
	UNIT_EQ_STR("promtext: a cut character becomes U+FFFD",
		    hm_prom_label_value("abcdefghijklmn\xc3", out, sizeof(out)),
		    "abcdefghijklmn\xef\xbf\xbd");
	UNIT_EQ_STR("promtext: overlong and stray bytes become U+FFFD",
		    hm_prom_label_value("\xc0\xaf\xff", out, sizeof(out)),
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	UNIT_EQ_STR("promtext: too long: cut before an escape, never inside it",
		    hm_prom_label_value("abcd\"", out, 6), "abcd");
}

/* The fixture: two running targets, one exited, as export gathers them. */
static char *fixture_text(size_t *len)
{
	static struct hm_status st = {
		.version = "0.7",
		.protocol = 5,
		.max_targets = 64,
		.max_memory_mb = 256,
		.memory_bytes = 3 * 2048,
		.target_count = 3,
		.listed = true,
		.n = 3,
		.targets = {
			{ 7, HEAPMON_TARGET_RUNNING, 200 },
			{ 42, HEAPMON_TARGET_RUNNING, 1000 },
			{ 99, HEAPMON_TARGET_EXITED, 1000 },
		},
	};
	/* pid 7's history: 1 MiB idle >= 12 s, then 7 MiB a minute later. */
	const struct hm_history_sample hist[] = {
		{ .time_ns = 100 * SEC, .idle60_bytes = 1 * MIB, .idle600_bytes = 0 },
		{ .time_ns = 130 * SEC, .idle60_bytes = 3 * MIB, .idle600_bytes = 0 },
		{ .time_ns = 160 * SEC, .idle60_bytes = 7 * MIB, .idle600_bytes = 1 * MIB },
	};
	struct hm_prom_target t[2] = {
		{
			.ts = { .pid = 7, .state = HEAPMON_TARGET_RUNNING, .interval_ms = 200,
				.stats = {
					.passes = 300, .tracked_bytes = 16 * MIB,
					.resident_bytes = 12 * MIB, .swapped_bytes = 1 * MIB,
					.huge_bytes = 2 * MIB, .touched_bytes = 4 * MIB,
					.idle1_bytes = 9 * MIB, .idle10_bytes = 8 * MIB,
					.idle60_bytes = 7 * MIB, .idle600_bytes = 1 * MIB,
					.never_bytes = 5 * MIB, .faults = 1234,
					.first_faults = 1000, .pass_ns = 1500000,
					.pass_pages = 3072, .untracked_pages = 17,
					.events_lost = 2, .skipped_passes = 3, .lock_yields = 4,
				} },
			.comm = "abcdefghijklmn\xc3",
		},
		{
			.ts = { .pid = 42, .state = HEAPMON_TARGET_RUNNING, .interval_ms = 1000,
				.stats = { .passes = 5, .resident_bytes = 4096,
					   .pass_ns = 2000000000 } },
			.comm = "we\"ird\\name",
		},
	};
	struct hm_prom p = { .st = &st, .t = t, .n = 2 };
	char *text = NULL;
	FILE *f;

	/* Cold for pid 7 as `export --idle 30s` counts it: 12 s, 60 periods. */
	t[0].cold_bucket = hm_hist_cold_bucket(200 * 1000000ULL, 30 * SEC);
	t[0].has_growth = !hm_hist_growth(hist, 3, 0, t[0].cold_bucket, &t[0].growth);
	t[1].cold_bucket = HM_HIST_BUCKETS - 1;
	f = open_memstream(&text, len);
	UNIT_EQ_INT("promtext: the exposition is written without error", hm_prom_write(f, &p), 0);
	fclose(f);
	return text;
}

static void test_exposition(const char *text)
{
	static const char *const lines[] = {
		"# HELP heapmon_info The loaded heapmon module's version and protocol.",
		"# TYPE heapmon_info gauge",
		"heapmon_info{version=\"0.7\",protocol=\"5\"} 1",
		"heapmon_targets{state=\"running\"} 2",
		"heapmon_targets{state=\"exited\"} 1",
		"heapmon_max_targets 64",
		"heapmon_memory_bytes 6144",
		"heapmon_max_memory_bytes 268435456",
		"heapmon_interval_seconds{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 0.2",
		"heapmon_interval_seconds{pid=\"42\",comm=\"we\\\"ird\\\\name\"} 1",
		"# TYPE heapmon_resident_bytes gauge",
		"heapmon_resident_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 12582912",
		"heapmon_resident_bytes{pid=\"42\",comm=\"we\\\"ird\\\\name\"} 4096",
		"heapmon_swapped_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 1048576",
		"heapmon_tracked_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 16777216",
		"heapmon_huge_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 2097152",
		"heapmon_touched_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 4194304",
		"heapmon_never_touched_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 5242880",
		"# TYPE heapmon_passes_total counter",
		"heapmon_passes_total{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 300",
		"# TYPE heapmon_skipped_passes_total counter",
		"heapmon_skipped_passes_total{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 3",
		"# TYPE heapmon_pass_duration_seconds gauge",
		"heapmon_pass_duration_seconds{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 0.0015",
		"heapmon_pass_duration_seconds{pid=\"42\",comm=\"we\\\"ird\\\\name\"} 2",
		"heapmon_pass_pages{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 3072",
		"heapmon_untracked_pages{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 17",
		"heapmon_faults_total{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 1234",
		"heapmon_first_faults_total{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 1000",
		"heapmon_events_lost_total{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 2",
		"heapmon_lock_yields_total{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 4",
		"# TYPE heapmon_idle_bytes gauge",
		"heapmon_idle_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\",idle_seconds=\"0.2\"} 9437184",
		"heapmon_idle_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\",idle_seconds=\"2\"} 8388608",
		"heapmon_idle_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\",idle_seconds=\"12\"} 7340032",
		"heapmon_idle_bytes{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\",idle_seconds=\"120\"} 1048576",
		"heapmon_idle_bytes{pid=\"42\",comm=\"we\\\"ird\\\\name\",idle_seconds=\"600\"} 0",
		/* (7 - 1) MiB over 60 s */
		"heapmon_cold_growth_bytes_per_second{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\",idle_seconds=\"12\"} 104857.600",
		"heapmon_cold_growth_window_seconds{pid=\"7\",comm=\"abcdefghijklmn\xef\xbf\xbd\"} 60",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		expect_line(text, lines[i]);
	/* Without two samples of history, no growth sample at all, not a 0. */
	UNIT_EQ_INT("promtext: no cold growth for a target without history",
		    strstr(text, "heapmon_cold_growth_bytes_per_second{pid=\"42\"") != NULL, 0);
	UNIT_EQ_INT("promtext: the exited target is not exported", strstr(text, "pid=\"99\"") != NULL,
		    0);
}

/* Every sample's family is the last TYPE line's, and no family comes twice. */
static void test_grouping(const char *text)
{
	char family[128] = "", seen[4096] = " ", key[130];
	const char *p = text, *nl;
	bool ok = true;
	int helps = 0, types = 0;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (!strncmp(p, "# HELP ", 7)) {
			helps++;
		} else if (!strncmp(p, "# TYPE ", 7)) {
			types++;
			sscanf(p + 7, "%127s", family);
			snprintf(key, sizeof(key), " %s ", family);
			if (strstr(seen, key))
				ok = false;
			strncat(seen, key + 1, sizeof(seen) - strlen(seen) - 1);
		} else if (strncmp(p, family, strlen(family)) ||
			   (p[strlen(family)] != '{' && p[strlen(family)] != ' ')) {
			ok = false;
		}
	}
	UNIT_EQ_INT("promtext: samples grouped under their own TYPE, each family once", ok, 1);
	UNIT_EQ_INT("promtext: as many HELP lines as TYPE lines", helps, types);
	UNIT_EQ_INT("promtext: 24 metric families", types, 24);
}

int main(int argc, char **argv)
{
	size_t len;
	char *text;
	FILE *f;

	test_label_value();
	text = fixture_text(&len);
	test_exposition(text);
	test_grouping(text);
	if (argc > 1) {
		f = fopen(argv[1], "w");
		if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
			perror(argv[1]);
			return 1;
		}
	}
	free(text);
	return unit_failed ? 1 : 0;
}
