// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl run: start a command with the recorder preloaded, watched by
 * the module from its first instruction.
 *
 * The child is forked and waits on a pipe while the parent asks the module
 * to WATCH it; only then does it exec the command (the module follows the
 * exec). So no page of the command's heap escapes the module, and the
 * recorder, loaded by ld.so before main, sees every allocation after its
 * constructor. Without the module (or the right to use it) the command
 * still runs with the recorder: the site file alone is useful.
 *
 * heapmonctl stays the command's parent for its whole life, like a shell:
 * it forwards the signals a user sends it, and exits with the command's
 * status.
 */
#define _GNU_SOURCE		/* pipe2(), asprintf() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../include/heapmon/sites.h"
#include "args.h"
#include "libpath.h"
#include "nl.h"
#include "options.h"
#include "request.h"
#include "subcommands.h"

#define EXIT_CANNOT_EXEC 127	/* as sh: the command could not be run */

struct run_args {
	bool has_sample;
	uint64_t sample;
	bool no_watch;
	struct hm_watch_opts opts;
	char **cmd;
};

/* Forwarded to the command; SIGCHLD ends the wait. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static int parse_args(int argc, char **argv, struct run_args *a)
{
	struct hm_getopt g;
	int c;

	/* The table's operands_last: options end at the command, whose own options are its own. */
	hm_getopt_init(&g, "run", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 's':
			a->has_sample = true;
			a->sample = g.val;
			break;
		case 'i':
			a->opts.has_interval = true;
			a->opts.interval_ms = g.val;
			break;
		case 'T':
			a->opts.trap = g.val;
			break;
		case 'n':
			a->no_watch = true;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind >= argc)
		return subcommand_usage("run");
	a->cmd = argv + optind;
	return 0;
}

static const char *sites_dir(void)
{
	const char *dir = getenv(HM_SITES_DIR_ENV);

	return dir && *dir ? dir : HM_SITES_DIR_DEFAULT;
}

/*
 * The default directory is shared by every user's processes, each writing
 * its own PID.sites: world-writable and sticky, like /tmp.
 */
static void make_sites_dir(void)
{
	const char *dir = sites_dir();

	if (mkdir(dir, 01777) == 0) {
		if (!strcmp(dir, HM_SITES_DIR_DEFAULT))
			chmod(dir, 01777);	/* past the umask */
	} else if (errno != EEXIST) {
		fprintf(stderr, "heapmonctl: run: cannot create %s: %s; the recorder will have nowhere to write\n",
			dir, strerror(errno));
	}
}

/* LD_PRELOAD=lib[:the existing list], HEAPMON_SAMPLE; in the child only. */
static int set_child_env(const char *lib, const struct run_args *a)
{
	const char *old = getenv("LD_PRELOAD");
	char *preload, sample[24];

	if (old && *old) {
		if (asprintf(&preload, "%s:%s", lib, old) < 0)
			return -1;
	} else {
		preload = strdup(lib);
		if (!preload)
			return -1;
	}
	if (setenv("LD_PRELOAD", preload, 1))
		return -1;
	free(preload);
	if (a->has_sample) {
		snprintf(sample, sizeof(sample), "%llu", (unsigned long long)a->sample);
		if (setenv("HEAPMON_SAMPLE", sample, 1))
			return -1;
	}
	return 0;
}

/*
 * In the fork child: no stdio, no strerror (its translation takes the
 * locale lock and may allocate, either possibly held by another thread of
 * the parent at the fork): write(2) of strerrordesc_np's static text.
 */
static void cannot_exec(const char *cmd, int err)
{
	const char *parts[] = { "heapmonctl: run: cannot execute ", cmd, ": ",
				strerrordesc_np(err) ?: "unknown error", "\n" };
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		(void)!write(STDERR_FILENO, parts[i], strlen(parts[i]));
}

/* The child: wait for the parent's go, then become the command. */
static void __attribute__((noreturn)) child(int go, const char *lib, const struct run_args *a,
					    const sigset_t *mask)
{
	char c;

	sigprocmask(SIG_SETMASK, mask, NULL);
	/* EOF without the byte: the parent died; do not run unwatched and unasked. */
	if (read(go, &c, 1) != 1)
		_exit(EXIT_CANNOT_EXEC);
	close(go);
	if (set_child_env(lib, a)) {
		fprintf(stderr, "heapmonctl: run: out of memory\n");
		_exit(EXIT_CANNOT_EXEC);
	}
	execvp(a->cmd[0], a->cmd);
	cannot_exec(a->cmd[0], errno);
	_exit(EXIT_CANNOT_EXEC);
}

#define SITES_ONLY "recording allocation sites only (`heapmonctl leaks` needs the module to join them with page statistics)"

/* WATCH the child; on any failure say once what is lost, and go on. */
static bool watch_child(struct hm_nl *nl, pid_t pid, const struct run_args *a)
{
	int ret;

	if (access("/sys/module/heapmon", F_OK)) {
		fprintf(stderr, "heapmonctl: run: the heapmon module is not loaded: " SITES_ONLY "\n");
		return false;
	}
	if (hm_nl_open(nl)) {
		/* It said why. */
		fprintf(stderr, "heapmonctl: run: " SITES_ONLY "\n");
		return false;
	}
	ret = hm_req_watch(nl, pid, &a->opts);
	if (ret) {
		fprintf(stderr, "heapmonctl: run: cannot watch PID %d: %s%s%s: " SITES_ONLY "\n",
			(int)pid, strerror(-ret), *nl->message ? ": " : "", nl->message);
		hm_nl_close(nl);
		return false;
	}
	return true;
}

/*
 * Until the child ends. A signal a process sent us goes on to the child; one
 * from the terminal (SI_KERNEL) already reached it through the process group.
 */
static int wait_child(pid_t pid, const sigset_t *set)
{
	siginfo_t si;
	int status;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			fprintf(stderr, "heapmonctl: run: waitpid: %s\n", strerror(errno));
			return EXIT_FAIL;
		}
		if (w == 0 && sigwaitinfo(set, &si) > 0 && si.si_signo != SIGCHLD &&
		    si.si_code != SI_KERNEL)
			kill(pid, si.si_signo);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = {};
	char lib[4096], err[1024];
	sigset_t set, old;
	struct hm_nl nl;
	bool watched = false;
	int go[2], ret;
	size_t i;
	pid_t pid;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	if (hm_recorder_path(lib, sizeof(lib), err, sizeof(err))) {
		fprintf(stderr, "heapmonctl: run: %s\n", err);
		return EXIT_FAIL;
	}
	make_sites_dir();

	/* Blocked from before the fork: none may be lost, and sigwaitinfo takes them. */
	signal(SIGCHLD, SIG_DFL);	/* not SIG_IGN, which would reap the child for us */
	sigemptyset(&set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);

	if (pipe2(go, O_CLOEXEC)) {
		fprintf(stderr, "heapmonctl: run: pipe: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "heapmonctl: run: fork: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if (pid == 0) {
		close(go[1]);
		child(go[0], lib, &a, &old);
	}
	close(go[0]);

	if (!a.no_watch)
		watched = watch_child(&nl, pid, &a);
	fprintf(stderr, "heapmonctl: recording PID %d's allocation sites in %s/%d.sites; see `heapmonctl sites %d`, `heapmonctl leaks %d`\n",
		(int)pid, sites_dir(), (int)pid, (int)pid, (int)pid);
	if (write(go[1], "g", 1) != 1)
		kill(pid, SIGKILL);	/* cannot happen with the read end open; never leave it hanging */
	close(go[1]);

	ret = wait_child(pid, &set);
	if (watched) {
		int e = hm_req_unwatch(&nl, pid);

		/* The module may have let go of it at exit already. */
		if (e && e != -ENOENT && e != -ESRCH)
			hm_nl_perror(&nl, "unwatch", e);
		hm_nl_close(&nl);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
