// SPDX-License-Identifier: GPL-2.0
/* Finding libheapmon.so (see libpath.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpath.h"

#define LIBNAME "libheapmon.so"

/*
 * Tries one candidate, and notes it in err. The result is canonical, as a
 * process that dlopens it, or another process comparing it with the paths
 * in /proc/PID/maps, must see one name for one file.
 */
static int try(const char *cand, char *buf, size_t len, char *err, size_t errlen)
{
	char real[PATH_MAX];
	size_t used = strlen(err);

	if (access(cand, R_OK) == 0 && realpath(cand, real)) {
		if (strlen(real) >= len)
			return -ENAMETOOLONG;
		strcpy(buf, real);
		return 0;
	}
	if (used < errlen)
		snprintf(err + used, errlen - used, "%s%s", used ? ", " : "", cand);
	return -ENOENT;
}

int hm_recorder_path(char *buf, size_t len, char *err, size_t errlen)
{
	static const char *const beside_exe[] = {
		"/" LIBNAME, "/recorder/" LIBNAME, "/../lib/heapmon/" LIBNAME,
	};
	char exe[PATH_MAX], cand[PATH_MAX + 64], *slash;
	const char *env = getenv("HEAPMON_LIB");
	ssize_t n;
	size_t i;
	int ret;

	if (errlen)
		err[0] = '\0';
	if (env && *env) {
		ret = try(env, buf, len, err, errlen);
		if (ret != -ENOENT)
			return ret;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(beside_exe) / sizeof(beside_exe[0]); i++) {
			snprintf(cand, sizeof(cand), "%s%s", exe, beside_exe[i]);
			ret = try(cand, buf, len, err, errlen);
			if (ret != -ENOENT)
				return ret;
		}
	}
	ret = try("/usr/lib/heapmon/" LIBNAME, buf, len, err, errlen);
	if (ret == -ENOENT && errlen) {
		char tried[512];

		snprintf(tried, sizeof(tried), "%s", err);
		snprintf(err, errlen, "%s not found (tried %s; set HEAPMON_LIB)", LIBNAME, tried);
	}
	return ret;
}
