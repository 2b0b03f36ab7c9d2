// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the symbolizer on this very process: return addresses
 * whose function, file and line are known because we made them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbolize.h"
#include "unit.h"

static uint64_t ret_addr;

static __attribute__((noinline)) void callee(void)
{
	ret_addr = (uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

static int call_line;

static __attribute__((noinline)) void known_caller(void)
{
	call_line = __LINE__ + 1;
	callee();
	__asm__ volatile("" ::: "memory");	/* keep the call a call, not a tail jump */
}

static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

static const char *tail(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : or_null(path);
}

int main(void)
{
	struct hm_symbolizer *sym;
	struct hm_frame f, g;
	char err[256] = "";

	known_caller();
	sym = hm_symbolizer_open(getpid(), err, sizeof(err));
	UNIT_EQ_INT("open: own process", sym != NULL, 1);
	if (!sym) {
		printf("# %s\n", err);
		return 1;
	}

	hm_symbolize(sym, ret_addr, &f);
	UNIT_EQ_INT("own frame: addr kept", f.addr, ret_addr);
	UNIT_EQ_STR("own frame: module", or_null(f.module), "test_symbolize.bin");
	UNIT_EQ_STR("own frame: function is the caller", or_null(f.function), "known_caller");
	UNIT_EQ_STR("own frame: file", tail(f.file), "test_symbolize.c");
	UNIT_EQ_INT("own frame: line of the call", f.line, call_line);
	UNIT_EQ_INT("own frame: offset inside the function",
		    f.offset > 0 && f.offset == ret_addr - (uintptr_t)known_caller, 1);

	hm_symbolize(sym, ret_addr, &g);
	UNIT_EQ_INT("cache: same answer", g.function == f.function && g.file == f.file &&
		    g.line == f.line, 1);

	/* A libc function: the frame just past its entry is inside it. */
	hm_symbolize(sym, (uintptr_t)&qsort + 1, &f);
	UNIT_EQ_STR("libc frame: module", or_null(f.module), "libc.so.6");
	UNIT_EQ_STR("libc frame: function", or_null(f.function), "qsort");
	UNIT_EQ_INT("libc frame: offset 1", f.offset, 1);

	hm_symbolize(sym, 0x1000, &f);
	UNIT_EQ_INT("unmapped: no module", f.module == NULL && f.function == NULL &&
		    f.file == NULL && f.line == 0, 1);

	/* Many addresses: the cache grows and keeps its answers. */
	for (uint64_t a = 1; a < 5000; a++)
		hm_symbolize(sym, (uintptr_t)known_caller + (a % 16) + (a << 32), &g);
	hm_symbolize(sym, ret_addr, &g);
	UNIT_EQ_STR("cache: after growing", or_null(g.function), "known_caller");
	hm_symbolizer_close(sym);

	sym = hm_symbolizer_open(0x7ffffff0, err, sizeof(err));
	UNIT_EQ_INT("open: no such process fails", sym == NULL, 1);
	UNIT_EQ_INT("open: says why", strstr(err, "2147483632") != NULL, 1);
	printf("# %s\n", err);
	hm_symbolizer_close(sym);
	return unit_failed ? 1 : 0;
}
