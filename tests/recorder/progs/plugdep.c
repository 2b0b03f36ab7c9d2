// SPDX-License-Identifier: GPL-2.0
/* A dependency that hazards' plugin brings into the process: it frees. */
#include <stdlib.h>

void dep_free(void *p)
{
	free(p);
}
