// SPDX-License-Identifier: GPL-2.0
/* Unit tests of heapmonctl's command line parsers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cmdstubs.h"
#include "nl.h"
#include "unit.h"

/* args.c reports usage errors through heapmonctl.c's subcommand_usage(). */
int subcommand_usage(const char *name)
{
	fprintf(stderr, "usage: heapmonctl %s\n", name);
	return EXIT_USAGE;
}

static FILE *err_file;

/* What the last parse printed to stderr, without its last newline. */
static const char *err_text(void)
{
	return unit_drain(err_file);
}

static void check_pid(const char *arg, long long want)
{
	char name[64];
	uint32_t pid = 0;
	int ret;

	snprintf(name, sizeof(name), "PID '%s'", arg);
	ret = parse_pid(arg, &pid);
	UNIT_EQ_INT(name, ret ? -1 : (long long)pid, want);
	if (want < 0) {
		char msg[96];

		snprintf(msg, sizeof(msg), "heapmonctl: invalid PID '%s'", arg);
		snprintf(name, sizeof(name), "PID '%s' message", arg);
		UNIT_EQ_STR(name, err_text(), msg);
	}
}

static void check_u64(const char *arg, int want_ret, uint64_t want)
{
	char name[64];
	uint64_t v = 0;
	int ret;

	snprintf(name, sizeof(name), "u64 '%s'", arg);
	ret = parse_u64("address", arg, &v);
	if (want_ret)
		UNIT_EQ_INT(name, ret, want_ret);
	else
		UNIT_EQ_INT(name, ret ? -1LL : (long long)v, (long long)want);
	err_text();
}

static void check_u32(const char *arg, long long want)
{
	char name[64];
	uint32_t v = 0;

	snprintf(name, sizeof(name), "u32 '%s'", arg);
	UNIT_EQ_INT(name, parse_u32("interval", arg, &v) ? -1 : (long long)v, want);
	err_text();
}

static void check_duration(const char *arg, long long want)
{
	char name[64];
	uint64_t ms = 0;

	snprintf(name, sizeof(name), "duration '%s'", arg);
	UNIT_EQ_INT(name, parse_duration("duration", arg, &ms) ? -1 : (long long)ms, want);
	err_text();
}

int main(void)
{
	char *argv_ok[] = { "stats", "--json", "42", NULL };
	char *argv_extra[] = { "stats", "42", "43", NULL };
	uint32_t pid = 0;
	bool json = false;

	err_file = tmpfile();
	if (!err_file || dup2(fileno(err_file), STDERR_FILENO) < 0)
		return 1;

	check_pid("1", 1);
	check_pid("123", 123);
	check_pid("2147483647", 2147483647);
	check_pid("0", -1);
	check_pid("2147483648", -1);
	check_pid("-1", -1);
	check_pid("+1", -1);
	check_pid(" 1", -1);
	check_pid("12x", -1);
	check_pid("0x10", -1);
	check_pid("", -1);
	check_pid("99999999999999999999999", -1);

	check_u64("4096", 0, 4096);
	check_u64("0x7f0000001000", 0, 0x7f0000001000ULL);
	check_u64("0X7F0000001000", 0, 0x7f0000001000ULL);
	check_u64("0xffffffffffffffff", 0, UINT64_MAX);
	check_u64("0x10000000000000000", EXIT_USAGE, 0);
	check_u64("0x", EXIT_USAGE, 0);
	check_u64("0x0x10", EXIT_USAGE, 0);
	check_u64("0xg", EXIT_USAGE, 0);
	check_u64("-1", EXIT_USAGE, 0);
	check_u64("12 ", EXIT_USAGE, 0);
	check_u64("", EXIT_USAGE, 0);
	parse_u64("address", "0xzz", &(uint64_t){ 0 });
	UNIT_EQ_STR("u64 message", err_text(), "heapmonctl: invalid address '0xzz'");

	check_u32("4294967295", 4294967295LL);
	check_u32("0xffffffff", 4294967295LL);
	check_u32("4294967296", -1);
	check_u32("010", 10);

	check_duration("10", 10000);
	check_duration("2.5", 2500);
	check_duration("0.001", 1);
	check_duration("1.23456", 1234);
	check_duration("0", 0);
	check_duration(".5", -1);
	check_duration("1.", -1);
	check_duration("1.5.2", -1);
	check_duration("-1", -1);
	check_duration("x", -1);
	check_duration("500ms", 500);
	check_duration("30s", 30000);
	check_duration("10m", 600000);
	check_duration("2h", 7200000);
	check_duration("1d", 86400000);
	check_duration("1.5h", 5400000);
	check_duration("0.5s", 500);
	check_duration("2.5ms", 2);
	check_duration("8s", 8000);
	check_duration("10min", -1);
	check_duration("10 m", -1);
	check_duration("m", -1);
	check_duration("1.m", -1);
	check_duration("5x", -1);
	check_duration("1s5", -1);
	check_duration("300000000000d", -1);
	check_duration("1000000d", 86400000000000LL);

	UNIT_EQ_INT("PID [--json] parses", parse_pid_json(3, argv_ok, "stats", &pid, &json), 0);
	UNIT_EQ_INT("PID [--json] pid", pid, 42);
	UNIT_EQ_INT("PID [--json] json", json, 1);
	optind = 0;
	UNIT_EQ_INT("PID [--json] with two PIDs",
		    parse_pid_json(3, argv_extra, "stats", &pid, &json), EXIT_USAGE);
	UNIT_EQ_STR("PID [--json] usage message", err_text(), "usage: heapmonctl stats");
	return unit_failed ? 1 : 0;
}
