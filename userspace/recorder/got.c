// SPDX-License-Identifier: GPL-2.0
/*
 * Rewriting the GOT slots of loaded objects (see got.h). Runs in the
 * recorder's constructor while malloc is being hooked, and in other threads'
 * malloc-free paths: it allocates nothing, takes no lock of its own, and
 * keeps everything in small fixed-size stack variables.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "got.h"

struct got_patch {
	const struct hm_got_hook *hooks;
	size_t n;
	void *skip_base;	/* hm_got_patch_all: the recorder's object */
	void *only_base;	/* hm_got_patch_object: the one object */
	int only;		/* only_base is set (0 is a valid base: non-PIE programs) */
	int found;		/* hm_got_patch_object: the object was seen */
	int slots;		/* slots rewritten */
	int err;		/* -errno of the first failure */
};

/* What an object's PT_DYNAMIC says, and its RELRO range. */
struct got_object {
	uintptr_t base;
	const Elf64_Sym *symtab;
	const char *strtab;
	size_t strsz;
	const Elf64_Rela *jmprel, *rela;
	size_t jmprelsz, relasz, relaent;
	uintptr_t relro_start, relro_end;	/* pages mapped read-only after relocation */
};

/*
 * The loader rewrites most d_ptr values of an object it relocated to
 * absolute addresses, but not those of objects whose dynamic section is
 * read-only (the vDSO) nor of a non-PIE program (base 0, where both agree).
 * An absolute address is never below the object's base; an offset is.
 */
static uintptr_t dyn_addr(uintptr_t base, Elf64_Addr ptr)
{
	return ptr < base ? base + ptr : ptr;
}

static int read_dynamic(const struct dl_phdr_info *info, struct got_object *o)
{
	const Elf64_Dyn *dyn = NULL;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	int i;

	memset(o, 0, sizeof(*o));
	o->base = info->dlpi_addr;
	o->relaent = sizeof(Elf64_Rela);
	for (i = 0; i < info->dlpi_phnum; i++) {
		const Elf64_Phdr *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(o->base + ph->p_vaddr);
		/* The loader protects whole pages: the start and the end rounded down. */
		if (ph->p_type == PT_GNU_RELRO) {
			o->relro_start = (o->base + ph->p_vaddr) & ~(page - 1);
			o->relro_end = (o->base + ph->p_vaddr + ph->p_memsz) & ~(page - 1);
		}
	}
	if (!dyn)
		return -1;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB:
			o->symtab = (const Elf64_Sym *)dyn_addr(o->base, dyn->d_un.d_ptr);
			break;
		case DT_STRTAB:
			o->strtab = (const char *)dyn_addr(o->base, dyn->d_un.d_ptr);
			break;
		case DT_STRSZ:
			o->strsz = dyn->d_un.d_val;
			break;
		case DT_JMPREL:
			o->jmprel = (const Elf64_Rela *)dyn_addr(o->base, dyn->d_un.d_ptr);
			break;
		case DT_PLTRELSZ:
			o->jmprelsz = dyn->d_un.d_val;
			break;
		case DT_RELA:
			o->rela = (const Elf64_Rela *)dyn_addr(o->base, dyn->d_un.d_ptr);
			break;
		case DT_RELASZ:
			o->relasz = dyn->d_un.d_val;
			break;
		case DT_RELAENT:
			o->relaent = dyn->d_un.d_val;
			break;
		}
	}
	if (!o->symtab || !o->strtab || o->relaent < sizeof(Elf64_Rela))
		return -1;
	return 0;
}

static const struct hm_got_hook *find_hook(const struct got_patch *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->hooks[i].name, name))
			return &p->hooks[i];
	return NULL;
}

/*
 * One slot. Other threads call through it meanwhile: an aligned 8-byte store
 * is atomic, so they see the old function or the hook, never a torn value.
 */
static int write_slot(const struct got_object *o, void **slot, void *hook)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)slot & ~(page - 1);
	int relro = start >= o->relro_start && start < o->relro_end;

	if (*slot == hook)
		return 0;
	if (relro && mprotect((void *)start, page, PROT_READ | PROT_WRITE))
		return -errno;
	__atomic_store_n(slot, hook, __ATOMIC_RELEASE);
	if (relro && mprotect((void *)start, page, PROT_READ))
		return -errno;
	return 1;
}

static void patch_relocs(struct got_patch *p, const struct got_object *o,
			 const Elf64_Rela *rel, size_t size)
{
	const struct hm_got_hook *h;
	const char *name;
	size_t off;
	Elf64_Word st_name;
	int ret;

	if (!rel)
		return;
	for (off = 0; off + sizeof(Elf64_Rela) <= size && !p->err; off += o->relaent) {
		const Elf64_Rela *r = (const Elf64_Rela *)((const char *)rel + off);
		unsigned long type = ELF64_R_TYPE(r->r_info);

		if ((type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) ||
		    !ELF64_R_SYM(r->r_info))
			continue;
		st_name = o->symtab[ELF64_R_SYM(r->r_info)].st_name;
		if (o->strsz && st_name >= o->strsz)
			continue;
		name = o->strtab + st_name;
		h = find_hook(p, name);
		if (!h)
			continue;
		ret = write_slot(o, (void **)(o->base + r->r_offset), h->hook);
		if (ret < 0)
			p->err = ret;
		else
			p->slots += ret;
	}
}

/* Whether addr lies in one of the object's loaded segments. */
static int contains(const struct dl_phdr_info *info, uintptr_t addr)
{
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const Elf64_Phdr *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && addr >= start && addr < start + ph->p_memsz)
			return 1;
	}
	return 0;
}

static int patch_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct got_patch *p = arg;
	struct got_object o;

	(void)size;
	if (p->only) {
		if ((void *)info->dlpi_addr != p->only_base)
			return 0;
		p->found = 1;
	} else {
		/* The recorder's object, by its load base or any address in it. */
		if (p->skip_base && ((void *)info->dlpi_addr == p->skip_base ||
				     contains(info, (uintptr_t)p->skip_base)))
			return 0;
		/* The loader calls its own minimal malloc, never through a GOT we own. */
		if (info->dlpi_addr == getauxval(AT_BASE))
			return 0;
	}
	if (read_dynamic(info, &o))
		return p->only;
	patch_relocs(p, &o, o.jmprel, o.jmprelsz);
	patch_relocs(p, &o, o.rela, o.relasz);
	/* Stop at the first failure, or after the one object asked for. */
	return p->err || p->only;
}

int hm_got_patch_all(const struct hm_got_hook *hooks, size_t n, void *skip_base)
{
	struct got_patch p = { .hooks = hooks, .n = n, .skip_base = skip_base };

	dl_iterate_phdr(patch_one, &p);
	return p.err ? p.err : p.slots;
}

int hm_got_patch_object(const struct hm_got_hook *hooks, size_t n, void *base)
{
	struct got_patch p = { .hooks = hooks, .n = n, .only_base = base, .only = 1 };

	dl_iterate_phdr(patch_one, &p);
	if (p.err)
		return p.err;
	return p.found ? p.slots : -ENOENT;
}
