/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal unit test harness: one "PASS name" or "FAIL name: why" line per check. */
#ifndef HM_UNIT_H
#define HM_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_failed;

#define UNIT_EQ_STR(name, got, want) do {					\
	const char *g_ = (got), *w_ = (want);					\
	if (!strcmp(g_, w_)) {							\
		printf("PASS unit: %s\n", name);				\
	} else {								\
		printf("FAIL unit: %s: got '%s', want '%s'\n", name, g_, w_);	\
		unit_failed++;							\
	}									\
} while (0)

#define UNIT_EQ_INT(name, got, want) do {					\
	long long g_ = (got), w_ = (want);					\
	if (g_ == w_) {								\
		printf("PASS unit: %s\n", name);				\
	} else {								\
		printf("FAIL unit: %s: got %lld, want %lld\n", name, g_, w_);	\
		unit_failed++;							\
	}									\
} while (0)
#endif
