// SPDX-License-Identifier: GPL-2.0
/*
 * heapmonctl attach: load the recorder (libheapmon.so) into a running
 * process, without restarting it, by making its main thread call dlopen
 * (inject.c), then watch it as watch --detach does.
 *
 * Hazard: only the main thread is stopped. Should it hold the loader's lock
 * or a malloc arena lock at that moment, its dlopen would wait for itself;
 * an interrupt in the loader, or in libc outside a syscall, is therefore
 * retried a few times, and the call is bounded (--timeout). A dlopen that
 * runs out of time is abandoned half-way: the thread is stopped, its
 * registers restored and it resumes what it was doing. That is the least
 * bad way out (waiting forever leaves the main thread stuck; letting the call
 * run on would crash the process when it returns to address 0), but the
 * loader's lock may stay taken, and the user is told so.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../include/heapmon/sites.h"
#include "args.h"
#include "elfsym.h"
#include "inject.h"
#include "libpath.h"
#include "nl.h"
#include "options.h"
#include "output.h"
#include "request.h"
#include "subcommands.h"

#define CONF_DIR "/run/heapmon"
#define TIMEOUT_DEFAULT_MS 5000
#define STOP_TIMEOUT_MS 2000	/* for the interrupt: a thread in D state may never stop */
#define SITES_WAIT_MS 2000	/* for the recorder's site file, after dlopen returned */
#define MAX_EXEC 16		/* executable mappings remembered per object */

static const char *const forwarded[] = {
	"HEAPMON_SAMPLE", "HEAPMON_RECORDS", "HEAPMON_STACKS", "HEAPMON_ARENA_MB",
	"HEAPMON_SITES_DIR", "HEAPMON_QUIET", "HEAPMON_NO_INHERIT",
};

struct attach_args {
	uint32_t pid;
	bool has_sample;
	uint64_t sample;
	uint64_t timeout_ms;
	uint32_t trap;		/* watch --trap, for a process not watched yet */
	bool json;
};

struct range {
	uint64_t start, end;
};

struct ranges {
	struct range r[MAX_EXEC];
	unsigned int n;
};

/* What /proc says of the target. */
struct target {
	pid_t pid;
	pid_t nspid;			/* as it sees itself: names its files */
	uid_t uid;
	gid_t gid;
	pid_t tracer;
	char state;
	char root[64];			/* /proc/PID/root: its view of the file system */
	bool other_root;		/* not ours: paths printed are from its view */
	uint64_t libc_start, libc_end;	/* libc's mapping at file offset 0 */
	char libc_path[PATH_MAX];
	struct ranges libc_exec, ld_exec;
	bool has_libc;
	char loaded[PATH_MAX];		/* the recorder, when already mapped */
	char sites_dir[PATH_MAX];	/* from its environment */
};

struct attach {
	struct attach_args a;
	struct target t;
	struct hm_tracee tr;		/* large: one static instance */
	char lib[PATH_MAX];
	char conf[PATH_MAX + 160];	/* from our view */
	char sites[PATH_MAX + 96];	/* from its view */
	uint64_t dlopen_addr, dlerror_addr;
	uint64_t handle;
	uint64_t boot_t0_ns;
	struct timespec t0, t1;
	bool watching;
	uint32_t interval_ms;
	char module_note[128];
};

static int fail(const struct attach *at, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(const struct attach *at, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "heapmonctl: attach %u: ", at->a.pid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Why PTRACE_SEIZE (or reading /proc/PID/exe) was refused, as precisely as we can tell. */
static int explain_eperm(const struct attach *at)
{
	const struct target *t = &at->t;
	unsigned long long cap_eff = 0;
	char line[256], comm[64] = "?";
	int scope = -1;
	FILE *f;

	if (t->tracer) {
		snprintf(line, sizeof(line), "/proc/%d/comm", t->tracer);
		f = fopen(line, "r");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		return fail(at, "not permitted: it is already traced by pid %d (%s); a process has one tracer at most",
			    t->tracer, comm);
	}
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "CapEff: %llx", &cap_eff);
	if (f)
		fclose(f);
	f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fclose(f);
	}
	if (!(cap_eff & (1ULL << 19))) {	/* CAP_SYS_PTRACE */
		if (geteuid() != t->uid)
			return fail(at, "not permitted: it runs as uid %u and you are uid %u without CAP_SYS_PTRACE (run as root)",
				    t->uid, geteuid());
		if (scope >= 1)
			return fail(at, "not permitted: Yama's /proc/sys/kernel/yama/ptrace_scope is %d, which lets only %s attach (run as root%s)",
				    scope, scope == 1 ? "a parent process" : "CAP_SYS_PTRACE",
				    scope == 1 ? ", or set it to 0" : "");
		return fail(at, "not permitted without CAP_SYS_PTRACE: the process is not dumpable (set-uid, or prctl(PR_SET_DUMPABLE, 0))");
	}
	if (scope == 3)
		return fail(at, "not permitted: Yama's /proc/sys/kernel/yama/ptrace_scope is 3: no process may be attached to");
	return fail(at, "not permitted (a security module refused ptrace; see the kernel log)");
}

static int read_status(struct attach *at)
{
	struct target *t = &at->t;
	char path[64], line[512], *p;
	unsigned int uid, gid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", at->a.pid);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? fail(at, "no such process") :
					 fail(at, "%s: %s", path, strerror(errno));
	t->pid = at->a.pid;
	t->nspid = t->pid;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "State: %c", &t->state) == 1 ||
		    sscanf(line, "TracerPid: %d", &t->tracer) == 1)
			continue;
		if (sscanf(line, "Uid: %*u %u", &uid) == 1)
			t->uid = uid;
		else if (sscanf(line, "Gid: %*u %u", &gid) == 1)
			t->gid = gid;
		else if (!strncmp(line, "NSpid:", 6) && (p = strrchr(line, '\t')))
			t->nspid = atoi(p + 1);	/* the innermost namespace's */
	}
	fclose(f);
	if (t->state == 'Z' || t->state == 'X')
		return fail(at, "the process has exited (it is a zombie)");
	if (t->state == 'T')
		return fail(at, "the process is stopped (state T); continue it first (kill -CONT %u)",
			    at->a.pid);
	snprintf(t->root, sizeof(t->root), "/proc/%u/root", at->a.pid);
	return 0;
}

/* A dynamically linked x86-64 program, or a clear refusal. */
static int check_exe(struct attach *at)
{
	struct hm_elf_info info;
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%u/exe", at->a.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			return explain_eperm(at);
		if (errno == ENOENT)
			return fail(at, "no such process, or it is a kernel thread");
		return fail(at, "%s: %s", path, strerror(errno));
	}
	ret = hm_elf_info(fd, &info);
	close(fd);
	if (ret)
		return fail(at, "cannot read its program: %s", strerror(-ret));
	if (info.class == ELFCLASS32)
		return fail(at, "a 32-bit process: only x86-64 processes can be attached");
	if (info.machine != EM_X86_64)
		return fail(at, "not an x86-64 process (ELF machine %u)", info.machine);
	if (!info.interp)
		return fail(at, "statically linked (no dynamic loader): the recorder cannot be loaded into it");
	return 0;
}

static void add_range(struct ranges *r, uint64_t start, uint64_t end)
{
	if (r->n < MAX_EXEC)
		r->r[r->n++] = (struct range){ start, end };
}

static bool in_ranges(const struct ranges *r, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (addr >= r->r[i].start && addr < r->r[i].end)
			return true;
	return false;
}

static bool is_libc(const char *name)
{
	return !strncmp(name, "libc.so", 7) || (!strncmp(name, "libc-", 5) && strstr(name, ".so"));
}

static int read_maps(struct attach *at)
{
	struct target *t = &at->t;
	unsigned long long start, end, off;
	char path[64], line[PATH_MAX + 128], perms[8];
	const char *name;
	int pos;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", at->a.pid);
	f = fopen(path, "r");
	if (!f)
		return errno == EACCES ? explain_eperm(at) : fail(at, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		pos = 0;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*u %n", &start, &end, perms, &off, &pos) < 4 ||
		    !pos || line[pos] != '/')
			continue;
		name = base_name(line + pos);
		if (is_libc(name)) {
			if (!t->has_libc && off == 0) {
				t->has_libc = true;
				t->libc_start = start;
				t->libc_end = end;
				snprintf(t->libc_path, sizeof(t->libc_path), "%s", line + pos);
			}
			if (perms[2] == 'x')
				add_range(&t->libc_exec, start, end);
		} else if (!strncmp(name, "ld-", 3) && perms[2] == 'x') {
			add_range(&t->ld_exec, start, end);
		}
		if (!strcmp(name, "libheapmon.so") || !strcmp(line + pos, at->lib))
			snprintf(t->loaded, sizeof(t->loaded), "%s", line + pos);
	}
	fclose(f);
	if (!t->has_libc)
		return fail(at, "no libc.so in its maps: statically linked or not a glibc program; the recorder cannot be loaded into it");
	return 0;
}

/* HEAPMON_SITES_DIR as the target's environment has it, if at all. */
static void read_environ(struct attach *at)
{
	char path[64], buf[8192];
	const char *key = HM_SITES_DIR_ENV "=";
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/environ", at->a.pid);
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (i = 0; i < n; i += strlen(buf + i) + 1)
		if (!strncmp(buf + i, key, strlen(key)))
			snprintf(at->t.sites_dir, sizeof(at->t.sites_dir), "%s", buf + i + strlen(key));
}

/* dlopen (and dlerror) in the target: libc's load base plus the symbol's value. */
static int find_dlopen(struct attach *at)
{
	struct target *t = &at->t;
	struct hm_elf_info info;
	uint64_t val;
	char path[PATH_MAX + 96];
	int fd, ret;

	/* The very file mapped, even if replaced on disk since; else by path, in its root. */
	snprintf(path, sizeof(path), "/proc/%u/map_files/%llx-%llx", at->a.pid,
		 (unsigned long long)t->libc_start, (unsigned long long)t->libc_end);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s%s", t->root, t->libc_path);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return fail(at, "cannot read its libc %s: %s", t->libc_path, strerror(errno));
	ret = hm_elf_info(fd, &info);
	if (!ret) {
		/* glibc >= 2.34 exports dlopen from libc; older ones only a private twin. */
		ret = hm_elf_dynsym(fd, "dlopen", &val);
		if (ret == -ENOENT)
			ret = hm_elf_dynsym(fd, "__libc_dlopen_mode", &val);
	}
	if (!ret)
		at->dlopen_addr = t->libc_start - info.first_load + val;
	if (!ret && !hm_elf_dynsym(fd, "dlerror", &val))
		at->dlerror_addr = t->libc_start - info.first_load + val;
	close(fd);
	if (ret == -ENOENT)
		return fail(at, "its libc %s exports no dlopen (glibc older than 2.34?)", t->libc_path);
	if (ret)
		return fail(at, "cannot read the symbols of its libc %s: %s", t->libc_path,
			    strerror(-ret));
	return 0;
}

static int locate_recorder(struct attach *at)
{
	char err[1024], path[PATH_MAX + 96];
	struct stat ours, theirs;
	int ret;

	ret = hm_recorder_path(at->lib, sizeof(at->lib), err, sizeof(err));
	if (ret)
		return fail(at, "%s", err);
	if (stat("/", &ours) == 0 && stat(at->t.root, &theirs) == 0)
		at->t.other_root = ours.st_dev != theirs.st_dev || ours.st_ino != theirs.st_ino;
	/* dlopen resolves the path in the target's mount namespace and root. */
	snprintf(path, sizeof(path), "%s%s", at->t.root, at->lib);
	if (access(path, F_OK))
		return fail(at, "%s does not exist in the process's root (another mount namespace or chroot); make it available there or set HEAPMON_LIB",
			    at->lib);
	return 0;
}

static int write_line(int fd, const char *name, const char *val)
{
	char line[PATH_MAX + 64];
	int n = snprintf(line, sizeof(line), "%s=%s\n", name, val);

	return write(fd, line, n) == n ? 0 : -1;
}

/*
 * The settings contract: /run/heapmon/PID.conf, read (then unlinked) by the
 * recorder's constructor, as the process's environment cannot be changed.
 * Settings in heapmonctl's own environment are passed on; --sample wins.
 */
static int write_conf(struct attach *at)
{
	char dir[PATH_MAX + 96], num[32];
	const char *val;
	size_t i;
	int fd, ret = 0;

	/* The recorder looks for it in the site directory of its environment. */
	snprintf(dir, sizeof(dir), "%s%s", at->t.root,
		 at->t.sites_dir[0] ? at->t.sites_dir : CONF_DIR);
	if (mkdir(dir, 01777) == 0)
		chmod(dir, 01777);	/* not what the umask left */
	else if (errno != EEXIST)
		return fail(at, "cannot create %s: %s", dir, strerror(errno));
	snprintf(at->conf, sizeof(at->conf), "%s/%d.conf", dir, at->t.nspid);
	unlink(at->conf);
	fd = open(at->conf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(at, "cannot write %s: %s", at->conf, strerror(errno));
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]) && !ret; i++) {
		val = getenv(forwarded[i]);
		if (at->a.has_sample && !strcmp(forwarded[i], "HEAPMON_SAMPLE")) {
			snprintf(num, sizeof(num), "%llu", (unsigned long long)at->a.sample);
			val = num;
		}
		if (val)
			ret = write_line(fd, forwarded[i], val);
	}
	/* The recorder runs as the process's user: the file must be its to read and unlink. */
	if (!ret && fchown(fd, at->t.uid, at->t.gid) && geteuid() == 0)
		ret = -1;
	if (ret) {
		ret = fail(at, "cannot write %s: %s", at->conf, strerror(errno));
		unlink(at->conf);
	}
	close(fd);
	return ret;
}

/* The interrupted thread may hold the loader's lock, or (in libc, not in a syscall) an arena's. */
static bool unsafe_place(const struct user_regs_struct *regs, void *arg)
{
	const struct target *t = arg;

	return in_ranges(&t->ld_exec, regs->rip) ||
	       (in_ranges(&t->libc_exec, regs->rip) && (int64_t)regs->orig_rax < 0);
}

static void read_dlerror(struct attach *at, char *msg, size_t len)
{
	uint64_t str;
	int ret;

	snprintf(msg, len, "dlopen failed");
	if (!at->dlerror_addr)
		return;
	ret = hm_tracee_call(&at->tr, at->dlerror_addr, 0, 0, at->a.timeout_ms, &str);
	if (ret || !str || hm_tracee_read(&at->tr, str, msg, len - 1))
		return;
	msg[len - 1] = '\0';
}

/* The injection proper; the target runs again, untraced, whatever happens. */
static int inject(struct attach *at)
{
	struct hm_tracee *tr = &at->tr;
	char msg[512];
	uint64_t path;
	int ret, err;

	ret = hm_tracee_seize(tr, at->a.pid, STOP_TIMEOUT_MS, unsafe_place, &at->t);
	if (ret == -EPERM)
		return explain_eperm(at);
	if (ret == -ESRCH)
		return fail(at, "no such process");
	if (ret == -ECHILD)
		return fail(at, "the process exited meanwhile");
	if (ret == -ETIMEDOUT)
		return fail(at, "its main thread did not stop within %d ms (uninterruptible sleep?); left untouched",
			    STOP_TIMEOUT_MS);
	if (ret)
		return fail(at, "cannot stop it: %s", strerror(-ret));

	msg[0] = '\0';
	ret = hm_tracee_push(tr, at->lib, strlen(at->lib) + 1, &path);
	if (!ret)
		ret = hm_tracee_call(tr, at->dlopen_addr, path, RTLD_NOW, at->a.timeout_ms,
				     &at->handle);
	if (!ret && !at->handle)
		read_dlerror(at, msg, sizeof(msg));
	err = tr->exited ? 0 : hm_tracee_release(tr);

	switch (ret) {
	case 0:
		break;
	case -ECHILD:
		return fail(at, "the process exited during the attach");
	case -ETIMEDOUT:
		return fail(at, "dlopen did not return within %llu ms (its main thread was probably stopped holding a lock dlopen needs); the call was abandoned and the thread restored: the process runs on, but the dynamic loader's lock may stay taken, so later dlopen/dlclose in it may block",
			    (unsigned long long)at->a.timeout_ms);
	case -EFAULT:
		return fail(at, "dlopen faulted in it (signal %d at 0x%llx); the thread was restored and the fault not delivered, but the process may be unstable",
			    tr->fault_sig, (unsigned long long)tr->fault_ip);
	default:
		return fail(at, "injection failed: %s", strerror(-ret));
	}
	if (err)
		return fail(at, "cannot restore its registers or detach: %s", strerror(-err));
	if (!at->handle)
		return fail(at, "%s", msg);
	return 0;
}

/* Whether the site file is the recorder's, written since we began. */
static bool sites_fresh(const struct attach *at, const char *path)
{
	struct hm_sites_header h;
	bool ok;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = pread(fd, &h, sizeof(h), 0) == sizeof(h) && h.magic == HM_SITES_MAGIC &&
	     h.pid == (uint32_t)at->t.nspid && h.start_ns >= at->boot_t0_ns;
	close(fd);
	return ok;
}

static int check_started(struct attach *at, bool already)
{
	const char *dir = at->t.sites_dir[0] ? at->t.sites_dir : HM_SITES_DIR_DEFAULT;
	const char *env = getenv(HM_SITES_DIR_ENV);
	char ours[sizeof(at->sites) + 64];
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i;

	if (env && *env)	/* passed on in the conf file */
		dir = env;
	snprintf(at->sites, sizeof(at->sites), "%s/%d.sites", dir, at->t.nspid);
	snprintf(ours, sizeof(ours), "%s%s", at->t.root, at->sites);
	if (already)
		return 0;
	for (i = 0; i < SITES_WAIT_MS / 10; i++) {
		if (sites_fresh(at, ours))
			return 0;
		nanosleep(&tick, NULL);
	}
	return fail(at, "the recorder was loaded but did not start: no fresh site file %s (is the directory writable by uid %u? HEAPMON_QUIET unset shows the recorder's messages on the process's stderr)",
		    at->sites, at->t.uid);
}

/* watch --detach, when the module is there; an existing watch is fine. */
static int start_watch(struct attach *at)
{
	struct hm_watch_opts opts = { .trap = at->a.trap };
	struct hm_target_stats ts;
	struct hm_nl nl;
	int ret;

	if (access("/sys/module/heapmon", F_OK)) {
		snprintf(at->module_note, sizeof(at->module_note),
			 "the heapmon module is not loaded: joining sites with page idleness (heapmonctl leaks) needs it");
		return 0;
	}
	ret = hm_nl_open(&nl);
	if (ret)
		return ret;
	ret = hm_req_watch(&nl, at->a.pid, &opts);
	if (ret == -EEXIST && opts.trap)
		fprintf(stderr, "heapmonctl: attach %u: already watched: its watch is kept as it is "
			"(--trap does not change it)\n", at->a.pid);
	if (ret && ret != -EEXIST) {
		ret = hm_req_perror(&nl, "attach: watch", at->a.pid, ret);
	} else {
		at->watching = true;
		at->interval_ms = HEAPMON_INTERVAL_DEFAULT_MS;
		if (!hm_req_stats(&nl, at->a.pid, &ts) && ts.interval_ms)
			at->interval_ms = ts.interval_ms;
		ret = 0;
	}
	hm_nl_close(&nl);
	return ret;
}

static void show(const struct attach *at, bool already)
{
	uint64_t attach_us = (clock_ns(CLOCK_MONOTONIC) - (at->t0.tv_sec * 1000000000ULL +
							    at->t0.tv_nsec)) / 1000;
	uint64_t pause_us = already ? 0 : hm_tracee_pause_us(&at->tr);
	struct json j;

	if (!at->a.json) {
		if (already)
			printf("pid %u already has the recorder: %s\n", at->a.pid, at->t.loaded);
		else
			printf("attached to pid %u: %s loaded in %llu.%03llu ms (process paused %llu.%03llu ms)\n",
			       at->a.pid, at->lib, (unsigned long long)attach_us / 1000,
			       (unsigned long long)attach_us % 1000, (unsigned long long)pause_us / 1000,
			       (unsigned long long)pause_us % 1000);
		printf("sites: %s%s\n", at->sites, at->t.other_root ? " (in the process's root)" : "");
		if (at->watching)
			printf("watching %u every %u ms\n", at->a.pid, at->interval_ms);
		else
			printf("%s\n", at->module_note);
		fflush(stdout);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_u64(&j, "pid", at->a.pid);
	json_str(&j, "library", already ? at->t.loaded : at->lib);
	json_bool(&j, "already", already);
	if (!already) {
		json_hex(&j, "handle", at->handle);
		json_u64(&j, "attach_us", attach_us);
		json_u64(&j, "pause_us", pause_us);
		json_u64(&j, "signals_redelivered", at->tr.n_sigs);
	}
	json_str(&j, "sites", at->sites);
	json_bool(&j, "watching", at->watching);
	if (at->watching)
		json_u64(&j, "interval_ms", at->interval_ms);
	json_object_end(&j);
	json_end_line(&j);
}

static int parse_args(int argc, char **argv, struct attach_args *a)
{
	struct hm_getopt g;
	int c;

	a->timeout_ms = TIMEOUT_DEFAULT_MS;
	hm_getopt_init(&g, "attach", argc, argv);
	while ((c = hm_getopt_next(&g)) > 0) {
		switch (c) {
		case 's':
			a->has_sample = true;
			a->sample = g.val;
			break;
		case 't':
			a->timeout_ms = g.val;
			break;
		case 'T':
			a->trap = g.val;
			break;
		case 'j':
			a->json = true;
			break;
		}
	}
	if (c < 0)
		return g.status;
	if (optind + 1 != argc)
		return subcommand_usage("attach");
	return parse_pid(argv[optind], &a->pid);
}

/* Everything before the process is touched: refusals cost it nothing. */
static int prepare(struct attach *at)
{
	int ret;

	ret = read_status(at);
	if (!ret)
		ret = check_exe(at);
	if (!ret)
		ret = locate_recorder(at);
	if (!ret)
		ret = read_maps(at);
	if (!ret && !at->t.loaded[0])
		ret = find_dlopen(at);
	if (!ret)
		read_environ(at);
	return ret;
}

int cmd_attach(int argc, char **argv)
{
	static struct attach at;
	sigset_t stop, old;
	bool already;
	int ret;

	ret = parse_args(argc, argv, &at.a);
	if (ret)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &at.t0);
	ret = prepare(&at);
	if (ret)
		return ret;
	already = at.t.loaded[0];
	if (!already) {
		ret = write_conf(&at);
		if (ret)
			return ret;
		/* No Ctrl-C while a call runs in the process: it would return to address 0. */
		sigemptyset(&stop);
		sigaddset(&stop, SIGINT);
		sigaddset(&stop, SIGTERM);
		sigaddset(&stop, SIGHUP);
		sigaddset(&stop, SIGQUIT);
		sigprocmask(SIG_BLOCK, &stop, &old);
		at.boot_t0_ns = clock_ns(CLOCK_BOOTTIME);
		ret = inject(&at);
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* The recorder unlinks it when it reads it; a failed attach must not leave it. */
		unlink(at.conf);
		if (ret)
			return ret;
	}
	ret = check_started(&at, already);
	if (!ret)
		ret = start_watch(&at);
	if (!ret)
		show(&at, already);
	return ret;
}
