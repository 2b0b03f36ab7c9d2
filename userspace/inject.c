// SPDX-License-Identifier: GPL-2.0
/* Calling a function inside another process with ptrace (see inject.h). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"

#define RED_ZONE 128		/* the x86-64 ABI's, below rsp, that leaf functions use */
#define UNSAFE_RETRIES 50	/* interrupts tried before calling at an unsafe place anyway */

enum stop_kind {
	STOP_INTERRUPT,		/* PTRACE_INTERRUPT's */
	STOP_GROUP,		/* a job-control stop of the whole process */
	STOP_SIGNAL,		/* a signal about to be delivered */
};

static int64_t ns_until(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000000000LL + deadline->tv_nsec - now.tv_nsec;
}

static void deadline_after(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

/*
 * The next stop of the thread, until deadline. A tracer is sent SIGCHLD at
 * each stop of its tracee, so waiting for that signal (blocked, see
 * hm_tracee_seize) wakes us within microseconds, where polling would add
 * its period to the target's pause.
 */
static int wait_stop(struct hm_tracee *t, const struct timespec *deadline, enum stop_kind *kind,
		     int *sig)
{
	struct timespec left;
	sigset_t chld;
	int64_t ns;
	int status;
	pid_t r;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		r = waitpid(t->pid, &status, WNOHANG | __WALL);
		if (r < 0 && errno != EINTR) {
			t->exited = true;
			return -ECHILD;
		}
		if (r == t->pid)
			break;
		ns = ns_until(deadline);
		if (ns <= 0)
			return -ETIMEDOUT;
		left.tv_sec = ns / 1000000000;
		left.tv_nsec = ns % 1000000000;
		sigtimedwait(&chld, NULL, &left);
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		t->exited = true;
		t->stopped = false;
		return -ECHILD;
	}
	t->stopped = true;
	*sig = WSTOPSIG(status);
	if (status >> 16 == PTRACE_EVENT_STOP)
		*kind = *sig == SIGTRAP ? STOP_INTERRUPT : STOP_GROUP;
	else
		*kind = STOP_SIGNAL;
	return 0;
}

static void hold_signal(struct hm_tracee *t, int sig)
{
	if (t->n_sigs < HM_TRACEE_MAX_SIGS)
		t->sigs[t->n_sigs++] = sig;
	else
		t->lost_sigs++;
}

static int resume(struct hm_tracee *t)
{
	if (ptrace(PTRACE_CONT, t->pid, NULL, NULL))
		return -errno;
	t->stopped = false;
	return 0;
}

/*
 * Interrupts the thread and waits for the interrupt. Signals that come
 * first are held back (suppressed now, redelivered on release), and a
 * job-control stop stops it just as well.
 */
static int interrupt(struct hm_tracee *t, int timeout_ms)
{
	struct timespec deadline;
	enum stop_kind kind;
	int sig, ret;

	if (ptrace(PTRACE_INTERRUPT, t->pid, NULL, NULL))
		return -errno;
	deadline_after(&deadline, timeout_ms);
	for (;;) {
		ret = wait_stop(t, &deadline, &kind, &sig);
		if (ret)
			return ret;
		if (kind == STOP_INTERRUPT)
			return 0;
		if (kind == STOP_GROUP) {
			t->group_stop = true;
			return 0;
		}
		hold_signal(t, sig);
		ret = resume(t);
		if (ret)
			return ret;
	}
}

static int save_state(struct hm_tracee *t)
{
	struct iovec iov = { t->xstate, sizeof(t->xstate) };

	if (ptrace(PTRACE_GETREGS, t->pid, NULL, &t->saved) ||
	    ptrace(PTRACE_GETFPREGS, t->pid, NULL, &t->saved_fp))
		return -errno;
	/* GETFPREGS has no upper halves of the AVX registers; memcpy in dlopen uses them. */
	t->xstate_len = ptrace(PTRACE_GETREGSET, t->pid, (void *)NT_X86_XSTATE, &iov) ? 0 :
			iov.iov_len;
	t->sp = t->saved.rsp - RED_ZONE;
	t->state_saved = true;
	return 0;
}

int hm_tracee_seize(struct hm_tracee *t, pid_t pid, int timeout_ms, hm_unsafe_fn unsafe,
		    void *arg)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	char path[64];
	sigset_t chld;
	int ret;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->mem = -1;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL))
		return -errno;
	t->seized = true;
	clock_gettime(CLOCK_MONOTONIC, &t->t_stop);
	for (;;) {
		ret = interrupt(t, timeout_ms);
		if (ret)
			goto fail;
		if (ptrace(PTRACE_GETREGS, pid, NULL, &t->saved)) {
			ret = -errno;
			goto fail;
		}
		if (t->group_stop || !unsafe || !unsafe(&t->saved, arg))
			break;
		if (t->retries++ == UNSAFE_RETRIES)
			break;
		ret = resume(t);
		if (ret)
			goto fail;
		nanosleep(&pause, NULL);
	}
	ret = save_state(t);
	if (ret)
		goto fail;
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	t->mem = open(path, O_RDWR | O_CLOEXEC);
	if (t->mem < 0) {
		ret = -errno;
		goto fail;
	}
	return 0;
fail:
	hm_tracee_release(t);
	return ret;
}

int hm_tracee_push(struct hm_tracee *t, const void *data, size_t len, uint64_t *addr)
{
	uint64_t sp = (t->sp - len) & ~(uint64_t)15;
	ssize_t n = pwrite(t->mem, data, len, sp);

	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	t->sp = sp;
	*addr = sp;
	return 0;
}

int hm_tracee_read(struct hm_tracee *t, uint64_t addr, void *buf, size_t len)
{
	ssize_t n = pread(t->mem, buf, len, addr);

	if (n < 0)
		return -errno;
	return n ? 0 : -EIO;
}

/* Whether a fault came from the code the thread ran, not from a kill(). */
static bool synchronous_fault(struct hm_tracee *t, int sig)
{
	siginfo_t si;

	if (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE && sig != SIGTRAP)
		return false;
	return !ptrace(PTRACE_GETSIGINFO, t->pid, NULL, &si) && si.si_code > 0;
}

int hm_tracee_call(struct hm_tracee *t, uint64_t fn, uint64_t a0, uint64_t a1, int timeout_ms,
		   uint64_t *ret)
{
	struct user_regs_struct regs = t->saved;
	static const uint64_t no_return;
	struct timespec deadline;
	enum stop_kind kind;
	bool abandon = false;
	uint64_t sp;
	int sig, err;

	/* Return address 0: the return faults there, and that fault is our signal. */
	sp = (t->sp & ~(uint64_t)15) - sizeof(no_return);
	if (pwrite(t->mem, &no_return, sizeof(no_return), sp) != sizeof(no_return))
		return -errno;
	regs.rsp = sp;		/* rsp + 8 is 16-byte aligned at entry, as after a call */
	regs.rip = fn;
	regs.rdi = a0;
	regs.rsi = a1;
	regs.rax = 0;
	/* Not in a syscall: the kernel must not restart one into our call. */
	regs.orig_rax = -1;
	if (ptrace(PTRACE_SETREGS, t->pid, NULL, &regs))
		return -errno;
	err = resume(t);
	if (err)
		return err;
	deadline_after(&deadline, timeout_ms);
	for (;;) {
		err = wait_stop(t, &deadline, &kind, &sig);
		if (err == -ETIMEDOUT && !abandon) {
			/*
			 * Stopped again so that release can restore the registers;
			 * the call may still return first, and then counts.
			 */
			abandon = true;
			if (ptrace(PTRACE_INTERRUPT, t->pid, NULL, NULL))
				return -errno;
			deadline_after(&deadline, 1000);
			continue;
		}
		if (err)
			return err;
		if (kind == STOP_INTERRUPT && abandon)
			return -ETIMEDOUT;
		if (kind == STOP_GROUP)
			t->group_stop = true;
		if (kind == STOP_SIGNAL && synchronous_fault(t, sig)) {
			if (ptrace(PTRACE_GETREGS, t->pid, NULL, &regs))
				return -errno;
			if (sig == SIGSEGV && regs.rip == 0) {
				*ret = regs.rax;
				return 0;
			}
			t->fault_ip = regs.rip;
			t->fault_sig = sig;
			return -EFAULT;
		}
		if (kind == STOP_SIGNAL)
			hold_signal(t, sig);
		err = resume(t);
		if (err)
			return err;
	}
}

int hm_tracee_release(struct hm_tracee *t)
{
	struct iovec iov = { t->xstate, t->xstate_len };
	unsigned int i;
	int ret = 0;

	if (t->mem >= 0)
		close(t->mem);
	t->mem = -1;
	if (!t->seized || t->exited)
		goto out;
	if (t->stopped && t->state_saved) {
		if (ptrace(PTRACE_SETREGS, t->pid, NULL, &t->saved) ||
		    (t->xstate_len ? ptrace(PTRACE_SETREGSET, t->pid, (void *)NT_X86_XSTATE, &iov) :
				     ptrace(PTRACE_SETFPREGS, t->pid, NULL, &t->saved_fp)))
			ret = -errno;
	}
	/*
	 * Detaching needs a stopped thread. A running one (an interrupt that
	 * never came) is detached by the kernel when heapmonctl exits.
	 */
	if (ptrace(PTRACE_DETACH, t->pid, NULL, NULL) && !ret)
		ret = -errno;
	clock_gettime(CLOCK_MONOTONIC, &t->t_release);
	t->seized = false;
	t->stopped = false;
	for (i = 0; i < t->n_sigs; i++)
		syscall(SYS_tgkill, t->pid, t->pid, t->sigs[i]);
	if (t->group_stop)
		kill(t->pid, SIGSTOP);
out:
	if (!t->t_release.tv_sec)
		clock_gettime(CLOCK_MONOTONIC, &t->t_release);
	return ret;
}

uint64_t hm_tracee_pause_us(const struct hm_tracee *t)
{
	return ((t->t_release.tv_sec - t->t_stop.tv_sec) * 1000000000LL +
		t->t_release.tv_nsec - t->t_stop.tv_nsec) / 1000;
}
