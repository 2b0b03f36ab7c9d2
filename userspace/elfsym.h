/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What heapmonctl attach reads from ELF files of another process: whether
 * its program is a dynamically linked x86-64 one, and where a library's
 * exported function is (read from the file, as the process may be stopped,
 * and its memory is not to be trusted nor walked).
 */
#ifndef HEAPMONCTL_ELFSYM_H
#define HEAPMONCTL_ELFSYM_H

#include <stdbool.h>
#include <stdint.h>

struct hm_elf_info {
	unsigned int class;		/* ELFCLASS32 or ELFCLASS64 */
	unsigned int machine;		/* EM_X86_64, ... */
	bool interp;			/* has PT_INTERP: dynamically linked */
	uint64_t first_load;		/* p_vaddr of the first PT_LOAD, page aligned */
};

/* The ELF header and program headers of the file open at fd; 0, -ENOEXEC or -errno. */
int hm_elf_info(int fd, struct hm_elf_info *info);

/*
 * The value (address relative to the file's link base) of the defined
 * function or object name in .dynsym of the 64-bit ELF file open at fd,
 * preferring the default version when there are several. 0, -ENOENT when
 * there is no such symbol, -ENOEXEC, or -errno.
 */
int hm_elf_dynsym(int fd, const char *name, uint64_t *value);

#endif
