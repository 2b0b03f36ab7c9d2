// SPDX-License-Identifier: GPL-2.0
/*
 * A library in a directory of its own that dlopen()s a plugin found next to
 * it: by "$ORIGIN/..." and by its RUNPATH ($ORIGIN). Both resolve against
 * the object that calls dlopen, which the recorder's dlopen hook must not
 * change (hazards origin).
 */
#include <dlfcn.h>

void *origin_by_dst(void)
{
	return dlopen("$ORIGIN/libhmorplug.so", RTLD_NOW);
}

void *origin_by_runpath(void)
{
	return dlopen("libhmorplug.so", RTLD_NOW);
}
