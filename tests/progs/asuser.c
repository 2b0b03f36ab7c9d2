// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/* asuser UID COMMAND [ARGS...]: run COMMAND with every uid and gid set to UID
 * and no capabilities, as an unprivileged user would. */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: asuser UID COMMAND [ARGS...]\n");
		return 2;
	}
	uid = atoi(argv[1]);
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) {
		perror("asuser");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror("asuser: exec");
	return 127;
}
