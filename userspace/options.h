/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table: every subcommand with its options (name, short name,
 * argument and its range, one sentence of help). It drives the parsing, the
 * help, the man page and the bash completion, so that they cannot drift apart.
 */
#ifndef HEAPMONCTL_OPTIONS_H
#define HEAPMONCTL_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum hm_arg_kind {
	HM_ARG_NONE,		/* a flag */
	HM_ARG_U32,		/* decimal, or hexadecimal after 0x */
	HM_ARG_U64,
	HM_ARG_DURATION,	/* parse_duration(): the value is in milliseconds */
	HM_ARG_STRING,		/* a path, taken as is */
};

struct hm_option {
	const char *name;	/* the long name, without "--" */
	char short_name;	/* or 0 */
	int id;			/* what hm_getopt_next() returns for it */
	enum hm_arg_kind kind;
	const char *arg;	/* the argument's name in help: "MS", "N", "DIR" */
	uint64_t min, max;	/* the accepted range of numbers and durations */
	const char *conflicts;	/* the ids of options it cannot be given with */
	const char *help;	/* one sentence */
};

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *operands;	/* "PID", "CMD [ARGS...]", or NULL */
	bool operands_last;	/* options stop at the first operand (run) */
	const struct hm_option *options;	/* ends with an entry without a name */
	const char *description;	/* a paragraph for help and the man page, or NULL */
};

extern const struct subcommand hm_subcommands[];
extern const size_t hm_n_subcommands;

const struct subcommand *hm_find_subcommand(const char *name);

/* The state of parsing one command line against its subcommand's table. */
struct hm_getopt {
	const struct subcommand *sc;
	int argc;
	char **argv;
	struct option longopts[24];
	char shortopts[64];
	char seen[128];		/* by id: given on the command line */
	const char *arg;	/* the current option's argument */
	uint64_t val;		/* its value, checked against the table's range */
	int status;		/* the exit status when hm_getopt_next() returns -1 */
};

/* Starts parsing the command line (argv[0] is the subcommand's name). */
void hm_getopt_init(struct hm_getopt *g, const char *cmd, int argc, char **argv);
/*
 * The id of the next option, its argument in g->arg and value in g->val; 0
 * at the end of the options (optind is the first operand), after checking
 * the conflicts; -1 after a usage error, explained on stderr: the subcommand
 * returns g->status (EXIT_USAGE). --help prints the help and exits.
 */
int hm_getopt_next(struct hm_getopt *g);

/*
 * Flushes and closes stdout: output that did not reach it (a full disk, a
 * closed pipe) is said on stderr, and ret becomes EXIT_FAIL if it was 0.
 */
int hm_finish_stdout(int ret);

/* "usage: heapmonctl NAME SYNOPSIS" on f. */
void hm_print_usage(FILE *f, const struct subcommand *sc);
/* The usage, the summary and each option with its sentence, on stdout. */
void hm_print_help(const struct subcommand *sc);
/* Generated at build time: the man page heapmonctl(8) and the bash completion. */
void hm_print_man(FILE *f, const char *release);
void hm_print_completion(FILE *f);

#endif
