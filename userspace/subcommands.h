/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HEAPMONCTL_SUBCOMMANDS_H
#define HEAPMONCTL_SUBCOMMANDS_H

/* Each takes its command line with argv[0] its own name; returns an exit status. */
int cmd_status(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_unwatch(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_regions(int argc, char **argv);
int cmd_pages(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_touches(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_leaks(int argc, char **argv);
int cmd_sites(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);

struct hm_status;
/* STATUS on a connection of its own; errors are printed for cmd. Returns an exit status. */
int hm_fetch_status(const char *cmd, struct hm_status *st);

/* Prints "usage: heapmonctl NAME SYNOPSIS" to stderr and returns EXIT_USAGE. */
int subcommand_usage(const char *name);

#endif
