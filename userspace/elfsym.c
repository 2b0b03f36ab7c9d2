// SPDX-License-Identifier: GPL-2.0
/* Reading symbols from ELF files (see elfsym.h). */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"

/* Sections bigger than this are not a .dynsym heapmonctl has any business reading. */
#define MAX_SECTION (64u << 20)

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

/* A section's content, malloc'd. */
static void *read_section(int fd, const Elf64_Shdr *sh, int *err)
{
	void *p;

	if (sh->sh_size > MAX_SECTION || sh->sh_type == SHT_NOBITS) {
		*err = -ENOEXEC;
		return NULL;
	}
	p = malloc(sh->sh_size + 1);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = read_at(fd, p, sh->sh_size, sh->sh_offset);
	if (*err) {
		free(p);
		return NULL;
	}
	((char *)p)[sh->sh_size] = '\0';	/* a string table's last name ends */
	return p;
}

int hm_elf_info(int fd, struct hm_elf_info *info)
{
	unsigned char ident[EI_NIDENT];
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = read_at(fd, ident, sizeof(ident), 0);
	if (ret)
		return ret;
	if (memcmp(ident, ELFMAG, SELFMAG))
		return -ENOEXEC;
	info->class = ident[EI_CLASS];
	if (info->class == ELFCLASS32) {
		Elf32_Ehdr eh32;

		ret = read_at(fd, &eh32, sizeof(eh32), 0);
		info->machine = eh32.e_machine;
		return ret;
	}
	if (info->class != ELFCLASS64)
		return -ENOEXEC;
	ret = read_at(fd, &eh, sizeof(eh), 0);
	if (ret)
		return ret;
	info->machine = eh.e_machine;
	if (eh.e_phentsize != sizeof(ph))
		return -ENOEXEC;
	info->first_load = UINT64_MAX;
	for (i = 0; i < eh.e_phnum; i++) {
		ret = read_at(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph));
		if (ret)
			return ret;
		if (ph.p_type == PT_INTERP)
			info->interp = true;
		if (ph.p_type == PT_LOAD && info->first_load == UINT64_MAX)
			info->first_load = ph.p_vaddr & ~(uint64_t)4095;
	}
	if (info->first_load == UINT64_MAX)
		info->first_load = 0;
	return 0;
}

static int find_symbol(const Elf64_Sym *syms, size_t n, const char *strs, size_t strsz,
		       const Elf64_Half *versym, const char *name, uint64_t *value)
{
	bool found = false;
	size_t i;

	for (i = 1; i < n; i++) {
		const Elf64_Sym *s = &syms[i];
		unsigned int type = ELF64_ST_TYPE(s->st_info);

		if (s->st_shndx == SHN_UNDEF || s->st_name >= strsz ||
		    (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT) ||
		    strcmp(strs + s->st_name, name))
			continue;
		/* A hidden version is a compatibility one: keep looking for the default. */
		*value = s->st_value;
		found = true;
		if (!versym || !(versym[i] & 0x8000))
			return 0;
	}
	return found ? 0 : -ENOENT;
}

int hm_elf_dynsym(int fd, const char *name, uint64_t *value)
{
	Elf64_Shdr *sh = NULL, *dynsym = NULL, *strtab = NULL, *vers = NULL;
	void *syms = NULL, *strs = NULL, *versym = NULL;
	Elf64_Ehdr eh;
	size_t shsize, nsyms;
	unsigned int i;
	int ret;

	ret = read_at(fd, &eh, sizeof(eh), 0);
	if (ret)
		return ret;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum)
		return -ENOEXEC;
	shsize = (size_t)eh.e_shnum * sizeof(Elf64_Shdr);
	sh = malloc(shsize);
	if (!sh)
		return -ENOMEM;
	ret = read_at(fd, sh, shsize, eh.e_shoff);
	if (ret)
		goto out;
	for (i = 0; i < eh.e_shnum; i++) {
		if (sh[i].sh_type == SHT_DYNSYM)
			dynsym = &sh[i];
		if (sh[i].sh_type == SHT_GNU_versym)
			vers = &sh[i];
	}
	ret = -ENOEXEC;
	if (!dynsym || dynsym->sh_link >= eh.e_shnum || dynsym->sh_entsize != sizeof(Elf64_Sym))
		goto out;
	strtab = &sh[dynsym->sh_link];
	syms = read_section(fd, dynsym, &ret);
	if (!syms)
		goto out;
	strs = read_section(fd, strtab, &ret);
	if (!strs)
		goto out;
	nsyms = dynsym->sh_size / sizeof(Elf64_Sym);
	/* Version indexes, one per symbol, when they are there and match. */
	if (vers && vers->sh_size == nsyms * sizeof(Elf64_Half))
		versym = read_section(fd, vers, &ret);
	ret = find_symbol(syms, nsyms, strs, strtab->sh_size, versym, name, value);
out:
	free(versym);
	free(strs);
	free(syms);
	free(sh);
	return ret;
}
