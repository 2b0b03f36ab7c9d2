// SPDX-License-Identifier: GPL-2.0
/*
 * Attach mode. The constructor found that the global malloc is not ours
 * (core.c), so the real functions are the global definitions and the hooks
 * go into the GOT slots of every loaded object; a hook on dlopen covers the
 * objects loaded later. Pointers allocated before the attach are the real
 * allocator's: the hooks pass them through. The library is linked with
 * -z nodelete: it is never unloaded, so patched slots never dangle.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "core.h"
#include "inject.h"

/* asm/prctl.h of Linux 6.6, which Debian 12's headers predate. */
#define HM_ARCH_SHSTK_STATUS 0x5005
#define HM_ARCH_SHSTK_SHSTK (1UL << 0)

/* got.c may be missing from a build: then attach reports it and records nothing. */
int hm_got_patch_all(const struct hm_got_hook *, size_t, void *) __attribute__((weak));

static struct hm_got_hook hooks[HM_MAX_HOOKS];
static size_t n_hooks;
__attribute__((used)) static void *(*real_dlopen)(const char *, int);
/*
 * Serialises the patching after dlopen: two threads making one RELRO page
 * writable and read-only again would fault each other's write.
 */
static pthread_mutex_t patch_lock = PTHREAD_MUTEX_INITIALIZER;

static void patch_lock_take(void)
{
	pthread_mutex_lock(&patch_lock);
}

static void patch_lock_drop(void)
{
	pthread_mutex_unlock(&patch_lock);
}

static void patch_lock_reset(void)
{
	pthread_mutex_init(&patch_lock, NULL);
}

static void say(const char *msg)
{
	(void)!write(STDERR_FILENO, msg, strlen(msg));
}

/*
 * Every object, not only the one named: dlopen also loads the dependencies
 * it brings, and one of those freeing an arena pointer through the real
 * free would corrupt the heap. Slots already hooked are left alone.
 */
__attribute__((used)) static void *dlopen_after(void *h)
{
	if (h) {
		patch_lock_take();
		hm_got_patch_all(hooks, n_hooks, hm_self_base);
		patch_lock_drop();
	}
	return h;
}

/*
 * dlopen resolves "$ORIGIN", and searches the RUNPATH/RPATH, of the object
 * that calls it, which glibc finds by dlopen's return address: a hook that
 * calls the real dlopen would make that the recorder, and the caller's
 * plugins would not be found. So the hook (hm_dlopen_tramp below) enters
 * the real dlopen with a return address inside the caller's own code: a
 * "ret" instruction there, found by ret_in(), which returns to the hook
 * (the next word on the stack). The caller's stack and registers are as
 * they were; nothing of its code runs but that one instruction. This
 * needs no shadow stack (CET): with one on, shadow_stack_on() says so and
 * the hook calls dlopen itself, as it does without a "ret" in the caller.
 */
struct ret_find {
	uintptr_t ra, found;
};

static int ret_find_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct ret_find *f = arg;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *lo = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		const unsigned char *hi = lo + ph->p_filesz, *any = NULL;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X) ||
		    f->ra < (uintptr_t)lo || f->ra >= (uintptr_t)hi)
			continue;
		/*
		 * Prefer an epilogue's ret (after pop or leave), where the
		 * unwind tables say the return address is on top: an unwinder
		 * passing by meanwhile (a constructor's sampled malloc) then
		 * reads the hook's address there, and stops.
		 */
		for (const unsigned char *c = lo + 1; c < hi; c++) {
			if (*c != 0xc3)
				continue;
			if ((c[-1] >= 0x5b && c[-1] <= 0x5f) || c[-1] == 0xc9) {
				f->found = (uintptr_t)c;
				return 1;
			}
			if (!any)
				any = c;
		}
		f->found = (uintptr_t)any;
		return 1;
	}
	return 0;
}

/*
 * A shadow stack (x86 CET, which Linux 6.6+ and glibc 2.39+ can turn on)
 * would kill the process at the borrowed "ret": then the hook calls dlopen
 * itself, and $ORIGIN resolves against the recorder (the old behaviour).
 */
static int shadow_stack_on(void)
{
	unsigned long features = 0;

	return syscall(SYS_arch_prctl, HM_ARCH_SHSTK_STATUS, &features) == 0 &&
	       (features & HM_ARCH_SHSTK_SHSTK);
}

__attribute__((used)) static uintptr_t ret_in(uintptr_t ra)
{
	struct ret_find f = { .ra = ra };

	if (shadow_stack_on())
		return 0;
	dl_iterate_phdr(ret_find_one, &f);
	return f.found;
}

void *hm_dlopen_tramp(const char *file, int mode);
__asm__(
	"	.text\n"
	"	.p2align 4\n"
	"	.type hm_dlopen_tramp, @function\n"
	"hm_dlopen_tramp:\n"
	"	push %rbx\n"			/* the stack is 16-aligned from here */
	"	push %rdi\n"
	"	push %rsi\n"
	"	mov 24(%rsp), %rdi\n"		/* the caller's return address */
	"	call ret_in\n"
	"	mov %rax, %rbx\n"
	"	pop %rsi\n"
	"	pop %rdi\n"
	"	test %rbx, %rbx\n"
	"	jz 2f\n"
	"	sub $8, %rsp\n"			/* keep dlopen's entry alignment */
	"	lea 1f(%rip), %rax\n"
	"	push %rax\n"			/* where the caller's ret goes */
	"	push %rbx\n"			/* dlopen's return address: the caller's ret */
	"	jmp *real_dlopen(%rip)\n"
	"1:	add $8, %rsp\n"
	"	jmp 3f\n"
	"2:	call *real_dlopen(%rip)\n"
	"3:	pop %rbx\n"
	"	push %rax\n"
	"	mov %rax, %rdi\n"
	"	call dlopen_after\n"
	"	pop %rax\n"
	"	ret\n"
	"	.size hm_dlopen_tramp, .-hm_dlopen_tramp\n");

void hm_inject(void)
{
	int n;

	if (!hm_got_patch_all) {
		say("heapmon: built without GOT patching (got.c); attach records nothing\n");
		return;
	}
	real_dlopen = (void *(*)(const char *, int))dlsym(RTLD_DEFAULT, "dlopen");
	n_hooks = hm_hooks_fill(hooks);
	n_hooks += hm_exec_hooks_fill(hooks + n_hooks);
	if (real_dlopen)
		hooks[n_hooks++] = (struct hm_got_hook){ "dlopen", (void *)hm_dlopen_tramp };
	pthread_atfork(patch_lock_take, patch_lock_drop, patch_lock_reset);
	n = hm_got_patch_all(hooks, n_hooks, hm_self_base);
	if (n < 0) {
		char line[128];

		snprintf(line, sizeof(line), "heapmon: patching the GOT failed: %s\n",
			 strerrordesc_np(-n) ?: "unknown error");
		say(line);
	}
}
