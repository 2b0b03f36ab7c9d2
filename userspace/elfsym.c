// SPDX-License-Identifier: GPL-2.0
/*
 * Reading symbols from ELF files (see elfsym.h), with libelf. libelf's own
 * errors (a truncated or malformed file) all become -ENOEXEC: the callers
 * only need to say the file could not be read as ELF.
 */
#include <errno.h>
#include <gelf.h>
#include <string.h>

#include "elfsym.h"

/* The versym bit of a non-default version (binutils' name; glibc's elf.h lacks it). */
#define VERSYM_HIDDEN 0x8000

/* The ELF file open at fd, mapped rather than copied; NULL when it is not one. */
static Elf *elf_open(int fd)
{
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) != ELF_K_ELF) {
		elf_end(elf);
		elf = NULL;
	}
	return elf;
}

int hm_elf_info(int fd, struct hm_elf_info *info)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t i, n;
	Elf *elf;
	int ret = -ENOEXEC;

	memset(info, 0, sizeof(*info));
	elf = elf_open(fd);
	if (!elf)
		return -ENOEXEC;
	if (!gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &n))
		goto out;
	info->class = gelf_getclass(elf);
	info->machine = eh.e_machine;
	info->first_load = UINT64_MAX;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph))
			goto out;
		if (ph.p_type == PT_INTERP)
			info->interp = true;
		if (ph.p_type == PT_LOAD && info->first_load == UINT64_MAX)
			info->first_load = ph.p_vaddr & ~(uint64_t)4095;
	}
	if (info->first_load == UINT64_MAX)
		info->first_load = 0;
	ret = 0;
out:
	elf_end(elf);
	return ret;
}

/* The section of type type, and its (only) data; NULL when there is none. */
static Elf_Data *section_data(Elf *elf, GElf_Word type, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == type)
			return elf_getdata(scn, NULL);
	return NULL;
}

int hm_elf_dynsym(int fd, const char *name, uint64_t *value)
{
	Elf_Data *syms, *versyms;
	GElf_Shdr sh, vsh;
	GElf_Versym ver;
	GElf_Sym sym;
	bool found = false;
	const char *s;
	Elf *elf;
	int i;

	elf = elf_open(fd);
	if (!elf)
		return -ENOEXEC;
	syms = gelf_getclass(elf) == ELFCLASS64 ? section_data(elf, SHT_DYNSYM, &sh) : NULL;
	if (!syms) {
		elf_end(elf);
		return -ENOEXEC;
	}
	/* Version indexes, one per symbol, when the library has them. */
	versyms = section_data(elf, SHT_GNU_versym, &vsh);
	for (i = 1; gelf_getsym(syms, i, &sym); i++) {
		unsigned int type = GELF_ST_TYPE(sym.st_info);

		if (sym.st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT))
			continue;
		s = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!s || strcmp(s, name))
			continue;
		*value = sym.st_value;
		found = true;
		/*
		 * A hidden version (name@VERSION, not name@@VERSION) is one
		 * kept for programs linked against an older library: keep
		 * looking for the default one.
		 */
		if (!versyms || !gelf_getversym(versyms, i, &ver) || !(ver & VERSYM_HIDDEN))
			break;
	}
	elf_end(elf);
	return found ? 0 : -ENOENT;
}
