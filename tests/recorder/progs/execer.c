// SPDX-License-Identifier: GPL-2.0
/*
 * execer MODE: exec through one member of the exec family (MODE: execve,
 * execv, execvp, execvpe, execl, execle, execlp, fexecve, execveat), with
 * the recorder preloaded (HEAPMON_SAMPLE=0):
 *   - an exec that fails leaves the site file live (not EXITED, exit_ns 0);
 *   - across one that succeeds, a reader (a fork child) that mapped the old
 *     file before keeps it, whole (no SIGBUS though the new image's file is
 *     smaller: HEAPMON_RECORDS=16), and it says EXITED with exit_ns;
 *   - the new image (sh, recording again) has a new, live file.
 * The new image tells the reader when it runs; the reader tells it when done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check.h"

#define NI __attribute__((noinline))

extern char **environ;

NI void *site_exec(size_t n) { return malloc(n); }

static int run(const char *mode, const char *path, const char *file, char *const argv[])
{
	if (!strcmp(mode, "execve"))
		return execve(path, argv, environ);
	if (!strcmp(mode, "execv"))
		return execv(path, argv);
	if (!strcmp(mode, "execvp"))
		return execvp(file, argv);
	if (!strcmp(mode, "execvpe"))
		return execvpe(file, argv, environ);
	if (!strcmp(mode, "execl"))
		return execl(path, argv[0], argv[1], argv[2], (char *)NULL);
	if (!strcmp(mode, "execle"))
		return execle(path, argv[0], argv[1], argv[2], (char *)NULL, environ);
	if (!strcmp(mode, "execlp"))
		return execlp(file, argv[0], argv[1], argv[2], (char *)NULL);
	if (!strcmp(mode, "fexecve")) {
		/* A file that is not executable fails with EACCES. */
		int fd = open(path ? path : "/dev/null", O_RDONLY | O_CLOEXEC);

		return fd < 0 ? -1 : fexecve(fd, argv, environ);
	}
	if (!strcmp(mode, "execveat"))
		return execveat(AT_FDCWD, path, argv, environ, 0);
	fprintf(stderr, "execer: unknown mode %s\n", mode);
	exit(2);
}

static void reader(const char *mode, pid_t parent, int ready, int go, int done)
{
	char path[512], err[256], c;
	struct hm_sites_header h;
	struct hm_sites s;
	struct stat st, now;
	volatile unsigned long sum = 0;
	const char *dir = getenv("HEAPMON_SITES_DIR");
	unsigned char *m;
	int fd;

	snprintf(path, sizeof(path), "%s/%d.sites", dir, (int)parent);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		_exit(1);
	m = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		_exit(1);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1) {
		check(0, "exec %s: the new image never ran", mode);
		_exit(1);
	}
	/* Every page of the old mapping: SIGBUS if the inode was truncated. */
	for (off_t off = 0; off < st.st_size; off += 4096)
		sum += m[off];
	memcpy(&h, m, sizeof(h));
	check(h.magic == HM_SITES_MAGIC && h.pid == (uint32_t)parent &&
	      (h.flags & HM_SITES_F_EXITED) && h.exit_ns >= h.start_ns && h.exit_ns &&
	      h.records_cap > 16,
	      "exec %s: the old file, mapped across the exec, is whole and says EXITED (flags %u, exit_ns %s, %u records)",
	      mode, h.flags, h.exit_ns ? "set" : "0", h.records_cap);
	if (stat(path, &now) < 0 || hm_sites_read_path(path, &s, err, sizeof(err))) {
		check(0, "exec %s: the new image's file: %s", mode, err);
	} else {
		check(now.st_ino != st.st_ino && s.hdr.pid == (uint32_t)parent &&
		      !(s.hdr.flags & HM_SITES_F_EXITED) && s.hdr.records_cap == 16,
		      "exec %s: the new image has a new live file (flags %u, %u records, %s inode)",
		      mode, s.hdr.flags, s.hdr.records_cap,
		      now.st_ino != st.st_ino ? "another" : "the same");
		hm_sites_free(&s);
	}
	(void)!write(done, "k\n", 2);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct site site[] = { { "site_exec", 5, 5000 } };
	int ready[2], go[2], done[2];
	struct hm_sites s;
	char err[256], cmd[256];
	void *keep[5];
	pid_t pid;
	int ret, e;

	if (argc != 2)
		return 2;
	for (int i = 0; i < 5; i++)
		keep[i] = site_exec(1000);
	check_exact(site, 1, 0, argv[1]);

	ret = run(argv[1], strcmp(argv[1], "fexecve") ? "/nonexistent/hm" : NULL,
		  "hm-no-such-program", (char *[]){ "x", NULL });
	e = errno;
	if (hm_sites_read(getpid(), NULL, &s, err, sizeof(err))) {
		check(0, "exec %s: read own file: %s", argv[1], err);
		return 1;
	}
	check(ret == -1 && (e == ENOENT || e == EACCES) && !(s.hdr.flags & HM_SITES_F_EXITED) &&
	      !s.hdr.exit_ns,
	      "exec %s: a failed exec (%s) leaves the file live (flags %u, exit_ns %llu)",
	      argv[1], strerrorname_np(e), s.hdr.flags, (unsigned long long)s.hdr.exit_ns);
	hm_sites_free(&s);

	if (pipe(ready) || pipe(go) || pipe(done))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		close(done[0]);
		reader(argv[1], getppid(), ready[1], go[0], done[1]);
	}
	close(ready[1]);
	close(go[0]);
	close(done[1]);
	if (read(ready[0], cmd, 1) != 1)
		return 1;
	close(ready[0]);
	setenv("HEAPMON_RECORDS", "16", 1);
	snprintf(cmd, sizeof(cmd),
		 "echo x >&%d; read r <&%d; [ \"$r\" = k ] || echo 'FAIL exec %s: the reader died'",
		 go[1], done[0], argv[1]);
	fflush(stdout);
	run(argv[1], "/bin/sh", "sh", (char *[]){ "sh", "-c", cmd, NULL });
	check(0, "exec %s: %s", argv[1], strerror(errno));
	(void)keep;
	return 1;
}
