/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbolization of a process's code addresses with elfutils' libdwfl:
 * module, function, and file:line where debug information exists (the
 * binary's own, .gnu_debuglink, /usr/lib/debug/.build-id).
 */
#ifndef HEAPMONCTL_SYMBOLIZE_H
#define HEAPMONCTL_SYMBOLIZE_H

#include <stdint.h>
#include <sys/types.h>

struct hm_frame {
	uint64_t addr;			/* the return address as recorded */
	const char *module;		/* basename of the ELF file; NULL when unknown */
	const char *function;		/* NULL when unknown */
	uint64_t offset;		/* addr's offset in function */
	const char *file;		/* source file; NULL when unknown */
	int line;			/* 0 when unknown */
};

struct hm_symbolizer;

/*
 * A symbolizer for the live process pid (its /proc/PID/maps). Returns
 * NULL with a sentence in err when the process cannot be read.
 */
struct hm_symbolizer *hm_symbolizer_open(pid_t pid, char *err, size_t errlen);
/*
 * Fills f for the return address addr (looked up as addr - 1, the call
 * instruction). The strings stay valid until hm_symbolizer_close. Fields
 * that cannot be found are NULL or 0; never fails.
 */
void hm_symbolize(struct hm_symbolizer *sym, uint64_t addr, struct hm_frame *f);
/* The same for the instruction at ip itself (a faulting one, not a return address). */
void hm_symbolize_ip(struct hm_symbolizer *sym, uint64_t ip, struct hm_frame *f);
void hm_symbolizer_close(struct hm_symbolizer *sym);

#endif
