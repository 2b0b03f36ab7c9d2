// SPDX-License-Identifier: GPL-2.0
/*
 * got.c on the host: after hm_got_patch_all(), the allocation calls of the
 * program (JUMP_SLOTs in a full-RELRO GOT), of libstdc++'s operator new, of
 * a library dlopen'ed before, and of another thread, reach the spy's hooks;
 * a library dlopen'ed after needs hm_got_patch_object(); the spy's own
 * calls stay unhooked, and RELRO pages are read-only again afterwards.
 */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern "C" {
int spy_install(void);
int spy_install_object(void *base);
unsigned long spy_allocs(void);
unsigned long spy_frees(void);
unsigned long spy_allocs_all(void);
void *spy_own_malloc(size_t size);
}

static int failed;
static void *volatile sink;	/* keeps allocations from being optimized out */

static void check(bool ok, const char *what)
{
	printf("%s got: %s\n", ok ? "PASS" : "FAIL", what);
	failed |= !ok;
}

typedef void *(*alloc_fn)(size_t);

static alloc_fn plugin_fn(void *h)
{
	return h ? (alloc_fn)dlsym(h, "plugin_alloc") : NULL;
}

static void *base_of(void *h)
{
	struct link_map *lm;

	return dlinfo(h, RTLD_DI_LINKMAP, &lm) ? NULL : (void *)lm->l_addr;
}

static volatile int stop;

static void *churn(void *)
{
	while (!stop) {
		sink = malloc(64);
		free(sink);
	}
	return NULL;
}

/* Whether the program's RELRO pages are mapped read-only (r--p). */
static int relro_cb(struct dl_phdr_info *info, size_t, void *arg)
{
	unsigned long *range = (unsigned long *)arg;

	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
			range[0] = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			range[1] = range[0] + info->dlpi_phdr[i].p_memsz;
		}
	return 1;	/* the program is first */
}

static bool relro_read_only(void)
{
	unsigned long range[2] = {}, start, end;
	char perms[8], line[512];
	bool seen = false, ok = true;
	FILE *f;

	dl_iterate_phdr(relro_cb, range);
	range[0] &= ~4095UL;
	range[1] &= ~4095UL;
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
		    start < range[1] && end > range[0]) {
			seen = true;
			ok &= !strcmp(perms, "r--p");
		}
	if (f)
		fclose(f);
	return range[1] > range[0] && seen && ok;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char path_a[4096], path_b[4096];
	unsigned long a, f;
	pthread_t t;
	int n;

	snprintf(path_a, sizeof(path_a), "%s/got_plugin_a.so", dir);
	snprintf(path_b, sizeof(path_b), "%s/got_plugin_b.so", dir);
	void *ha = dlopen(path_a, RTLD_NOW);
	alloc_fn plug_a = plugin_fn(ha);
	check(plug_a, "plugin a loaded before patching");
	if (!plug_a)
		return 1;

	a = spy_allocs();
	sink = malloc(100);
	free(sink);
	check(spy_allocs() == a && spy_frees() == 0, "nothing hooked before patching");

	pthread_create(&t, NULL, churn, NULL);
	n = spy_install();
	check(n >= 4, "hm_got_patch_all rewrote the program's, libstdc++'s and libc's slots");
	printf("# %d slots rewritten\n", n);

	a = spy_allocs();
	f = spy_frees();
	void *p = malloc(1000);
	memset(p, 0x5a, 1000);
	p = realloc(p, 5000);
	void *q = calloc(10, 10);
	check(((unsigned char *)p)[999] == 0x5a && !((char *)q)[99], "hooked calls return working memory");
	free(p);
	free(q);
	check(spy_allocs() - a >= 3 && spy_frees() - f >= 2,
	      "the program's malloc, realloc, calloc and free go through the hooks (full RELRO GOT)");

	a = spy_allocs();
	char *s = new char[300];
	sink = s;
	delete[] s;
	check(spy_allocs() - a >= 1, "libstdc++'s operator new reaches the malloc hook");

	a = spy_allocs();
	sink = plug_a(64);
	free(sink);
	check(spy_allocs() - a >= 1, "a library dlopen'ed before patching is hooked");

	void *hb = dlopen(path_b, RTLD_NOW);
	alloc_fn plug_b = plugin_fn(hb);
	check(plug_b, "plugin b loaded after patching");
	if (!plug_b)
		return 1;
	a = spy_allocs();
	sink = plug_b(64);
	free(sink);
	bool unhooked = spy_allocs() == a;
	n = spy_install_object(base_of(hb));
	a = spy_allocs();
	sink = plug_b(64);
	free(sink);
	check(unhooked && n >= 1 && spy_allocs() - a >= 1,
	      "a library dlopen'ed later is hooked by hm_got_patch_object");

	a = spy_allocs();
	sink = spy_own_malloc(10);
	free(sink);
	check(spy_allocs() == a, "the spy's own object (skip_base) is left alone");

	a = spy_allocs_all();
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	stop = 1;
	pthread_join(t, NULL);
	check(spy_allocs_all() - a > 100, "another thread's allocations reach the hooks");

	check(relro_read_only(), "the program's RELRO pages are read-only again");
	check(spy_install_object((void *)1) == -2, "hm_got_patch_object of an unknown base: -ENOENT");
	return failed;
}
