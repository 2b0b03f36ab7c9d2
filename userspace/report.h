/* SPDX-License-Identifier: GPL-2.0 */
/* Pictures of a record: pure functions of its frames, for heapmonctl report. */
#ifndef HEAPMONCTL_REPORT_H
#define HEAPMONCTL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "record.h"

/* The text charts and heatmaps; tty: ANSI 256 colours and Unicode blocks. */
void hm_report_text(FILE *f, const struct hm_record *rec, bool tty);
/* The same as an SVG document. */
void hm_report_svg(FILE *f, const struct hm_record *rec);

#endif
