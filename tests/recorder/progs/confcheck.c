// SPDX-License-Identifier: GPL-2.0
/*
 * confcheck MODE LIB: PID.conf as heapmonctl attach writes it (MODE own:
 * ours, 0600) or forged by someone else in the 01777 directory (other:
 * owned by another user; group, world: writable by them; symlink: a link
 * to a good file; fifo: a FIFO, which must not block). Then the recorder
 * is dlopen'ed (as injected): it must use only the own file's settings
 * (HEAPMON_SAMPLE=12345), and ignore the others (default mean 524288).
 * Run as root (to give a file away).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"

static void write_file(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

	if (fd < 0 || write(fd, "HEAPMON_SAMPLE=12345\n", 21) != 21 || fchmod(fd, mode)) {
		perror(path);
		exit(2);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	const char *dir = getenv("HEAPMON_SITES_DIR"), *mode = argv[1];
	char conf[512], other[600], err[256];
	struct hm_sites s;
	int trusted = !strcmp(mode, "own"), ok = 0;
	struct stat st;

	(void)check_exact;
	if (argc != 3 || !dir)
		return 2;
	snprintf(conf, sizeof(conf), "%s/%d.conf", dir, getpid());
	if (!strcmp(mode, "own")) {
		write_file(conf, 0600);
	} else if (!strcmp(mode, "other")) {
		write_file(conf, 0600);
		ok = chown(conf, 65534, 65534);
	} else if (!strcmp(mode, "group")) {
		write_file(conf, 0620);
	} else if (!strcmp(mode, "world")) {
		write_file(conf, 0602);
	} else if (!strcmp(mode, "symlink")) {
		snprintf(other, sizeof(other), "%s.target", conf);
		write_file(other, 0600);
		ok = symlink(other, conf);
	} else if (!strcmp(mode, "fifo")) {
		ok = mkfifo(conf, 0600);
	} else {
		return 2;
	}
	if (ok) {
		perror(conf);
		return 2;
	}
	if (!dlopen(argv[2], RTLD_NOW)) {
		check(0, "conf %s: dlopen: %s", mode, dlerror());
		return 1;
	}
	if (hm_sites_read(getpid(), NULL, &s, err, sizeof(err))) {
		check(0, "conf %s: read own file: %s", mode, err);
		return 1;
	}
	check(s.hdr.sample_mean == (trusted ? 12345 : 524288) &&
	      (lstat(conf, &st) < 0) == trusted,
	      "conf %s: %s (sample mean %llu, PID.conf %s)", mode,
	      trusted ? "used" : "ignored", (unsigned long long)s.hdr.sample_mean,
	      lstat(conf, &st) < 0 ? "removed" : "left");
	hm_sites_free(&s);
	return fails;
}
