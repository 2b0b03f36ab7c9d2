// SPDX-License-Identifier: GPL-2.0
/*
 * The exec family. An exec replaces this process's image: its site file
 * must say EXITED (with exit_ns) before that, as a process that exits does;
 * the new image, when it loads the recorder again, publishes a new file
 * under the same name (publish.c renames it over, so readers of the old
 * one keep it). An exec that fails leaves the file live again.
 *
 * Every function that replaces the image is wrapped: glibc's execv, execvp,
 * execl... call execve internally, not through the PLT, so wrapping execve
 * alone would miss them. posix_spawn, system and popen exec in a child
 * (another process, with a file of its own if it records), so they are not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "core.h"
#include "inject.h"

#define REAL(name) ({								\
	static __typeof__(name) *real_;						\
	if (!real_)								\
		real_ = (__typeof__(name) *)hm_real_sym(#name);		\
	real_;									\
})

/* Runs an exec with the file marked; returns only when it failed. */
#define EXEC(call) ({								\
	bool marked_ = hm_core_exec(true);					\
	int ret_ = (call), err_ = errno;					\
	if (marked_)								\
		hm_core_exec(false);						\
	errno = err_;								\
	ret_;									\
})

#define NOT_FOUND() ({ errno = ENOSYS; -1; })

HM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	__typeof__(execve) *f = REAL(execve);

	return f ? EXEC(f(path, argv, envp)) : NOT_FOUND();
}

HM_EXPORT int execv(const char *path, char *const argv[])
{
	__typeof__(execv) *f = REAL(execv);

	return f ? EXEC(f(path, argv)) : NOT_FOUND();
}

HM_EXPORT int execvp(const char *file, char *const argv[])
{
	__typeof__(execvp) *f = REAL(execvp);

	return f ? EXEC(f(file, argv)) : NOT_FOUND();
}

HM_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	__typeof__(execvpe) *f = REAL(execvpe);

	return f ? EXEC(f(file, argv, envp)) : NOT_FOUND();
}

HM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	__typeof__(fexecve) *f = REAL(fexecve);

	return f ? EXEC(f(fd, argv, envp)) : NOT_FOUND();
}

HM_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
		       int flags)
{
	__typeof__(execveat) *f = REAL(execveat);

	return f ? EXEC(f(dirfd, path, argv, envp, flags)) : NOT_FOUND();
}

/*
 * The list forms: the arguments into an array on the stack (as glibc does),
 * then the vector form above, which marks.
 */
#define ARGV_FROM_LIST(arg0, ap, argv, envp_out) 				\
	size_t n_ = 1;								\
	va_start(ap, arg0);							\
	while (va_arg(ap, const char *))					\
		n_++;								\
	va_end(ap);								\
	char *argv[n_ + 1];							\
	argv[0] = (char *)(arg0);						\
	va_start(ap, arg0);							\
	for (size_t i_ = 1; i_ <= n_; i_++)					\
		argv[i_] = va_arg(ap, char *);					\
	envp_out;								\
	va_end(ap)

HM_EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;

	ARGV_FROM_LIST(arg, ap, argv, (void)0);
	return execv(path, argv);
}

HM_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;

	ARGV_FROM_LIST(arg, ap, argv, (void)0);
	return execvp(file, argv);
}

HM_EXPORT int execle(const char *path, const char *arg, ...)
{
	char *const *envp;
	va_list ap;

	ARGV_FROM_LIST(arg, ap, argv, envp = va_arg(ap, char *const *));
	return execve(path, argv, envp);
}

#define HM_ALIAS(name) \
	extern __typeof__(name) hm_##name __attribute__((alias(#name), visibility("hidden"), copy(name)))
HM_ALIAS(execve);
HM_ALIAS(execv);
HM_ALIAS(execvp);
HM_ALIAS(execvpe);
HM_ALIAS(fexecve);
HM_ALIAS(execveat);
HM_ALIAS(execl);
HM_ALIAS(execlp);
HM_ALIAS(execle);

size_t hm_exec_hooks_fill(struct hm_got_hook *h)
{
	size_t n = 0;

#define HOOK(name) (h[n++] = (struct hm_got_hook){ #name, (void *)hm_##name })
	HOOK(execve);
	HOOK(execv);
	HOOK(execvp);
	HOOK(execvpe);
	HOOK(fexecve);
	HOOK(execveat);
	HOOK(execl);
	HOOK(execlp);
	HOOK(execle);
#undef HOOK
	return n;
}
