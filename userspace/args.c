// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "nl.h"
#include "options.h"
#include "subcommands.h"

#define DEC_DIGITS "0123456789"
#define HEX_DIGITS DEC_DIGITS "abcdefABCDEF"

static int invalid(const char *what, const char *s)
{
	fprintf(stderr, "heapmonctl: invalid %s '%s'\n", what, s);
	return EXIT_USAGE;
}

/* Digits only (no sign, no blanks), at most max; 0 or -1. */
static int parse_digits(const char *s, int base, uint64_t max, uint64_t *val)
{
	const char *digits = base == 16 ? HEX_DIGITS : DEC_DIGITS;
	unsigned long long v;
	char *end;

	if (!*s || strspn(s, digits) != strlen(s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*val = v;
	return 0;
}

static int parse_number(const char *s, uint64_t max, uint64_t *val)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, 16, max, val);
	return parse_digits(s, 10, max, val);
}

int parse_pid(const char *s, uint32_t *pid)
{
	uint64_t v;

	if (parse_digits(s, 10, INT_MAX, &v) || !v)
		return invalid("PID", s);
	*pid = v;
	return 0;
}

int parse_u32(const char *what, const char *s, uint32_t *val)
{
	uint64_t v;

	if (parse_number(s, UINT32_MAX, &v))
		return invalid(what, s);
	*val = v;
	return 0;
}

int parse_u64(const char *what, const char *s, uint64_t *val)
{
	if (parse_number(s, UINT64_MAX, val))
		return invalid(what, s);
	return 0;
}

/* Duration units, in milliseconds; a bare number is seconds. */
static const struct {
	const char *suffix;
	uint64_t ms;
} duration_units[] = {
	{ "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 }, { "h", 3600 * 1000 },
	{ "d", 24 * 3600 * 1000 }, { "", 1000 },
};

int parse_duration(const char *what, const char *s, uint64_t *ms)
{
	char whole[24], frac[10] = "0";
	size_t n = strspn(s, DEC_DIGITS), nf = 0;
	const char *f = s + n, *unit;
	uint64_t w, fv, mult = 0, scale = 1;
	size_t i;

	if (!n || n >= sizeof(whole))
		return invalid(what, s);
	memcpy(whole, s, n);
	whole[n] = '\0';
	if (*f == '.') {
		f++;
		nf = strspn(f, DEC_DIGITS);
		if (!nf)
			return invalid(what, s);
		/* Nanoseconds are enough: further digits are dropped. */
		memcpy(frac, f, nf < sizeof(frac) - 1 ? nf : sizeof(frac) - 1);
		frac[nf < sizeof(frac) - 1 ? nf : sizeof(frac) - 1] = '\0';
	}
	unit = f + nf;
	for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
		if (!strcmp(unit, duration_units[i].suffix))
			mult = duration_units[i].ms;
	for (i = 0; i < strlen(frac); i++)
		scale *= 10;
	if (!mult || parse_digits(whole, 10, UINT64_MAX / mult - 1, &w) ||
	    parse_digits(frac, 10, scale - 1, &fv))
		return invalid(what, s);
	/* fv / scale < 1 and mult <= 86400000: the product fits in 64 bits. */
	*ms = w * mult + fv * mult / scale;
	return 0;
}

/* Options --json and --help: the index of the first operand, or -1 for a usage error. */
static int parse_json_opts(int argc, char **argv, const char *cmd, bool *json)
{
	struct hm_getopt g;
	int c;

	*json = false;
	hm_getopt_init(&g, cmd, argc, argv);
	while ((c = hm_getopt_next(&g)) > 0)
		*json = true;
	return c < 0 ? -1 : optind;
}

int parse_json_only(int argc, char **argv, const char *cmd, bool *json)
{
	int i = parse_json_opts(argc, argv, cmd, json);

	if (i < 0)
		return EXIT_USAGE;
	if (i != argc)
		return subcommand_usage(cmd);
	return 0;
}

int parse_pid_json(int argc, char **argv, const char *cmd, uint32_t *pid, bool *json)
{
	int i = parse_json_opts(argc, argv, cmd, json);

	if (i < 0)
		return EXIT_USAGE;
	if (i + 1 != argc)
		return subcommand_usage(cmd);
	return parse_pid(argv[i], pid);
}
