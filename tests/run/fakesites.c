// SPDX-License-Identifier: GPL-2.0
/*
 * A process that publishes a site file about itself, as the recorder
 * would, with stacks of its own return addresses, so that heapmonctl sites
 * can be checked against known functions and lines without the recorder.
 *
 * fakesites DIR [--exited]: writes DIR/PID.sites and DIR/PID.expect (the
 * lines the stacks must symbolize to), prints its PID, then sleeps until
 * killed. --exited marks the file HM_SITES_F_EXITED.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../include/heapmon/sites.h"

struct image {
	struct hm_sites_header h;
	char pad[HM_SITES_HEADER_SIZE - sizeof(struct hm_sites_header)];
	struct hm_sites_record recs[16];
	struct hm_sites_stack stacks[4];
};

static struct image im;
static int line_a, line_b, line_main_a, line_main_b;

/* Each site's stack: where it was called from, and where main called it. */
static __attribute__((noinline)) void capture(struct hm_sites_stack *st, uint64_t outer)
{
	st->frames[0] = (uintptr_t)__builtin_return_address(0);
	st->frames[1] = outer;
	st->depth = 2;
}

static __attribute__((noinline)) void alloc_site_a(struct hm_sites_stack *st)
{
	line_a = __LINE__ + 1;
	capture(st, (uintptr_t)__builtin_return_address(0));
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void alloc_site_b(struct hm_sites_stack *st)
{
	line_b = __LINE__ + 1;
	capture(st, (uintptr_t)__builtin_return_address(0));
	__asm__ volatile("" ::: "memory");
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void add_record(uint32_t stack, uint64_t size, uint64_t weight)
{
	struct hm_sites_record *r = &im.recs[im.h.records_used++];

	r->seq = 2;
	r->stack = stack;
	r->addr = 0x100000 * im.h.records_used;
	r->size = size;
	r->weight_bytes = weight;
	r->time_ns = boottime_ns();
	r->tid = getpid();
	im.h.samples++;
}

int main(int argc, char **argv)
{
	char path[4096];
	FILE *f;
	int fd;

	if (argc < 2)
		return 2;
	im.h.magic = HM_SITES_MAGIC;
	im.h.version = HM_SITES_VERSION;
	im.h.header_size = HM_SITES_HEADER_SIZE;
	im.h.pid = getpid();
	im.h.max_depth = HM_SITES_MAX_DEPTH;
	im.h.start_ns = boottime_ns();
	im.h.sample_mean = 512 << 10;
	im.h.records_off = offsetof(struct image, recs);
	im.h.stacks_off = offsetof(struct image, stacks);
	im.h.records_cap = 16;
	im.h.stacks_cap = 4;
	im.h.record_size = sizeof(struct hm_sites_record);
	im.h.stack_size = sizeof(struct hm_sites_stack);
	im.h.drops_records = 2;
	if (argc > 2 && !strcmp(argv[2], "--exited")) {
		im.h.flags |= HM_SITES_F_EXITED;
		im.h.exit_ns = im.h.start_ns;
	}

	line_main_a = __LINE__ + 1;
	alloc_site_a(&im.stacks[0]);
	line_main_b = __LINE__ + 1;
	alloc_site_b(&im.stacks[1]);
	im.h.stacks_used = 2;
	/* Stack 1: 3 samples of 100 bytes, weight 1000 each; stack 2: one of 50, weight 5000. */
	add_record(1, 100, 1000);
	add_record(2, 50, 5000);
	add_record(1, 100, 1000);
	add_record(1, 100, 1000);

	snprintf(path, sizeof(path), "%s/%d.expect", argv[1], (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "line_a=%d\nline_b=%d\nline_main_a=%d\nline_main_b=%d\nframe_b=0x%llx\n",
		line_a, line_b, line_main_a, line_main_b,
		(unsigned long long)im.stacks[1].frames[0]);
	fclose(f);
	/* The site file last, complete: its appearance says everything is ready. */
	snprintf(path, sizeof(path), "%s/%d.tmp", argv[1], (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, &im, sizeof(im)) != sizeof(im))
		return 1;
	close(fd);
	{
		char final[4096];

		snprintf(final, sizeof(final), "%s/%d.sites", argv[1], (int)getpid());
		if (rename(path, final))
			return 1;
	}
	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
