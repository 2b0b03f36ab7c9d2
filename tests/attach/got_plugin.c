// SPDX-License-Identifier: GPL-2.0
/* A library got_test dlopens: its malloc calls go through its own GOT. */
#include <stdlib.h>

void *plugin_alloc(size_t size)
{
	return malloc(size);
}

void plugin_free(void *p)
{
	free(p);
}
