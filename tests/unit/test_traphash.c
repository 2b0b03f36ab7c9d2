// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of trap mode's table of armed pages (kmod/traphash.h, built
 * here as it is in the kernel): random inserts, finds and deletes against
 * a plain set, the table kept at most half full as trap.c keeps it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t u32;
typedef uint64_t u64;

#include "../../kmod/traphash.h"
#include "unit.h"

#define UNIVERSE 3000		/* page addresses drawn from */
#define SLOTS 1024
#define CAP (SLOTS / 2)

static unsigned long page_addr(unsigned int n)
{
	/* Clustered, as a heap's pages are, with a far-off stretch. */
	return 0x7f0000000000UL + (unsigned long)(n < 2000 ? n : n * 977UL) * 4096;
}

/* Ops that disagreed with the set, over `ops` random operations. */
static unsigned int run(unsigned int seed, unsigned int ops, unsigned int *full_checks)
{
	static struct hm_trap_slot slot[SLOTS];
	static bool in[UNIVERSE];
	unsigned int n = 0, bad = 0, op, k, used, u;
	unsigned long addr;
	int i;

	memset(slot, 0, sizeof(slot));
	memset(in, 0, sizeof(in));
	srand(seed);
	for (op = 0; op < ops; op++) {
		k = rand() % UNIVERSE;
		addr = page_addr(k);
		i = hm_trap_slot_find(slot, SLOTS - 1, addr);
		if ((i >= 0) != in[k] || (i >= 0 && slot[i].addr != addr))
			bad++;
		if (i >= 0 && rand() % 2) {
			hm_trap_slot_delete(slot, SLOTS - 1, i);
			in[k] = false;
			n--;
		} else if (i < 0 && n < CAP) {
			if (!hm_trap_slot_insert(slot, SLOTS - 1, addr))
				bad++;
			in[k] = true;
			n++;
		} else if (i >= 0 && hm_trap_slot_insert(slot, SLOTS - 1, addr)) {
			bad++;	/* inserted twice */
		}
		if (op % 997)
			continue;
		/* Every so often, the whole table against the set. */
		(*full_checks)++;
		for (u = 0; u < UNIVERSE; u++)
			if ((hm_trap_slot_find(slot, SLOTS - 1, page_addr(u)) >= 0) != in[u])
				bad++;
		for (used = 0, u = 0; u < SLOTS; u++)
			used += !!slot[u].addr;
		if (used != n)
			bad++;
	}
	return bad;
}

int main(void)
{
	unsigned int bad = 0, checks = 0, seed;

	for (seed = 1; seed <= 20; seed++)
		bad += run(seed, 50000, &checks);
	UNIT_EQ_INT("trap table: 1,000,000 random finds, inserts and deletes at up to half full, "
		    "and the whole table every 997, agree with a plain set", bad, 0);
	UNIT_EQ_INT("trap table: whole-table checks ran", checks > 1000, 1);
	return unit_failed ? 1 : 0;
}
