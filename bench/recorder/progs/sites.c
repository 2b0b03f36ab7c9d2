// SPDX-License-Identifier: GPL-2.0
/*
 * sites: allocation sites whose live bytes are known exactly, for judging
 * the recorder's estimate of them.
 *
 *   sites [SEED]
 *
 * Four sites, each a function of its own that calls malloc, fill up to a
 * target of live bytes with objects of sizes drawn log-uniformly from a
 * range, then churn: objects are freed at random and replaced by objects
 * of new sizes, twice the site's population over, all sites interleaved.
 *
 *   site_40m   40 MiB, 24 B .. 1 MiB (few big objects hold most bytes)
 *   site_25m   25 MiB, 4 KiB .. 64 KiB
 *   site_12m   12 MiB, 24 B .. 512 B (tens of thousands of small objects)
 *   site_3m     3 MiB, 256 KiB .. 1 MiB
 *
 * Then prints one line per site,
 *   site NAME START END TRUTH_BYTES OBJECTS REL_SD
 * START..END being the code of the site's function (frames[0] of its
 * records falls there) and REL_SD the standard deviation of the sampled
 * estimate over its truth, computed from the live objects' sizes and the
 * mean sampling interval ($HEAPMON_SAMPLE, else the recorder's default of
 * 512 KiB): for objects of size Z, sampled with p = 1 - exp(-Z / mean) and
 * weighed Z / p, the estimate's variance is the sum of Z^2 (1 - p) / p.
 * Then "ready PID"; it waits for SIGUSR1 (allocating nothing meanwhile, so
 * the site file holds still) and exits without freeing.
 *
 * The bookkeeping lives in mmap'd memory so that the heap holds only the
 * sites' objects.
 */
#include "../../progs/bench.h"
#include <dlfcn.h>
#include <link.h>
#include <math.h>

#define KiB 1024ul
#define MiB (1024ul * 1024ul)
#define SITE_FN(name)							\
	__attribute__((noinline, noipa)) void *name(size_t z)		\
	{								\
		void *p = malloc(z);					\
		/* Code after the call: no tail call, so the return	\
		 * address recorded for it lies in this function. */	\
		__asm__ volatile("" : : "r"(p) : "memory");		\
		return p;						\
	}

SITE_FN(site_40m)
SITE_FN(site_25m)
SITE_FN(site_12m)
SITE_FN(site_3m)

struct site {
	const char *name;
	void *(*alloc)(size_t);
	size_t target, min, max;
	char **obj;
	size_t *size;
	size_t n, cap, live;
};

static struct site sites[] = {
	{ .name = "site_40m", .alloc = site_40m, .target = 40 * MiB, .min = 24, .max = 1 * MiB },
	{ .name = "site_25m", .alloc = site_25m, .target = 25 * MiB, .min = 4 * KiB, .max = 64 * KiB },
	{ .name = "site_12m", .alloc = site_12m, .target = 12 * MiB, .min = 24, .max = 512 },
	{ .name = "site_3m", .alloc = site_3m, .target = 3 * MiB, .min = 256 * KiB, .max = 1 * MiB },
};
#define N_SITES (sizeof(sites) / sizeof(sites[0]))

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static void *map_array(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* Log-uniform in [min, max]. */
static size_t draw_size(const struct site *s)
{
	double u = (double)(rnd(&seed) >> 11) / (double)(1ull << 53);

	return (size_t)exp(log((double)s->min) + u * (log((double)s->max) - log((double)s->min)));
}

static void add_one(struct site *s)
{
	size_t z = draw_size(s);
	char *p;

	if (s->n == s->cap) {
		fprintf(stderr, "sites: %s: bookkeeping full\n", s->name);
		exit(1);
	}
	p = s->alloc(z);
	if (!p) {
		perror("malloc");
		exit(1);
	}
	/* Touch it like a real program would, every page of it. */
	for (size_t i = 0; i < z; i += PAGE)
		p[i] = 1;
	p[z - 1] = 1;
	s->obj[s->n] = p;
	s->size[s->n++] = z;
	s->live += z;
}

static void fill(struct site *s)
{
	while (s->live < s->target)
		add_one(s);
}

/* Frees a random object and allocates until the target is reached again. */
static void churn_one(struct site *s)
{
	size_t i = rnd(&seed) % s->n;

	free(s->obj[i]);
	s->live -= s->size[i];
	s->n--;
	s->obj[i] = s->obj[s->n];
	s->size[i] = s->size[s->n];
	fill(s);
}

static double rel_sd(const struct site *s, double mean)
{
	double var = 0;

	if (mean == 0)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		double z = (double)s->size[i], p = -expm1(-z / mean);

		var += z * z * (1 - p) / p;
	}
	return sqrt(var) / (double)s->live;
}

int main(int argc, char **argv)
{
	const char *env = getenv("HEAPMON_SAMPLE");
	double mean = env ? strtod(env, NULL) : 512.0 * KiB;
	size_t i, round, total_objs = 0;

	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0) | 1;
	for (i = 0; i < N_SITES; i++) {
		struct site *s = &sites[i];

		s->cap = s->target / s->min + 16;
		s->obj = map_array(s->cap * sizeof(*s->obj));
		s->size = map_array(s->cap * sizeof(*s->size));
	}
	for (i = 0; i < N_SITES; i++)
		fill(&sites[i]);
	for (i = 0; i < N_SITES; i++)
		total_objs += sites[i].n;
	/* 200 rounds, each replacing 1% of every site's population. */
	for (round = 0; round < 200; round++)
		for (i = 0; i < N_SITES; i++)
			for (size_t k = 0; k < sites[i].n / 100 + 1; k++)
				churn_one(&sites[i]);
	for (i = 0; i < N_SITES; i++) {
		struct site *s = &sites[i];
		const ElfW(Sym) *sym = NULL;
		Dl_info info;

		if (!dladdr1((void *)s->alloc, &info, (void **)&sym, RTLD_DL_SYMENT) ||
		    !sym || !info.dli_saddr) {
			fprintf(stderr, "sites: no symbol for %s (link with -rdynamic)\n", s->name);
			return 1;
		}
		printf("site %s %#lx %#lx %zu %zu %.6f\n", s->name, (unsigned long)info.dli_saddr,
		       (unsigned long)info.dli_saddr + sym->st_size, s->live, s->n, rel_sd(s, mean));
	}
	printf("objects %zu\n", total_objs);
	wait_for_start();
	return 0;
}
