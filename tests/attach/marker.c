// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for libheapmon.so, to test the injection alone: its
 * constructor copies the settings file attach wrote (PID.conf) into
 * $dir/PID.marker with the thread it ran on, unlinks the conf as the
 * recorder does, and publishes a site file with a header only, as fresh
 * as the recorder's would be.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../include/heapmon/sites.h"

__attribute__((constructor)) static void marker_start(void)
{
	char path[512], conf[1024] = "";
	const char *dir = getenv(HM_SITES_DIR_ENV);
	struct hm_sites_header h = {};
	struct timespec ts;
	ssize_t n = 0;
	int fd;

	if (!dir)
		dir = HM_SITES_DIR_DEFAULT;
	snprintf(path, sizeof(path), "%s/%d.conf", dir, getpid());
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, conf, sizeof(conf) - 1);
		close(fd);
		unlink(path);
	}
	conf[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "%s/%d.marker", dir, getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dprintf(fd, "tid=%d\n%s", gettid(), conf);
		close(fd);
	}
	clock_gettime(CLOCK_BOOTTIME, &ts);
	h.magic = HM_SITES_MAGIC;
	h.version = HM_SITES_VERSION;
	h.header_size = HM_SITES_HEADER_SIZE;
	h.pid = getpid();
	h.flags = HM_SITES_F_INJECTED;
	h.max_depth = HM_SITES_MAX_DEPTH;
	h.start_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	snprintf(path, sizeof(path), "%s/%d.sites", dir, getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		(void)!write(fd, &h, sizeof(h));
		close(fd);
	}
}
