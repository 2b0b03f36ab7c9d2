/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calling a function inside another process with ptrace (x86-64), for
 * heapmonctl attach: only the main thread is stopped, for milliseconds,
 * while the other threads keep running; its registers and FP/SSE/AVX state
 * are saved first and restored exactly before it is let go, so whatever it
 * was doing (a syscall included) resumes as the kernel would have resumed it.
 */
#ifndef HEAPMONCTL_INJECT_H
#define HEAPMONCTL_INJECT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

#define HM_TRACEE_MAX_SIGS 8
#define HM_TRACEE_XSTATE 16384

struct hm_tracee {
	pid_t pid;
	int mem;				/* /proc/PID/mem */
	bool seized, stopped, exited;
	bool state_saved;			/* saved* hold what to restore */
	bool group_stop;			/* a job-control stop came meanwhile: redo it */
	struct user_regs_struct saved;		/* as interrupted */
	struct user_fpregs_struct saved_fp;
	unsigned char xstate[HM_TRACEE_XSTATE];	/* the full extended state (AVX, ...) */
	size_t xstate_len;			/* 0: only saved_fp could be read */
	uint64_t sp;				/* lowest stack byte written so far */
	int sigs[HM_TRACEE_MAX_SIGS];		/* signals held back, redelivered on release */
	unsigned int n_sigs, lost_sigs;
	unsigned int retries;			/* interrupts retried at an unsafe place */
	uint64_t fault_ip;			/* where a call faulted */
	int fault_sig;
	struct timespec t_stop, t_release;	/* first interrupt, detach */
	char why[160];				/* what went wrong, for the user */
};

/*
 * Whether the interrupted thread may be holding a lock the call would need
 * (loader, malloc arena): the interrupt is then retried a few times.
 */
typedef bool (*hm_unsafe_fn)(const struct user_regs_struct *regs, void *arg);

/*
 * Seizes pid's main thread and interrupts it, waiting at most timeout_ms for
 * the stop. Returns 0, -EPERM / -ESRCH / -EBUSY from PTRACE_SEIZE, -ETIMEDOUT,
 * or -ECHILD when the process exited meanwhile. On failure the process is
 * left running, untraced.
 */
int hm_tracee_seize(struct hm_tracee *t, pid_t pid, int timeout_ms, hm_unsafe_fn unsafe,
		    void *arg);
/* Copies len bytes onto the thread's stack, below the red zone; *addr is where. */
int hm_tracee_push(struct hm_tracee *t, const void *data, size_t len, uint64_t *addr);
int hm_tracee_read(struct hm_tracee *t, uint64_t addr, void *buf, size_t len);
/*
 * Calls fn(a0, a1) in the thread and waits at most timeout_ms for it to
 * return (to address 0, where it faults). Returns 0 with the result in *ret,
 * -ETIMEDOUT (the thread is stopped again, the call abandoned half-way),
 * -EFAULT (the call faulted: fault_ip, fault_sig), or -ECHILD (exited).
 */
int hm_tracee_call(struct hm_tracee *t, uint64_t fn, uint64_t a0, uint64_t a1, int timeout_ms,
		   uint64_t *ret);
/*
 * Restores the registers, detaches, and redelivers the signals held back.
 * Safe to call in any state; returns 0 or -errno.
 */
int hm_tracee_release(struct hm_tracee *t);
/* Microseconds the thread was held, from the first interrupt to the detach. */
uint64_t hm_tracee_pause_us(const struct hm_tracee *t);

#endif
