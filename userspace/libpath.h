/* SPDX-License-Identifier: GPL-2.0 */
/* Where heapmonctl finds the recorder library, libheapmon.so. */
#ifndef HEAPMONCTL_LIBPATH_H
#define HEAPMONCTL_LIBPATH_H

#include <stddef.h>

/*
 * The absolute path of libheapmon.so, in this order: $HEAPMON_LIB; beside
 * the heapmonctl executable (dirname of /proc/self/exe); its recorder/
 * subdirectory (the build tree); ../lib/heapmon/ from it (an install);
 * /usr/lib/heapmon/. Returns 0, or -ENOENT with the places tried in err.
 */
int hm_recorder_path(char *buf, size_t len, char *err, size_t errlen);

#endif
