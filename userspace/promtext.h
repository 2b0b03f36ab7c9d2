/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heapmon's statistics in the Prometheus text exposition format (version
 * 0.0.4, what node_exporter's textfile collector reads): a pure function of
 * the structs the requests fill in, so that it is tested without a module.
 */
#ifndef HEAPMONCTL_PROMTEXT_H
#define HEAPMONCTL_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "decode.h"
#include "histcalc.h"

/* One running target, as export gathered it. */
struct hm_prom_target {
	struct hm_target_stats ts;
	char comm[64];			/* /proc/PID/comm without its newline; any bytes */
	unsigned int cold_bucket;	/* the idle bucket counted as cold */
	bool has_growth;		/* growth holds: the history had two samples */
	struct hm_cold_growth growth;
};

/* Everything one export prints. */
struct hm_prom {
	const struct hm_status *st;	/* module-level: version, limits, targets by state */
	const struct hm_prom_target *t;	/* running targets, in the order to print */
	size_t n;
};

/*
 * Writes the exposition to f: HELP and TYPE for every metric, its samples
 * grouped under them. Returns 0, or -EIO when f reports a write error.
 */
int hm_prom_write(FILE *f, const struct hm_prom *p);

/*
 * A label value as the text format wants it: backslash, double quote and
 * newline escaped, bytes that are not UTF-8 (a comm cut in the middle of a
 * character) replaced by U+FFFD. Always NUL-terminates; a value too long for
 * out is cut at a character boundary. Returns out.
 */
const char *hm_prom_label_value(const char *in, char *out, size_t len);

#endif
