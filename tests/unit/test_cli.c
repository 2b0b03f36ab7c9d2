// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of heapmonctl's command table: every option is complete and
 * consistent, the help shows each with its sentence, and ranges and
 * conflicts are refused with a message that names them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdstubs.h"
#include "nl.h"
#include "options.h"
#include "unit.h"

int subcommand_usage(const char *name)
{
	fprintf(stderr, "usage: heapmonctl %s\n", name);
	return EXIT_USAGE;
}

static int saved_out;
static FILE *err_file;

/* What the last parse printed to stderr, without its last newline. */
static const char *err_text(void)
{
	return unit_drain(err_file);
}

/* What hm_print_help() prints to stdout, without its last newline. */
static const char *help_text(const struct subcommand *sc)
{
	static char buf[8192];
	FILE *f = tmpfile();
	size_t n;

	fflush(stdout);
	dup2(fileno(f), 1);
	hm_print_help(sc);
	fflush(stdout);
	dup2(saved_out, 1);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	fclose(f);
	return buf;
}

/* Parses argv against cmd's table; the status, and the value of the last option in *val. */
static int parse(const char *cmd, int argc, char **argv, uint64_t *val)
{
	struct hm_getopt g;
	int c;

	hm_getopt_init(&g, cmd, argc, argv);
	while ((c = hm_getopt_next(&g)) > 0)
		*val = g.val;
	return c < 0 ? g.status : 0;
}

static void check_parse(const char *cmd, const char *opt, const char *arg, int want_status,
			uint64_t want_val, const char *want_err)
{
	char *argv[] = { (char *)cmd, (char *)opt, (char *)arg, "1", NULL };
	char name[128];
	uint64_t val = 0;
	int status;

	status = parse(cmd, arg ? 4 : 3, argv, &val);
	snprintf(name, sizeof(name), "%s %s %s: exit status", cmd, opt, arg ? arg : "");
	UNIT_EQ_INT(name, status, want_status);
	snprintf(name, sizeof(name), "%s %s %s: message", cmd, opt, arg ? arg : "");
	UNIT_EQ_STR(name, err_text(), want_err);
	if (!want_status) {
		snprintf(name, sizeof(name), "%s %s %s: value", cmd, opt, arg ? arg : "");
		UNIT_EQ_INT(name, val, want_val);
	}
}

static void check_conflict(const char *cmd, const char *a, const char *b, const char *want)
{
	char *argv[] = { (char *)cmd, (char *)a, (char *)b, "1", NULL };
	char name[128];
	uint64_t val;

	snprintf(name, sizeof(name), "%s %s %s: conflict refused", cmd, a, b);
	UNIT_EQ_INT(name, parse(cmd, 4, argv, &val), EXIT_USAGE);
	snprintf(name, sizeof(name), "%s %s %s: conflict message", cmd, a, b);
	UNIT_EQ_STR(name, err_text(), want);
}

/* Every option: a sentence, an argument exactly when it takes one, a sane range, unique names. */
static void check_table(void)
{
	const struct hm_option *o, *p;
	char name[128], why[128];
	const char *c;
	size_t i;

	for (i = 0; i < hm_n_subcommands; i++) {
		const struct subcommand *sc = &hm_subcommands[i];

		why[0] = '\0';
		for (o = sc->options; o->name && !why[0]; o++) {
			size_t n = strlen(o->help);

			if (!n || o->help[n - 1] != '.')
				snprintf(why, sizeof(why), "--%s: help is not a sentence", o->name);
			else if ((o->kind == HM_ARG_NONE) != !o->arg)
				snprintf(why, sizeof(why), "--%s: argument name", o->name);
			else if (o->kind != HM_ARG_NONE && o->kind != HM_ARG_STRING && o->min > o->max)
				snprintf(why, sizeof(why), "--%s: empty range", o->name);
			else if (o->id <= 0 || o->id >= 128 || o->id == 'h' || !strcmp(o->name, "help"))
				snprintf(why, sizeof(why), "--%s: id", o->name);
			for (p = sc->options; p < o && !why[0]; p++)
				if (!strcmp(p->name, o->name) || p->id == o->id ||
				    (o->short_name && p->short_name == o->short_name))
					snprintf(why, sizeof(why), "--%s: given twice", o->name);
			for (c = o->conflicts; c && *c && !why[0]; c++) {
				for (p = sc->options; p->name && p->id != *c; p++)
					;
				if (!p->name || !p->conflicts || !strchr(p->conflicts, o->id))
					snprintf(why, sizeof(why), "--%s: conflict not mutual", o->name);
			}
		}
		snprintf(name, sizeof(name), "table: %s's options are complete", sc->name);
		UNIT_EQ_STR(name, why, "");
	}
}

/* Each command's help names each of its options, on stdout. */
static void check_help(void)
{
	const struct hm_option *o;
	char name[128], missing[64];
	const char *out;
	size_t i;

	for (i = 0; i < hm_n_subcommands; i++) {
		const struct subcommand *sc = &hm_subcommands[i];
		char want[64];

		out = help_text(sc);
		missing[0] = '\0';
		for (o = sc->options; o->name; o++) {
			snprintf(want, sizeof(want), "--%s", o->name);
			if (!strstr(out, want) || !strstr(out, o->help))
				snprintf(missing, sizeof(missing), "--%s", o->name);
		}
		if (!strstr(out, "--help") || !strstr(out, sc->summary))
			snprintf(missing, sizeof(missing), "--help or the summary");
		snprintf(name, sizeof(name), "help %s: every option with its sentence", sc->name);
		UNIT_EQ_STR(name, missing, "");
	}
	UNIT_EQ_STR("help pages: exact text", help_text(hm_find_subcommand("pages")),
		    "usage: heapmonctl pages PID [--idle-min N] [--start ADDR] [--end ADDR] [-j|--json]\n"
		    "\n"
		    "Show a target's resident pages and their counts.\n"
		    "\n"
		    "Options:\n"
		    "      --idle-min N         Only pages idle for at least N periods. Range: 0 to 526080.\n"
		    "      --start ADDR         Only pages at or above address ADDR (decimal, or hexadecimal after 0x).\n"
		    "      --end ADDR           Only pages below address ADDR.\n"
		    "  -j, --json               Print JSON (one object per line) instead of a table.\n"
		    "  -h, --help               Show this help and exit.");
}

int main(void)
{
	saved_out = dup(1);
	err_file = tmpfile();
	dup2(fileno(err_file), 2);
	check_table();
	check_help();

	check_parse("watch", "-i", "9", EXIT_USAGE, 0,
		    "heapmonctl: watch: --interval 9 is out of range: 10 to 3600000");
	check_parse("watch", "-i", "10", 0, 10, "");
	check_parse("watch", "--interval", "3600000", 0, 3600000, "");
	check_parse("watch", "--interval", "3600001", EXIT_USAGE, 0,
		    "heapmonctl: watch: --interval 3600001 is out of range: 10 to 3600000");
	check_parse("watch", "-i", "ten", EXIT_USAGE, 0, "heapmonctl: invalid --interval 'ten'");
	check_parse("watch", "-d", "0", EXIT_USAGE, 0,
		    "heapmonctl: watch: --duration 0 is out of range: at least 1ms");
	check_parse("watch", "-d", "1.5m", 0, 90000, "");
	check_parse("pages", "--idle-min", "526081", EXIT_USAGE, 0,
		    "heapmonctl: pages: --idle-min 526081 is out of range: 0 to 526080");
	check_parse("pages", "--start", "0x7f0000001000", 0, 0x7f0000001000ULL, "");
	check_parse("attach", "--timeout", "0", EXIT_USAGE, 0,
		    "heapmonctl: attach: --timeout 0 is out of range: 1ms to 2147483647ms");
	check_parse("run", "--sample", "0", 0, 0, "");
	check_parse("run", "--sample", "1099511627777", EXIT_USAGE, 0,
		    "heapmonctl: run: --sample 1099511627777 is out of range: 0 to 1099511627776");
	check_parse("run", "--trap", "0", EXIT_USAGE, 0,
		    "heapmonctl: run: --trap 0 is out of range: 1 to 4096");
	check_parse("attach", "--trap", "4097", EXIT_USAGE, 0,
		    "heapmonctl: attach: --trap 4097 is out of range: 1 to 4096");
	check_parse("leaks", "--idle", "0", EXIT_USAGE, 0,
		    "heapmonctl: leaks: --idle 0 is out of range: at least 1ms");
	check_parse("watch", "--bogus", NULL, EXIT_USAGE, 0,
		    "heapmonctl: watch: unknown option '--bogus'\n"
		    "usage: heapmonctl watch PID [-i MS|--interval MS] [-d DURATION|--duration DURATION] "
		    "[-k|--keep] [-D|--detach] [--flush-tlb] [--no-flush-tlb] [-a K|--adaptive K] [--trap N] [-j|--json]");
	check_parse("stats", "-x", NULL, EXIT_USAGE, 0,
		    "heapmonctl: stats: unknown option '-x'\nusage: heapmonctl stats PID [-j|--json]");

	check_conflict("watch", "--detach", "--duration=5",
		       "heapmonctl: watch: --duration and --detach conflict; give one of them");
	check_conflict("watch", "--no-flush-tlb", "--flush-tlb",
		       "heapmonctl: watch: --flush-tlb and --no-flush-tlb conflict; give one of them");
	check_conflict("run", "--no-watch", "-i100",
		       "heapmonctl: run: --interval and --no-watch conflict; give one of them");
	check_conflict("run", "--no-watch", "--trap=64",
		       "heapmonctl: run: --trap and --no-watch conflict; give one of them");

	return unit_failed ? 1 : 0;
}
