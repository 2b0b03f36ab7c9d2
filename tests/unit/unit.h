/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal unit test harness: one "PASS name" or "FAIL name: why" line per check. */
#ifndef HM_UNIT_H
#define HM_UNIT_H
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/*
 * What was written to f since the last call (a test points stderr at a
 * tmpfile() f), without its last newline; f is emptied.
 */
static inline const char *unit_drain(FILE *f)
{
	static char buf[1024];
	size_t n;

	fflush(stderr);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	rewind(f);
	if (ftruncate(fileno(f), 0))
		perror("ftruncate");
	return buf;
}
#endif
