// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolization with libdwfl, the way eu-addr2line --pid does it: report
 * the process's mappings from /proc/PID/maps, and let libdwfl find each
 * module's ELF file and its debug information (the file's own, a
 * .gnu_debuglink, /usr/lib/debug/.build-id; debuginfod when
 * DEBUGINFOD_URLS is set, as for gdb).
 *
 * The strings handed out belong to libdwfl (module names, symbol names,
 * source file names all live until dwfl_end), so the cache only keeps
 * pointers. Stacks share most of their frames, hence the cache.
 */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize.h"

struct cache_slot {
	uint64_t addr;			/* 0: empty (0 is never a return address) */
	struct hm_frame f;
};

struct hm_symbolizer {
	Dwfl *dwfl;
	struct cache_slot *slots;
	size_t n_slots;			/* a power of two */
	size_t n_used;
};

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

struct hm_symbolizer *hm_symbolizer_open(pid_t pid, char *err, size_t errlen)
{
	struct hm_symbolizer *sym;
	int ret;

	sym = calloc(1, sizeof(*sym));
	if (!sym) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sym->dwfl = dwfl_begin(&proc_callbacks);
	if (!sym->dwfl) {
		snprintf(err, errlen, "libdwfl: %s", dwfl_errmsg(-1));
		goto err_free;
	}
	dwfl_report_begin(sym->dwfl);
	ret = dwfl_linux_proc_report(sym->dwfl, pid);
	if (ret) {
		/* errno value, or -1 for a libdwfl error. */
		if (ret > 0)
			snprintf(err, errlen, "cannot read the mappings of PID %d: %s",
				 (int)pid, strerror(ret));
		else
			snprintf(err, errlen, "cannot read the mappings of PID %d: %s",
				 (int)pid, dwfl_errmsg(-1));
		goto err_end;
	}
	if (dwfl_report_end(sym->dwfl, NULL, NULL)) {
		snprintf(err, errlen, "libdwfl: %s", dwfl_errmsg(-1));
		goto err_end;
	}
	return sym;

err_end:
	dwfl_end(sym->dwfl);
err_free:
	free(sym);
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash;

	if (!path)
		return NULL;
	slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void lookup(Dwfl *dwfl, uint64_t addr, struct hm_frame *f)
{
	/* A return address: the call is the instruction before it. */
	Dwarf_Addr pc = addr - 1, offset = 0;
	Dwfl_Module *mod;
	Dwfl_Line *line;
	const char *name;
	int lineno = 0;

	memset(f, 0, sizeof(*f));
	f->addr = addr;
	mod = dwfl_addrmodule(dwfl, pc);
	if (!mod)
		return;
	f->module = base_name(dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
	name = dwfl_module_addrinfo(mod, pc, &offset, &(GElf_Sym){ 0 }, NULL, NULL, NULL);
	if (name) {
		f->function = name;
		f->offset = offset + 1;
	}
	line = dwfl_module_getsrc(mod, pc);
	if (line) {
		f->file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		f->line = f->file ? lineno : 0;
	}
}

/* Open addressing, at most half full. */
static struct cache_slot *slot_of(struct cache_slot *slots, size_t n, uint64_t addr)
{
	size_t i = (addr * 0x9e3779b97f4a7c15ULL) >> 20 & (n - 1);

	while (slots[i].addr && slots[i].addr != addr)
		i = (i + 1) & (n - 1);
	return &slots[i];
}

static int cache_grow(struct hm_symbolizer *sym)
{
	size_t n = sym->n_slots ? sym->n_slots * 2 : 1024, i;
	struct cache_slot *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < sym->n_slots; i++)
		if (sym->slots[i].addr)
			*slot_of(slots, n, sym->slots[i].addr) = sym->slots[i];
	free(sym->slots);
	sym->slots = slots;
	sym->n_slots = n;
	return 0;
}

void hm_symbolize(struct hm_symbolizer *sym, uint64_t addr, struct hm_frame *f)
{
	struct cache_slot *slot;

	if (!addr) {
		memset(f, 0, sizeof(*f));
		return;
	}
	if (sym->n_used * 2 >= sym->n_slots && cache_grow(sym)) {
		lookup(sym->dwfl, addr, f);	/* no memory for the cache: still answer */
		return;
	}
	slot = slot_of(sym->slots, sym->n_slots, addr);
	if (!slot->addr) {
		lookup(sym->dwfl, addr, &slot->f);
		slot->addr = addr;
		sym->n_used++;
	}
	*f = slot->f;
}

void hm_symbolize_ip(struct hm_symbolizer *sym, uint64_t ip, struct hm_frame *f)
{
	/* Looked up as the return address after it: the instruction itself. */
	hm_symbolize(sym, ip + 1, f);
	f->addr = ip;
	if (f->function)
		f->offset--;
}

void hm_symbolizer_close(struct hm_symbolizer *sym)
{
	if (!sym)
		return;
	dwfl_end(sym->dwfl);
	free(sym->slots);
	free(sym);
}
