// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE		/* ppoll() */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>

#include "wait.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static volatile sig_atomic_t stopped;
static sigset_t wait_mask;	/* the mask while waiting: the stop signals unblocked */

static void on_stop_signal(int sig)
{
	stopped = 1;
}

void hm_wait_init(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t block;
	size_t i;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		sigaction(stop_signals[i], &sa, NULL);
		sigaddset(&block, stop_signals[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigdelset(&wait_mask, stop_signals[i]);
}

bool hm_wait_stopped(void)
{
	return stopped;
}

void hm_time_add(struct timespec *t, uint64_t ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

void hm_time_after(struct timespec *t, uint64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	hm_time_add(t, ms);
}

/* deadline - now, or false when the deadline has passed. */
static bool time_left(const struct timespec *deadline, struct timespec *left)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left->tv_sec = deadline->tv_sec - now.tv_sec;
	left->tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (left->tv_nsec < 0) {
		left->tv_sec--;
		left->tv_nsec += 1000000000;
	}
	return left->tv_sec >= 0 && (left->tv_sec || left->tv_nsec);
}

bool hm_time_reached(const struct timespec *t)
{
	struct timespec left;

	return !time_left(t, &left);
}

bool hm_time_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int hm_wait(int fd, const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec left;
	int ret;

	for (;;) {
		if (stopped)
			return -1;
		if (deadline && !time_left(deadline, &left))
			return 0;
		/* The stop signals are unblocked only inside ppoll(): none is missed. */
		ret = ppoll(&pfd, fd >= 0, deadline ? &left : NULL, &wait_mask);
		if (ret > 0)
			return 1;
		if (ret < 0 && errno != EINTR)
			return -1;
	}
}
