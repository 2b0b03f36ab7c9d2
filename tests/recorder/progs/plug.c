// SPDX-License-Identifier: GPL-2.0
/*
 * A plugin dlopen'ed after an attach; its dependency (plugdep.c) is loaded
 * with it and frees what the plugin allocates.
 */
#include <stdlib.h>

void dep_free(void *p);

__attribute__((noinline)) void *site_plug(size_t n)
{
	return malloc(n);
}

int plug_roundtrip(void)
{
	char *p = site_plug(5000);

	if (!p)
		return -1;
	p[0] = 1;
	dep_free(p);
	return 0;
}
