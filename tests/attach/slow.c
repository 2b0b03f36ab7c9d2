// SPDX-License-Identifier: GPL-2.0
/* A library whose constructor takes 10 s: an attach that must run out of time. */
#include <time.h>

__attribute__((constructor)) static void slow_start(void)
{
	struct timespec ten = { 10, 0 };

	nanosleep(&ten, NULL);
}
