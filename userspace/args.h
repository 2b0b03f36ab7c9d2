/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line arguments shared by the subcommands. Each parser returns 0, or
 * prints "heapmonctl: invalid WHAT 'ARG'" to stderr and returns EXIT_USAGE.
 */
#ifndef HEAPMONCTL_ARGS_H
#define HEAPMONCTL_ARGS_H

#include <stdbool.h>
#include <stdint.h>

/* A decimal PID, 1 to INT_MAX. */
int parse_pid(const char *s, uint32_t *pid);
/* Decimal, or hexadecimal after 0x. */
int parse_u32(const char *what, const char *s, uint32_t *val);
int parse_u64(const char *what, const char *s, uint64_t *val);
/*
 * A duration in milliseconds: a number with an optional fraction and unit,
 * ms, s, m (minutes), h or d ("500ms", "30s", "10m", "1.5h", "2d"); a bare
 * number is seconds ("10", "2.5"). Sub-millisecond parts are dropped.
 */
int parse_duration(const char *what, const char *s, uint64_t *ms);

/* The command lines "[--json]" and "PID [--json]" of subcommand cmd. */
int parse_json_only(int argc, char **argv, const char *cmd, bool *json);
int parse_pid_json(int argc, char **argv, const char *cmd, uint32_t *pid, bool *json);

#endif
