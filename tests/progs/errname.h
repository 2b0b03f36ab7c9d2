/* SPDX-License-Identifier: GPL-2.0 */
/* errno values by their symbolic names, for test output that reads plainly. */
#ifndef HM_ERRNAME_H
#define HM_ERRNAME_H
#include <errno.h>
#include <stdio.h>

static inline const char *errname(int e)
{
	static char other[16];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case EEXIST: return "EEXIST";
	case ENOSPC: return "ENOSPC";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	case ERANGE: return "ERANGE";
	case E2BIG: return "E2BIG";
	case EACCES: return "EACCES";
	case ENODEV: return "ENODEV";
	case EBADMSG: return "EBADMSG";
	case EUSERS: return "EUSERS";
	}
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}
#endif
