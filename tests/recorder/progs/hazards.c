// SPDX-License-Identifier: GPL-2.0
/*
 * hazards MODE LIB [PLUGIN]: the recorder injected (as in inject.c, with
 * HEAPMON_SAMPLE=0) meets what a host process does:
 *   dlopen-deps: a plugin dlopen'ed after the attach loads a dependency
 *     that frees the plugin's (arena) allocations: the dependency's GOT must
 *     be patched too, or the real free gets an arena pointer.
 *   fork-handler: atfork handlers registered before the attach (so they
 *     run inside ours) allocate and free samples: no deadlock, and the
 *     child's frees do not reach the parent's file.
 * A deadlock ends with SIGALRM.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>

#include "check.h"

#define NI __attribute__((noinline))

NI void *site_prep(size_t n) { return malloc(n); }
NI void *site_kid(size_t n) { return malloc(n); }

static void *held_prep, *held_kid;

static void attach(const char *lib)
{
	const char *dir = getenv("HEAPMON_SITES_DIR");
	char conf[512];
	int fd;

	snprintf(conf, sizeof(conf), "%s/%d.conf", dir, getpid());
	fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "HEAPMON_SAMPLE=0\n", 17) != 17)
		exit(2);
	close(fd);
	if (!dlopen(lib, RTLD_NOW)) {
		check(0, "hazards: dlopen %s: %s", lib, dlerror());
		exit(1);
	}
}

static int dlopen_deps(const char *lib, const char *plugin)
{
	struct site s[] = { { "site_plug" } };
	int (*roundtrip)(void);
	void *h;

	attach(lib);
	h = dlopen(plugin, RTLD_NOW);
	if (!h) {
		check(0, "dlopen-deps: dlopen %s: %s", plugin, dlerror());
		return 1;
	}
	roundtrip = (int (*)(void))dlsym(h, "plug_roundtrip");
	for (int i = 0; i < 10; i++)
		if (!roundtrip || roundtrip())
			return 1;
	check(1, "dlopen-deps: a new dependency freed 10 arena objects, process intact");
	check_exact(s, 1, 0, "dlopen-deps");
	return fails;
}

static void prep(void)
{
	free(site_prep(100));
	free(held_prep);
	held_prep = NULL;
}

static void parent(void)
{
	free(site_prep(100));
}

static void child(void)
{
	free(site_prep(100));
	free(held_kid);		/* the child's: the parent still holds its own */
}

static int fork_handler(const char *lib)
{
	struct site s[] = { { "site_prep" }, { "site_kid" } };
	int status;
	pid_t pid;

	pthread_atfork(prep, parent, child);
	attach(lib);
	held_prep = site_prep(3000);
	held_kid = site_kid(4000);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !WEXITSTATUS(status),
	      "fork-handler: handlers allocating and freeing samples inside ours: no deadlock");
	s[1].count = 1, s[1].bytes = 4000;
	check_exact(s, 2, 0, "fork-handler: parent's file after the child freed its copy:");
	return fails;
}

/*
 * A library that dlopen()s by $ORIGIN and by its RUNPATH, loaded after the
 * attach (its dlopen slot hooked): the plugin next to it must be found.
 */
static int origin(const char *lib, const char *origin_lib)
{
	void *(*by)(void);
	void *h, *p;

	attach(lib);
	h = dlopen(origin_lib, RTLD_NOW);
	if (!h) {
		check(0, "origin: dlopen %s: %s", origin_lib, dlerror());
		return 1;
	}
	by = (void *(*)(void))dlsym(h, "origin_by_dst");
	p = by ? by() : NULL;
	check(p && dlsym(p, "hmorplug_answer"),
	      "origin: a hooked dlopen(\"$ORIGIN/libhmorplug.so\") finds it next to its caller (%s)",
	      p ? "found" : dlerror());
	by = (void *(*)(void))dlsym(h, "origin_by_runpath");
	p = by ? by() : NULL;
	check(p && dlsym(p, "hmorplug_answer"),
	      "origin: a hooked dlopen(\"libhmorplug.so\") finds it by its caller's RUNPATH (%s)",
	      p ? "found" : dlerror());
	return fails;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[1] : "";

	alarm(20);
	if (!strcmp(mode, "dlopen-deps") && argc > 3)
		return dlopen_deps(argv[2], argv[3]) ? 1 : 0;
	if (!strcmp(mode, "origin") && argc > 3)
		return origin(argv[2], argv[3]) ? 1 : 0;
	if (!strcmp(mode, "fork-handler"))
		return fork_handler(argv[2]) ? 1 : 0;
	fprintf(stderr, "usage: hazards dlopen-deps LIB PLUGIN | origin LIB ORIGIN_LIB | fork-handler LIB\n");
	return 2;
}
