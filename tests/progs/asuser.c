// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/*
 * asuser [-c CAP[,CAP...]] UID COMMAND [ARGS...]: run COMMAND with every uid
 * and gid set to UID, as an unprivileged user would, with no capabilities
 * but the ones named with -c (net_admin, sys_admin, sys_ptrace), which it
 * keeps across exec as ambient capabilities.
 */
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int cap;
} caps[] = {
	{ "net_admin", CAP_NET_ADMIN },
	{ "sys_admin", CAP_SYS_ADMIN },
	{ "sys_ptrace", CAP_SYS_PTRACE },
};

/* The capability bits named in the comma list s, or -1. */
static long long parse_caps(char *s)
{
	long long mask = 0;
	char *name;
	size_t i;

	for (name = strtok(s, ","); name; name = strtok(NULL, ",")) {
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			if (!strcmp(name, caps[i].name))
				break;
		if (i == sizeof(caps) / sizeof(caps[0])) {
			fprintf(stderr, "asuser: unknown capability %s\n", name);
			return -1;
		}
		mask |= 1LL << caps[i].cap;
	}
	return mask;
}

static int keep_caps(long long mask)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	int cap;

	data[0].effective = data[0].permitted = data[0].inheritable = (uint32_t)mask;
	data[1].effective = data[1].permitted = data[1].inheritable = (uint32_t)(mask >> 32);
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	for (cap = 0; cap < 64; cap++)
		if ((mask >> cap) & 1 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	long long mask = 0;
	uid_t uid;
	int c;

	while ((c = getopt(argc, argv, "+c:")) != -1) {
		if (c != 'c')
			return 2;
		mask = parse_caps(optarg);
		if (mask < 0)
			return 2;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: asuser [-c CAP[,CAP...]] UID COMMAND [ARGS...]\n");
		return 2;
	}
	uid = atoi(argv[optind]);
	if ((mask && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) || setgroups(0, NULL) ||
	    setresgid(uid, uid, uid) || setresuid(uid, uid, uid) || (mask && keep_caps(mask))) {
		perror("asuser");
		return 2;
	}
	execvp(argv[optind + 1], argv + optind + 1);
	perror("asuser: exec");
	return 127;
}
