// SPDX-License-Identifier: GPL-2.0
/* Reading record files back: the frames heapmonctl report draws. */
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"
#include "record.h"

static uint64_t hex_field(const struct jv *obj, const char *key)
{
	const char *s = jv_str(obj, key, NULL);

	return s ? strtoull(s, NULL, 16) : 0;
}

/* An array of n numbers into a new array; NULL when it is not one. */
static uint64_t *numbers(const struct jv *a, unsigned int n)
{
	uint64_t *out;
	unsigned int i;

	if (!a || a->type != JV_ARR || a->n != n)
		return NULL;
	out = calloc(n ? n : 1, sizeof(*out));
	for (i = 0; out && i < n; i++)
		out[i] = a->items[i].u;
	return out;
}

static void free_region(struct hm_rec_region *reg)
{
	free(reg->s_resident);
	free(reg->s_never);
	free(reg->s_idle);
}

static int load_region(const struct jv *o, struct hm_rec_region *reg, const char **why)
{
	const struct jv *heat = jv_get(o, "heat");

	if (!o || o->type != JV_OBJ || !jv_get(o, "start") || !jv_get(o, "end")) {
		*why = "a region without start and end";
		return -1;
	}
	reg->start = hex_field(o, "start");
	reg->end = hex_field(o, "end");
	snprintf(reg->kind, sizeof(reg->kind), "%s", jv_str(o, "kind", "?"));
	reg->resident = jv_u64(o, "resident_bytes", 0);
	reg->cold = jv_u64(o, "idle10_bytes", 0);
	reg->never = jv_u64(o, "never_bytes", 0);
	if (!heat)
		return 0;
	reg->slices = jv_u64(heat, "slices", 0);
	if (!reg->slices || reg->slices > HM_RECORD_SLICES) {
		*why = "heat slices out of range";
		return -1;
	}
	reg->s_resident = numbers(jv_get(heat, "resident"), reg->slices);
	reg->s_never = numbers(jv_get(heat, "never"), reg->slices);
	reg->s_idle = numbers(jv_get(heat, "idle"), reg->slices);
	if (!reg->s_resident || !reg->s_never || !reg->s_idle) {
		*why = "heat arrays not of its slices' length";
		return -1;
	}
	return 0;
}

static int load_frame(const struct jv *o, struct hm_rec_frame *fr, const char **why)
{
	const struct jv *stats = jv_get(o, "stats"), *regions = jv_get(o, "regions");
	size_t i;

	if (!jv_get(o, "boottime_ns") || !stats || !regions || regions->type != JV_ARR) {
		*why = "a frame without boottime_ns, stats or regions";
		return -1;
	}
	fr->time_ns = jv_u64(o, "time_ns", 0);
	fr->boottime_ns = jv_u64(o, "boottime_ns", 0);
	fr->resident = jv_u64(stats, "resident_bytes", 0);
	fr->cold = jv_u64(stats, "idle10_bytes", 0);
	fr->never = jv_u64(stats, "never_bytes", 0);
	fr->regions = calloc(regions->n ? regions->n : 1, sizeof(*fr->regions));
	if (!fr->regions) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < regions->n; i++) {
		fr->n_regions++;
		if (load_region(&regions->items[i], &fr->regions[i], why))
			return -1;
	}
	return 0;
}

static int load_header(const struct jv *o, struct hm_record *rec, const char **why)
{
	if (o->type != JV_OBJ || !jv_get(o, "heapmon_record")) {
		*why = "not a heapmon record (no heapmon_record header)";
		return -1;
	}
	rec->version = jv_u64(o, "heapmon_record", 0);
	if (rec->version != HM_RECORD_VERSION) {
		*why = "a record format version this heapmonctl does not read";
		return -1;
	}
	rec->pid = jv_u64(o, "pid", 0);
	snprintf(rec->comm, sizeof(rec->comm), "%s", jv_str(o, "comm", ""));
	rec->period_ms = jv_u64(o, "period_ms", 0);
	rec->interval_ms = jv_u64(o, "interval_ms", 0);
	return 0;
}

int hm_record_load(FILE *f, struct hm_record *rec, char *err, size_t err_len)
{
	char *line = NULL, why_json[96];
	const char *why = NULL;
	size_t cap = 0, lineno = 0, frames_cap = 0;
	struct hm_rec_frame *t;
	struct jv v;
	int ret = 0;

	memset(rec, 0, sizeof(*rec));
	while (!ret && getline(&line, &cap, f) >= 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (jv_parse(line, &v, why_json, sizeof(why_json))) {
			why = why_json;
			ret = -1;
			break;
		}
		if (!rec->version) {
			ret = load_header(&v, rec, &why);
		} else {
			if (rec->n_frames == frames_cap) {
				frames_cap = frames_cap ? frames_cap * 2 : 64;
				t = realloc(rec->frames, frames_cap * sizeof(*t));
				if (!t) {
					why = "out of memory";
					ret = -1;
				} else {
					rec->frames = t;
				}
			}
			if (!ret) {
				t = &rec->frames[rec->n_frames++];
				memset(t, 0, sizeof(*t));
				ret = load_frame(&v, t, &why);
			}
		}
		jv_free(&v);
	}
	free(line);
	if (!ret && !rec->version) {
		why = "empty: no header";
		ret = -1;
	}
	if (ret) {
		snprintf(err, err_len, "line %zu: %s", lineno, why);
		hm_record_free(rec);
	}
	return ret;
}

void hm_record_free(struct hm_record *rec)
{
	size_t i, r;

	for (i = 0; i < rec->n_frames; i++) {
		for (r = 0; r < rec->frames[i].n_regions; r++)
			free_region(&rec->frames[i].regions[r]);
		free(rec->frames[i].regions);
	}
	free(rec->frames);
	memset(rec, 0, sizeof(*rec));
}
