/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the subcommands that run until stopped: SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE only ask them to stop, and waits end early when they do.
 */
#ifndef HEAPMONCTL_WAIT_H
#define HEAPMONCTL_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/*
 * Catches those signals. They stay blocked outside hm_wait(), so netlink
 * exchanges run to their end, and a write to a closed pipe fails with EPIPE.
 */
void hm_wait_init(void);
/* True once one of the signals arrived. */
bool hm_wait_stopped(void);
/* *t = now (CLOCK_MONOTONIC) + ms, or t + ms for hm_time_add(). */
void hm_time_after(struct timespec *t, uint64_t ms);
void hm_time_add(struct timespec *t, uint64_t ms);
/* True when CLOCK_MONOTONIC has reached t. */
bool hm_time_reached(const struct timespec *t);
/* True when a is earlier than b. */
bool hm_time_before(const struct timespec *a, const struct timespec *b);
/*
 * Waits until fd (-1: none) is readable or until deadline (NULL: none).
 * Returns 1 when fd is readable, 0 at the deadline, -1 when told to stop.
 */
int hm_wait(int fd, const struct timespec *deadline);

#endif
