// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl: the command line client of heapmon.ko.
 */
#include <stdio.h>
#include <string.h>

#include "nl.h"
#include "subcommands.h"

static const struct subcommand subcommands[] = {
	{ "status", cmd_status, "Show the module's version, limits and watched targets",
	  "[--json]" },
	{ "list", cmd_list, "List the watched targets", "[--json]" },
	{ "watch", cmd_watch, "Watch a process and show its heap once per period",
	  "PID [-i MS|--interval MS] [-d SECONDS|--duration SECONDS] [--keep] [--detach] [--flush-tlb|--no-flush-tlb] [--json]" },
	{ "unwatch", cmd_unwatch, "Stop watching a process and free its statistics",
	  "PID [--json]" },
	{ "stats", cmd_stats, "Show a target's statistics as of its last pass", "PID [--json]" },
	{ "regions", cmd_regions, "Show a target's tracked mappings", "PID [--json]" },
	{ "pages", cmd_pages, "Show a target's resident pages and their counts",
	  "PID [--idle-min N] [--start ADDR] [--end ADDR] [--json]" },
	{ "events", cmd_events, "Show a target's heap events; --follow for new ones",
	  "PID [--follow] [--json]" },
	{ "history", cmd_history, "Show a target's pass summaries over hours and days, with cold growth",
	  "PID [--idle DURATION] [--json]" },
	{ "leaks", cmd_leaks, "Rank leak suspects: memory left cold and growing, per call site",
	  "PID [--idle DURATION] [--top N] [--all] [--json] [--dir DIR]" },
	{ "sites", cmd_sites, "Show a process's live heap per allocation call stack",
	  "PID [--top N] [--frames N] [--dir DIR] [--json]" },
	{ "run", cmd_run, "Run a command with the allocation recorder, watched from its start",
	  "[--sample BYTES] [-i MS|--interval MS] [--no-watch] [--] CMD [ARGS...]" },
	{ "attach", cmd_attach, "Load the allocation recorder into a running process and watch it",
	  "PID [--sample BYTES] [--timeout SECONDS] [--json]" },
	{ "record", cmd_record, "Record a target's statistics, regions and heat into a file, once per interval",
	  "PID [-d DURATION] [-i INTERVAL] -o FILE" },
	{ "report", cmd_report, "Draw a record: memory over time and heatmaps, in the terminal or as SVG",
	  "FILE [--svg OUT]" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static const struct subcommand *find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: heapmonctl COMMAND [ARGS...]\n\n"
		   "Find the heap memory a running process no longer uses.\n\n"
		   "Commands:\n");
	for (i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "  %-10s %s\n", "help", "Show the usage of a command");
	fprintf(f, "\nExit status: 0 success, 1 the request failed, 2 bad usage,\n"
		   "3 the heapmon module is not loaded or speaks another protocol.\n");
}

int subcommand_usage(const char *name)
{
	const struct subcommand *sc = find_subcommand(name);

	if (sc)
		fprintf(stderr, "usage: heapmonctl %s %s\n", sc->name, sc->usage);
	return EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
	const struct subcommand *sc;

	if (argc < 2) {
		show_usage(stdout);
		return EXIT_OK;
	}
	sc = find_subcommand(argv[1]);
	if (!sc) {
		fprintf(stderr, "heapmonctl: unknown command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	printf("usage: heapmonctl %s %s\n\n%s\n", sc->name, sc->usage, sc->summary);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct subcommand *sc;

	if (argc < 2) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("heapmonctl (protocol %u)\n", HEAPMON_GENL_VERSION);
		return EXIT_OK;
	}
	sc = find_subcommand(argv[1]);
	if (!sc) {
		fprintf(stderr, "heapmonctl: unknown command '%s'; see 'heapmonctl --help'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	return sc->fn(argc - 1, argv + 1);
}
