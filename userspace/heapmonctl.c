// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl: the command line client of heapmon.ko. The commands and their
 * options are in cmdtable.c.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "nl.h"
#include "options.h"
#include "request.h"
#include "subcommands.h"

#ifndef HM_RELEASE
#define HM_RELEASE "unknown"
#endif

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: heapmonctl COMMAND [ARGS...]\n\n"
		   "Find the heap memory a running process no longer uses.\n\n"
		   "Commands:\n");
	for (i = 0; i < hm_n_subcommands; i++)
		fprintf(f, "  %-10s %s\n", hm_subcommands[i].name, hm_subcommands[i].summary);
	fprintf(f, "  %-10s %s\n", "help", "Show the options of a command, each with a sentence");
	fprintf(f, "\n'heapmonctl help COMMAND' or 'heapmonctl COMMAND --help' shows a command's options;\n"
		   "'heapmonctl --version' the release, and the module's when it is loaded.\n");
	fprintf(f, "\nExit status: 0 success, 1 the request failed, 2 bad usage,\n"
		   "3 the heapmon module is not loaded or speaks another protocol.\n");
}

int subcommand_usage(const char *name)
{
	const struct subcommand *sc = hm_find_subcommand(name);

	if (sc)
		hm_print_usage(stderr, sc);
	return EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
	const struct subcommand *sc;

	if (argc < 2) {
		show_usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		fprintf(stderr, "usage: heapmonctl help [COMMAND]\n");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help")) {
		printf("usage: heapmonctl help [COMMAND]\n\n"
		       "Show the commands, or the usage of COMMAND and each of its options with a sentence.\n"
		       "'heapmonctl COMMAND --help' shows the same.\n");
		return EXIT_OK;
	}
	sc = hm_find_subcommand(argv[1]);
	if (!sc) {
		fprintf(stderr, "heapmonctl: unknown command '%s'; see 'heapmonctl --help'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	hm_print_help(sc);
	return EXIT_OK;
}

/* The release, and the loaded module's version and protocol. */
static int show_version(void)
{
	static struct hm_status st;
	struct hm_nl nl;
	int ret;

	printf("heapmonctl %s (protocol %u)\n", HM_RELEASE, HEAPMON_GENL_VERSION);
	ret = hm_nl_probe(&nl);
	if (ret == EXIT_NO_MODULE && nl.kernel_version) {
		printf("heapmon module: loaded, speaks protocol %u (this heapmonctl speaks %u)\n",
		       nl.kernel_version, HEAPMON_GENL_VERSION);
		return EXIT_OK;
	}
	if (ret == EXIT_NO_MODULE) {
		printf("heapmon module: not loaded\n");
		return EXIT_OK;
	}
	if (ret)
		return ret;
	ret = hm_req_status(&nl, &st);
	if (ret)
		ret = hm_nl_perror(&nl, "version", ret);
	else
		printf("heapmon module %s (protocol %u)\n", st.version, st.protocol);
	hm_nl_close(&nl);
	return ret;
}

static int dispatch(int argc, char **argv)
{
	const struct subcommand *sc;

	if (argc < 2) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return show_version();
	/* Hidden: the build writes the man page and the completion with these. */
	if (!strcmp(argv[1], "--man")) {
		hm_print_man(stdout, HM_RELEASE);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--completion")) {
		hm_print_completion(stdout);
		return EXIT_OK;
	}
	sc = hm_find_subcommand(argv[1]);
	if (!sc) {
		fprintf(stderr, "heapmonctl: unknown command '%s'; see 'heapmonctl --help'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	return sc->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	/*
	 * A closed pipe is a write error (EPIPE) to report, not a silent death.
	 * Not for run: its command would inherit the disposition.
	 */
	if (argc < 2 || strcmp(argv[1], "run"))
		signal(SIGPIPE, SIG_IGN);
	return hm_finish_stdout(dispatch(argc, argv));
}
