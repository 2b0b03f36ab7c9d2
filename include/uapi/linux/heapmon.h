/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * heapmon: per-page access statistics of a running process's anonymous heap.
 *
 * This header is the contract between heapmon.ko and its clients. The
 * transport is the generic netlink family HEAPMON_GENL_NAME, version
 * HEAPMON_GENL_VERSION. Every command is strictly validated: an attribute a
 * command does not list below, an attribute of the wrong size or out of
 * range, and an unknown command are all rejected with an errno and, where
 * the kernel gives one, an extended ack message. Integers are in host byte
 * order; addresses are the target's virtual addresses.
 *
 * Permissions: HEAPMON_CMD_STATUS is open to every user; an unprivileged
 * caller sees the module's version and limits and the number of targets, but
 * not which processes they are. Every other command needs CAP_NET_ADMIN
 * (checked by generic netlink) and CAP_SYS_PTRACE (checked by heapmon), both
 * of the socket's opener and of the sender, and fails with EPERM otherwise.
 * Joining HEAPMON_MCGRP_EVENTS needs CAP_SYS_ADMIN: its events show where
 * every target maps memory, and a group cannot ask for CAP_SYS_PTRACE.
 * Nor does sysfs tell an unprivileged user which processes are watched:
 * /sys/kernel/heapmon/targets/ and each targets/<pid>/ are mode 0500, their
 * files 0400 (root only).
 *
 * PID namespaces: a PID in a request is read in the caller's PID namespace,
 * and replies give PIDs as the caller sees them. STATUS lists only the
 * targets visible in the caller's namespace (TARGET_COUNT counts them all).
 * HEAPMON_CMD_EVENT multicasts, and /sys/kernel/heapmon/targets/<pid>, use
 * the PID of the initial namespace. The family lives in the initial network
 * namespace only.
 * A PID must be a process (a thread group leader), and one address space is
 * watched once: a thread or a CLONE_VM child of a watched process gets
 * EINVAL or EEXIST.
 *
 * Terms. A target is a watched process. Its tracked memory is every
 * anonymous private writable mapping: the brk heap and anonymous mmaps, not
 * stacks, file-backed or shared mappings. A pass visits the tracked memory's
 * page tables once, tests and clears each resident page's accessed bit, and
 * updates that page's counts; passes run every interval_ms, and one interval
 * is a period. A page is a 4 KiB page or a 2 MiB transparent huge page
 * mapped at the PMD, counted as one unit. Per page heapmon keeps:
 *   touched: periods in which the page was found accessed (saturates at 255)
 *   idle:    periods since it was last found accessed
 *   age:     periods since heapmon first saw it resident
 * Idle and age are 12-bit counts in two ranges (protocol 2): a count below
 * HEAPMON_REC_EXACT is that many periods; from there it advances by one
 * only on passes whose number (per target, from 1) minus one is a multiple
 * of HEAPMON_REC_COARSE_PERIODS, so count HEAPMON_REC_EXACT + n stands for
 * HEAPMON_REC_EXACT + n * HEAPMON_REC_COARSE_PERIODS periods. Decode with
 * HEAPMON_REC_IDLE_PERIODS(r) and HEAPMON_REC_AGE_PERIODS(r): the result is
 * never more than the true count, and past HEAPMON_REC_EXACT less than
 * 2 * HEAPMON_REC_COARSE_PERIODS below it (the first step can come up to
 * 255 passes late, and each step lasts 256 passes). Counts saturate at
 * HEAPMON_REC_PERIODS_MAX periods (526080: six days at 1 s, 87 minutes at
 * 10 ms). Protocol 1 counted periods up to 4095.
 * A page whose touched count is 0 has not been touched since heapmon first
 * saw it. Pages that stop being resident (unmapped, freed) drop out of the
 * statistics, except pages reclaim swaps out (to swap, zswap or zram: the
 * page table holds a swap entry): a page heapmon has seen resident keeps its
 * record while swapped out, counts as swapped instead of resident, and keeps
 * aging (idle + 1 per period, touched unchanged: it cannot be accessed);
 * when it comes back it carries on with that record, and all along it counts
 * against the page limits. The idle buckets (TOUCHED to NEVER below) count
 * resident and swapped pages alike. A page swapped out before heapmon saw it
 * resident is not counted until it comes back.
 *
 * HEAPMON_CMD_STATUS
 * ------------------
 *   Request: no attributes.
 *   Reply:
 *     HEAPMON_A_VERSION: NLA_NUL_STRING, the module version, "X.Y.Z"
 *     HEAPMON_A_PROTOCOL: NLA_U32, equal to HEAPMON_GENL_VERSION
 *     HEAPMON_A_MAX_TARGETS: NLA_U32, the max_targets module parameter
 *     HEAPMON_A_MAX_TARGET_PAGES: NLA_U64, the max_target_pages parameter
 *     HEAPMON_A_MAX_TOTAL_PAGES: NLA_U64, the max_total_pages parameter
 *     HEAPMON_A_TARGET_COUNT: NLA_U32, targets currently watched
 *     HEAPMON_A_MAX_MEMORY_MB: NLA_U32, the max_memory_mb parameter
 *     HEAPMON_A_MEMORY_BYTES: NLA_U64, bytes of per-page records now held
 *       for all targets (counted against max_memory_mb)
 *     TLB flushes after passes, machine-wide (added without a protocol bump:
 *     a module older than 0.6 does not send them; read absent as unknown):
 *     HEAPMON_A_MAX_FLUSHES_PER_SEC: NLA_U32, the max_flushes_per_sec
 *       parameter: flush rounds allowed a second (0: none)
 *     HEAPMON_A_FLUSHES_PER_SEC: NLA_U32, flush rounds in the last whole second
 *     HEAPMON_A_FLUSH_ROUNDS: NLA_U64, flush rounds since the module loaded;
 *       a round flushes the CPUs of every pass that asked since the last one
 *     HEAPMON_A_FLUSH_CPUS: NLA_U64, CPUs flushed, summed over the rounds
 *     HEAPMON_A_FLUSH_DEFERRED: NLA_U64, passes whose flush did not go out at
 *       once (it joined a round already waiting for the cap)
 *     HEAPMON_A_FLUSH_STALE_PASSES: NLA_U64, passes that began before the
 *       round their target's last pass asked for was done: pages they found
 *       idle may have been used through a translation cached in a TLB
 *     HEAPMON_A_TARGETS: NLA_NESTED, privileged callers only, one per target:
 *       0: NLA_NESTED
 *         HEAPMON_TARGET_A_PID: NLA_U32
 *         HEAPMON_TARGET_A_STATE: NLA_U32, enum heapmon_target_state
 *         HEAPMON_TARGET_A_INTERVAL_MS: NLA_U32
 *       1: NLA_NESTED
 *         ...
 *
 * HEAPMON_CMD_WATCH
 * -----------------
 *   Request:
 *     HEAPMON_A_PID: NLA_U32, required
 *     HEAPMON_A_INTERVAL_MS: NLA_U32, HEAPMON_INTERVAL_MIN_MS to
 *       HEAPMON_INTERVAL_MAX_MS; default HEAPMON_INTERVAL_DEFAULT_MS
 *     HEAPMON_A_FLAGS: NLA_U32, HEAPMON_WATCH_F_* (HEAPMON_WATCH_F_ALL)
 *     HEAPMON_A_REVISIT: NLA_U32, 0 to HEAPMON_REVISIT_MAX, adaptive mode:
 *       a page table (a 2 MiB span) whose every page has been idle for at
 *       least REVISIT periods is dormant, and visited only once every
 *       REVISIT passes, or at the next pass after a page fault in its span
 *       (a new page, a swap-in). Meanwhile its pages count as untouched (their
 *       idle and age counts go on, in STATS, REGIONS, PAGES and SLICES
 *       alike) and a page touched again is seen at the visit: at most
 *       REVISIT periods late, its touched count then counting those periods
 *       as one. A pass's cost then follows the memory in use, not all of it.
 *       A mapping call (mmap, munmap, mremap, brk) that touches a dormant
 *       span wakes it too; what changes a dormant span without a fault or a
 *       mapping call waits for its visit: pages dropped by MADV_DONTNEED or
 *       MADV_FREE stay counted, pages reclaim swaps out count as resident,
 *       and an accessed bit that reclaim clears before the visit is lost.
 *       0 or 1 (the default 0): every page table every pass. Added in module
 *       version 0.7 without a protocol bump: an older module rejects it.
 *     HEAPMON_A_TRAP: NLA_U32, 0 to HEAPMON_TRAP_MAX, trap mode: up to this
 *       many of the target's pages are armed at once, each pass arming more
 *       as armed ones are touched (fewer when the max_trap_pages module
 *       parameter, which bounds armed pages machine wide, is reached), and
 *       from where the last pass stopped: chosen among those idle for at least
 *       HEAPMON_TRAP_IDLE_MIN periods: small, anonymous, mapped once and
 *       referenced by nothing else (not the zero page, KSM, pinned or in
 *       the swap cache), in accessible private mappings without
 *       userfaultfd, of an address space that no secondary MMU mirrors. An
 *       armed page's PTE is made PROT_NONE the way NUMA balancing makes
 *       its hinting faults; its next touch faults, heapmon records a
 *       HEAPMON_EVENT_TRAP event (the time, the instruction, the thread)
 *       and the kernel's NUMA hint fault path makes the PTE present again.
 *       Needs CONFIG_NUMA_BALANCING and one online NUMA node (on several, a
 *       hint fault may migrate the page): EOPNOTSUPP elsewhere. 0 (the
 *       default): no traps. Unwatching or unloading leaves armed pages to
 *       the kernel, which restores each on its next touch. Added in module
 *       version 0.8 without a protocol bump: an older module rejects it.
 *   Errors: ESRCH no such process; EINVAL a kernel thread, or bad flags;
 *     EEXIST already watched; ENOSPC max_targets reached; ERANGE interval,
 *     revisit, trap; EOPNOTSUPP trap mode on a kernel or machine that
 *     cannot have it.
 *   The first pass runs at once; later passes every interval.
 *
 * HEAPMON_CMD_UNWATCH
 * -------------------
 *   Request: HEAPMON_A_PID: NLA_U32, required.
 *   Errors: ENOENT not watched. Works on exited targets too, and frees their
 *   statistics.
 *
 * HEAPMON_CMD_STATS
 * -----------------
 *   Request: HEAPMON_A_PID: NLA_U32, required.
 *   Reply:
 *     HEAPMON_A_PID, HEAPMON_A_STATE, HEAPMON_A_INTERVAL_MS: NLA_U32
 *     HEAPMON_A_STATS: NLA_NESTED, as of the last pass:
 *       HEAPMON_STATS_A_PASSES: NLA_U64, passes done
 *       HEAPMON_STATS_A_TRACKED_BYTES: NLA_U64, size of the tracked mappings
 *       HEAPMON_STATS_A_RESIDENT_BYTES: NLA_U64, resident bytes in them
 *       HEAPMON_STATS_A_HUGE_BYTES: NLA_U64, of which in huge pages
 *       HEAPMON_STATS_A_TOUCHED_BYTES: NLA_U64, touched in the last period
 *         (idle == 0 and touched > 0)
 *       HEAPMON_STATS_A_IDLE1_BYTES, _IDLE10_, _IDLE60_, _IDLE600_: NLA_U64,
 *         idle >= 1, 10, 60, 600 periods (cumulative: IDLE10 is within IDLE1)
 *       HEAPMON_STATS_A_NEVER_BYTES: NLA_U64, touched == 0
 *       HEAPMON_STATS_A_FAULTS: NLA_U64, page faults in tracked memory
 *       HEAPMON_STATS_A_FIRST_FAULTS: NLA_U64, of which on pages heapmon
 *         held no record of (first touches; a swap-in is not one)
 *       HEAPMON_STATS_A_PASS_NS: NLA_U64, the last pass's duration
 *       HEAPMON_STATS_A_PASS_PAGES: NLA_U64, page table entries it visited
 *       HEAPMON_STATS_A_UNTRACKED_PAGES: NLA_U64, resident pages left out of
 *         the last pass because max_target_pages, max_total_pages or
 *         max_memory_mb was hit (or memory ran out)
 *       HEAPMON_STATS_A_EVENTS_LOST: NLA_U64, events overwritten in the ring
 *       HEAPMON_STATS_A_SKIPPED_PASSES: NLA_U64, periods left out because
 *         the target's mmap lock stayed taken for writing (a pass never
 *         waits long for it), at the start or after the pass let a writer
 *         in; the pages a left-out pass reached count it with the next
 *       HEAPMON_STATS_A_FLAGS: NLA_U32, HEAPMON_WATCH_F_* in force
 *       HEAPMON_STATS_A_SWAPPED_BYTES: NLA_U64, swapped-out bytes that keep
 *         their records (not in RESIDENT_BYTES; in the idle buckets).
 *         Added in module version 0.4 without a protocol bump: an older
 *         module does not send it (read it as absent, not as 0 swapped).
 *       HEAPMON_STATS_A_LOCK_YIELDS: NLA_U64, times a pass, all passes
 *         together, let a waiting writer of the target's mmap lock (mmap,
 *         munmap, mprotect, brk) in: it drops the lock between two 2 MiB
 *         spans, takes it again and goes on from the next span. Added without
 *         a protocol bump in module version 0.6, as SWAPPED_BYTES: an older
 *         module does not send it.
 *       HEAPMON_STATS_A_SECONDARY_MMU: NLA_U8, 1 if MMU notifiers have been
 *         registered on the target's address space: something (KVM, VFIO,
 *         RDMA ODP, a GPU) mirrors its page tables, or did; the kernel
 *         keeps the notifier list until the address space goes, so this
 *         stays 1 after the last one leaves. Accesses through a secondary
 *         MMU never set the accessed bits heapmon reads, so memory used
 *         only through it looks idle. Added in module version 0.6
 *         without a protocol bump; STATS only, not in regions.
 *       HEAPMON_STATS_A_REVISIT: NLA_U32, the watch's HEAPMON_A_REVISIT (0:
 *         every page table every pass)
 *       HEAPMON_STATS_A_DORMANT_PAGES: NLA_U64, pages with a record in the
 *         page tables the last pass left dormant (not visited, counted as
 *         untouched; not in PASS_PAGES). Both added in module version 0.7.
 *       HEAPMON_STATS_A_TRAP: NLA_U32, the watch's HEAPMON_A_TRAP (0: none)
 *       HEAPMON_STATS_A_TRAPS_ARMED: NLA_U32, pages armed now
 *       HEAPMON_STATS_A_TRAP_HITS: NLA_U64, armed pages touched (each one a
 *         HEAPMON_EVENT_TRAP event), since the watch began
 *       HEAPMON_STATS_A_TRAP_LOST: NLA_U64, armed pages that stopped being
 *         armed without a touch heapmon saw: unmapped, zapped
 *         (MADV_DONTNEED), swapped out or migrated. All four added in
 *         module version 0.8.
 *
 * HEAPMON_CMD_REGIONS (dump)
 * --------------------------
 *   Request: HEAPMON_A_PID: NLA_U32, required.
 *   Each message: HEAPMON_A_PID and one or more
 *     HEAPMON_A_REGION: NLA_NESTED
 *       HEAPMON_REGION_A_START, HEAPMON_REGION_A_END: NLA_U64
 *       HEAPMON_REGION_A_KIND: NLA_U32, enum heapmon_region_kind
 *       HEAPMON_REGION_A_STATS: NLA_NESTED, HEAPMON_STATS_A_TRACKED_BYTES to
 *         HEAPMON_STATS_A_FAULTS and HEAPMON_STATS_A_SWAPPED_BYTES, for this
 *         region alone
 *
 * HEAPMON_CMD_PAGES (dump)
 * ------------------------
 *   Request:
 *     HEAPMON_A_PID: NLA_U32, required
 *     HEAPMON_A_IDLE_MIN: NLA_U32, periods, at most HEAPMON_REC_PERIODS_MAX:
 *       only pages with HEAPMON_REC_IDLE_PERIODS(r) >= this
 *     HEAPMON_A_ADDR_START, HEAPMON_A_ADDR_END: NLA_U64, only pages that
 *       start in [start, end); start must be below end (EINVAL)
 *   Each message: HEAPMON_A_PID, HEAPMON_A_PASSES (NLA_U64, the pass the
 *   message's records are from) and one or more
 *     HEAPMON_A_CHUNK: NLA_NESTED, the pages of one 2 MiB-aligned span:
 *       HEAPMON_CHUNK_A_ADDR: NLA_U64, the span's first address
 *       HEAPMON_CHUNK_A_FLAGS: NLA_U32, HEAPMON_CHUNK_F_*
 *       HEAPMON_CHUNK_A_BITMAP: NLA_BINARY, HEAPMON_CHUNK_PAGES bits (64
 *         bytes, little-endian u64 words): bit i set when the 4 KiB page at
 *         ADDR + i * 4096 is reported. With HEAPMON_CHUNK_F_HUGE only bit 0
 *         can be set, and it stands for the whole 2 MiB huge page.
 *       HEAPMON_CHUNK_A_RECORDS: NLA_BINARY, one u32 per set bit, in bit
 *         order: HEAPMON_REC_TOUCHED(r), HEAPMON_REC_IDLE_PERIODS(r),
 *         HEAPMON_REC_AGE_PERIODS(r)
 *       HEAPMON_CHUNK_A_SWAPPED: NLA_BINARY, 64 bytes laid out as BITMAP,
 *         only when at least one reported page is swapped out: bit i set
 *         when the reported page i is swapped out (a subset of BITMAP; never
 *         with HEAPMON_CHUNK_F_HUGE). Absent: every reported page is
 *         resident. Added without a protocol bump; older clients ignore it.
 *   The records are copied a few spans at a time (at most 7, 15.5 KiB per
 *   open dump, charged to the caller; ENOMEM when that cannot be had), with
 *   the target's lock held for that copy only: a later message may be from
 *   a later pass. A dump that reads across a change of the store's shape (a
 *   span gaining its first tracked page or losing its last) is flagged
 *   NLM_F_DUMP_INTR, as is any dump whose data changed between its parts
 *   (REGIONS, HISTORY): read it again.
 *
 * HEAPMON_CMD_SLICES
 * ------------------
 *   A range's pages summed up per slice, from one pass: what a live view
 *   draws of a region, at the cost of one request however many pages the
 *   range holds. Added in module version 0.6 without a protocol bump: an
 *   older module answers EOPNOTSUPP (read a PAGES dump instead).
 *   Request (permissions as PAGES):
 *     HEAPMON_A_PID: NLA_U32, required
 *     HEAPMON_A_ADDR_START, HEAPMON_A_ADDR_END: NLA_U64, required, the range
 *       [start, end); start must be below end (EINVAL)
 *     HEAPMON_A_SLICE_COUNT: NLA_U32, required, n: 1 to HEAPMON_SLICES_MAX
 *       (EINVAL)
 *   Errors: ENOENT not watched; EINVAL a missing or bad attribute.
 *   Reply: HEAPMON_A_PID, HEAPMON_A_PASSES (NLA_U64, the pass every slice is
 *   from), HEAPMON_A_SLICE_COUNT and
 *     HEAPMON_A_SLICES: NLA_BINARY, n struct heapmon_slice, slice 0 first.
 *   Slice i holds the 4 KiB units at offsets off from start with
 *   off * n / (end - start) == i (exact: no overflow). A page counts the
 *   part of it in [start, end), 4 KiB at a time from max(page, start): a
 *   2 MiB huge page is 512 units, each counted in the slice it starts in.
 *   Per slice:
 *     resident: resident units; swapped: units swapped out (not in resident)
 *     never: resident units never touched (HEAPMON_REC_TOUCHED(r) == 0)
 *     idle_sum: HEAPMON_REC_IDLE_PERIODS(r) summed over the resident units
 *       touched at least once
 *     idle_min: the least HEAPMON_REC_IDLE_PERIODS(r) of a touched resident
 *       unit that overlaps the slice (a unit may overlap the next slices
 *       too, when slices are not 4 KiB multiples), HEAPMON_SLICE_IDLE_NONE
 *       when none does
 *     flags: HEAPMON_SLICE_F_RESIDENT when a resident unit overlaps the slice
 *   The summary is made under the target's lock, which its passes hold, in
 *   one go: it costs about as much as a pass over the range's records.
 *
 * HEAPMON_CMD_EVENTS (dump)
 * -------------------------
 *   Request: HEAPMON_A_PID: NLA_U32, required; HEAPMON_A_SEQ_MIN: NLA_U64,
 *   only events with seq >= this.
 *   Each message: HEAPMON_A_PID and one or more HEAPMON_A_EVENT (below),
 *   oldest first. The ring holds the newest HEAPMON_EVENT_RING events, and
 *   as many more as the watch's HEAPMON_A_TRAP (module version 0.8.1): the
 *   touches of every page armed at once fit beside the other events.
 *
 * HEAPMON_CMD_HISTORY (dump)
 * --------------------------
 *   Request: HEAPMON_A_PID: NLA_U32, required. Permissions as STATS.
 *   Each message: HEAPMON_A_PID, HEAPMON_A_INTERVAL_MS and one or more
 *     HEAPMON_A_SAMPLE: NLA_NESTED, one pass's summary, oldest first:
 *       HEAPMON_SAMPLE_A_TIME_NS: NLA_U64, CLOCK_BOOTTIME at the pass's end
 *       HEAPMON_SAMPLE_A_PASSES: NLA_U64, the pass's number
 *       HEAPMON_SAMPLE_A_TIER: NLA_U32, 0: every pass; 1, 2, 3: the last
 *         pass of each HEAPMON_A_HISTORY_UNIT_MS, 10 and 60 units of time
 *       HEAPMON_SAMPLE_A_RESIDENT_BYTES, _SWAPPED_, _TOUCHED_, _IDLE1_,
 *         _IDLE10_, _IDLE60_, _IDLE600_, _NEVER_: NLA_U64, as the
 *         HEAPMON_STATS_A_* of that name were after that pass
 *     and, in the first message, HEAPMON_A_HISTORY_UNIT_MS: NLA_U32.
 *   The module keeps, per target, the newest passes of tier 0 and, as they
 *   age out of a tier, the last sample of each time bucket of the next
 *   tier (HEAPMON_HISTORY_TIER*_SAMPLES each); the oldest fall off the
 *   last tier. The samples are copied when the dump starts, so the dump
 *   is one consistent history however many passes run meanwhile. The
 *   history starts anew when the target execs.
 *
 * HEAPMON_CMD_EVENT (multicast on HEAPMON_MCGRP_EVENTS, CAP_SYS_ADMIN)
 * --------------------------------------------------------------------
 *   HEAPMON_A_PID and one or more HEAPMON_A_EVENT: NLA_NESTED
 *     HEAPMON_EVENT_A_SEQ: NLA_U64, per target, from 1, one more for each
 *       event; a gap is events the ring overwrote before they were sent
 *       (HEAPMON_STATS_A_EVENTS_LOST counts events overwritten unread)
 *     HEAPMON_EVENT_A_TIME_NS: NLA_U64, CLOCK_BOOTTIME
 *     HEAPMON_EVENT_A_KIND: NLA_U32, enum heapmon_event_kind
 *     HEAPMON_EVENT_A_ADDR, HEAPMON_EVENT_A_LEN: NLA_U64
 *     HEAPMON_EVENT_A_OLD_ADDR: NLA_U64, mremap only: where it was
 *     HEAPMON_EVENT_TRAP only (module version 0.8), the touch of an armed
 *     page (ADDR its page, LEN the page size, TIME_NS when it faulted):
 *       HEAPMON_EVENT_A_IP: NLA_U64, the user instruction pointer: the
 *         touching instruction, or the system call's for a touch by the
 *         kernel on the process's behalf (HEAPMON_TRAP_F_KERNEL); 0 for a
 *         touch by another process or a kernel thread (HEAPMON_TRAP_F_REMOTE)
 *       HEAPMON_EVENT_A_TID: NLA_U32, the thread, in the target's own PID
 *         namespace; 0 with HEAPMON_TRAP_F_REMOTE
 *       HEAPMON_EVENT_A_IDLE: NLA_U32, periods the page had been idle when
 *         it was touched (as its record counts them)
 *       HEAPMON_EVENT_A_TRAP_FLAGS: NLA_U32, HEAPMON_TRAP_F_*
 *   Events are batched and sent from process context shortly after they
 *   happen, only while someone listens. Consecutive first-touch faults on
 *   adjacent pages are merged into one event whose LEN covers them all.
 */

#ifndef _UAPI_LINUX_HEAPMON_H
#define _UAPI_LINUX_HEAPMON_H

#include <linux/types.h>

#define HEAPMON_GENL_NAME "heapmon"
#define HEAPMON_GENL_VERSION 2
#define HEAPMON_MCGRP_EVENTS "events"

#define HEAPMON_INTERVAL_MIN_MS 10
#define HEAPMON_INTERVAL_MAX_MS 3600000
#define HEAPMON_INTERVAL_DEFAULT_MS 1000

/* HEAPMON_A_REVISIT: at most this many periods between visits of a page table. */
#define HEAPMON_REVISIT_MAX 64

/* HEAPMON_A_TRAP: at most this many pages armed per target. */
#define HEAPMON_TRAP_MAX 4096
/* Pages are armed only once idle for at least this many periods. */
#define HEAPMON_TRAP_IDLE_MIN 4

#define HEAPMON_CHUNK_PAGES 512
#define HEAPMON_EVENT_RING 1024

/* Per-page record layout, as dumped by HEAPMON_CMD_PAGES. */
#define HEAPMON_REC_TOUCHED(r) ((r) & 0xff)
#define HEAPMON_REC_IDLE(r) (((r) >> 8) & 0xfff)
#define HEAPMON_REC_AGE(r) (((r) >> 20) & 0xfff)
#define HEAPMON_REC_TOUCHED_MAX 0xff
#define HEAPMON_REC_IDLE_MAX 0xfff
#define HEAPMON_REC_AGE_MAX 0xfff

/* Idle and age counts: exact below HEAPMON_REC_EXACT, then coarse (see above). */
#define HEAPMON_REC_EXACT 2048
#define HEAPMON_REC_COARSE_SHIFT 8
#define HEAPMON_REC_COARSE_PERIODS (1U << HEAPMON_REC_COARSE_SHIFT)
#define HEAPMON_REC_PERIODS_MAX \
	(HEAPMON_REC_EXACT + ((0xfff - HEAPMON_REC_EXACT) << HEAPMON_REC_COARSE_SHIFT))

/* The periods an idle or age count stands for (at least that many). */
static inline __u32 heapmon_rec_count_periods(__u32 count)
{
	if (count < HEAPMON_REC_EXACT)
		return count;
	return HEAPMON_REC_EXACT + ((count - HEAPMON_REC_EXACT) << HEAPMON_REC_COARSE_SHIFT);
}

#define HEAPMON_REC_IDLE_PERIODS(r) heapmon_rec_count_periods(HEAPMON_REC_IDLE(r))
#define HEAPMON_REC_AGE_PERIODS(r) heapmon_rec_count_periods(HEAPMON_REC_AGE(r))

/* Samples each tier of a target's history holds (HEAPMON_CMD_HISTORY). */
#define HEAPMON_HISTORY_TIER0_SAMPLES 480
#define HEAPMON_HISTORY_TIER1_SAMPLES 240
#define HEAPMON_HISTORY_TIER2_SAMPLES 432
#define HEAPMON_HISTORY_TIER3_SAMPLES 168
#define HEAPMON_HISTORY_TIERS 4

/* HEAPMON_CMD_SLICES: at most this many slices, and one slice of its reply. */
#define HEAPMON_SLICES_MAX 256
#define HEAPMON_SLICE_IDLE_NONE 0xffffffffU

enum heapmon_slice_flags {
	HEAPMON_SLICE_F_RESIDENT = 1U << 0,
};

struct heapmon_slice {
	__u64 resident;
	__u64 swapped;
	__u64 never;
	__u64 idle_sum;
	__u32 idle_min;
	__u32 flags;		/* HEAPMON_SLICE_F_* */
};

enum heapmon_cmd {
	HEAPMON_CMD_UNSPEC,
	HEAPMON_CMD_STATUS,
	HEAPMON_CMD_WATCH,
	HEAPMON_CMD_UNWATCH,
	HEAPMON_CMD_STATS,
	HEAPMON_CMD_REGIONS,
	HEAPMON_CMD_PAGES,
	HEAPMON_CMD_EVENTS,
	HEAPMON_CMD_EVENT,
	HEAPMON_CMD_HISTORY,
	HEAPMON_CMD_SLICES,
	__HEAPMON_CMD_LAST
};

#define HEAPMON_CMD_MAX (__HEAPMON_CMD_LAST - 1)

enum heapmon_attr {
	HEAPMON_A_UNSPEC,
	HEAPMON_A_VERSION,
	HEAPMON_A_PROTOCOL,
	HEAPMON_A_MAX_TARGETS,
	HEAPMON_A_MAX_TARGET_PAGES,
	HEAPMON_A_MAX_TOTAL_PAGES,
	HEAPMON_A_TARGET_COUNT,
	HEAPMON_A_TARGETS,
	HEAPMON_A_PID,
	HEAPMON_A_INTERVAL_MS,
	HEAPMON_A_FLAGS,
	HEAPMON_A_STATE,
	HEAPMON_A_STATS,
	HEAPMON_A_REGION,
	HEAPMON_A_IDLE_MIN,
	HEAPMON_A_ADDR_START,
	HEAPMON_A_ADDR_END,
	HEAPMON_A_PASSES,
	HEAPMON_A_CHUNK,
	HEAPMON_A_SEQ_MIN,
	HEAPMON_A_EVENT,
	HEAPMON_A_PAD,
	HEAPMON_A_MAX_MEMORY_MB,
	HEAPMON_A_MEMORY_BYTES,
	HEAPMON_A_SAMPLE,
	HEAPMON_A_HISTORY_UNIT_MS,
	HEAPMON_A_MAX_FLUSHES_PER_SEC,
	HEAPMON_A_FLUSHES_PER_SEC,
	HEAPMON_A_FLUSH_ROUNDS,
	HEAPMON_A_FLUSH_CPUS,
	HEAPMON_A_FLUSH_DEFERRED,
	HEAPMON_A_FLUSH_STALE_PASSES,
	HEAPMON_A_SLICE_COUNT,
	HEAPMON_A_SLICES,
	HEAPMON_A_REVISIT,
	HEAPMON_A_TRAP,
	__HEAPMON_A_LAST
};

#define HEAPMON_A_MAX (__HEAPMON_A_LAST - 1)

enum heapmon_watch_flags {
	/* Flush the TLB after each pass, whatever the flush_tlb parameter says. */
	HEAPMON_WATCH_F_FLUSH_TLB = 1U << 0,
	/* Never flush the TLB after a pass. */
	HEAPMON_WATCH_F_NO_FLUSH_TLB = 1U << 1,
	HEAPMON_WATCH_F_ALL = HEAPMON_WATCH_F_FLUSH_TLB | HEAPMON_WATCH_F_NO_FLUSH_TLB
};

enum heapmon_target_state {
	HEAPMON_TARGET_RUNNING,
	HEAPMON_TARGET_EXITED,
	__HEAPMON_TARGET_STATE_LAST
};

#define HEAPMON_TARGET_STATE_MAX (__HEAPMON_TARGET_STATE_LAST - 1)

enum heapmon_target_attr {
	HEAPMON_TARGET_A_UNSPEC,
	HEAPMON_TARGET_A_PID,
	HEAPMON_TARGET_A_STATE,
	HEAPMON_TARGET_A_INTERVAL_MS,
	__HEAPMON_TARGET_A_LAST
};

#define HEAPMON_TARGET_A_MAX (__HEAPMON_TARGET_A_LAST - 1)

enum heapmon_stats_attr {
	HEAPMON_STATS_A_UNSPEC,
	HEAPMON_STATS_A_PAD,
	HEAPMON_STATS_A_TRACKED_BYTES,
	HEAPMON_STATS_A_RESIDENT_BYTES,
	HEAPMON_STATS_A_HUGE_BYTES,
	HEAPMON_STATS_A_TOUCHED_BYTES,
	HEAPMON_STATS_A_IDLE1_BYTES,
	HEAPMON_STATS_A_IDLE10_BYTES,
	HEAPMON_STATS_A_IDLE60_BYTES,
	HEAPMON_STATS_A_IDLE600_BYTES,
	HEAPMON_STATS_A_NEVER_BYTES,
	HEAPMON_STATS_A_FAULTS,
	HEAPMON_STATS_A_FIRST_FAULTS,
	HEAPMON_STATS_A_PASSES,
	HEAPMON_STATS_A_PASS_NS,
	HEAPMON_STATS_A_PASS_PAGES,
	HEAPMON_STATS_A_UNTRACKED_PAGES,
	HEAPMON_STATS_A_EVENTS_LOST,
	HEAPMON_STATS_A_FLAGS,
	HEAPMON_STATS_A_SKIPPED_PASSES,
	HEAPMON_STATS_A_SWAPPED_BYTES,
	HEAPMON_STATS_A_LOCK_YIELDS,
	HEAPMON_STATS_A_SECONDARY_MMU,
	HEAPMON_STATS_A_REVISIT,
	HEAPMON_STATS_A_DORMANT_PAGES,
	HEAPMON_STATS_A_TRAP,
	HEAPMON_STATS_A_TRAPS_ARMED,
	HEAPMON_STATS_A_TRAP_HITS,
	HEAPMON_STATS_A_TRAP_LOST,
	__HEAPMON_STATS_A_LAST
};

#define HEAPMON_STATS_A_MAX (__HEAPMON_STATS_A_LAST - 1)

enum heapmon_region_kind {
	HEAPMON_REGION_BRK,	/* the brk heap */
	HEAPMON_REGION_ANON,	/* an anonymous private mapping */
	__HEAPMON_REGION_KIND_LAST
};

#define HEAPMON_REGION_KIND_MAX (__HEAPMON_REGION_KIND_LAST - 1)

enum heapmon_region_attr {
	HEAPMON_REGION_A_UNSPEC,
	HEAPMON_REGION_A_PAD,
	HEAPMON_REGION_A_START,
	HEAPMON_REGION_A_END,
	HEAPMON_REGION_A_KIND,
	HEAPMON_REGION_A_STATS,
	__HEAPMON_REGION_A_LAST
};

#define HEAPMON_REGION_A_MAX (__HEAPMON_REGION_A_LAST - 1)

enum heapmon_chunk_flags {
	HEAPMON_CHUNK_F_HUGE = 1U << 0,
};

enum heapmon_chunk_attr {
	HEAPMON_CHUNK_A_UNSPEC,
	HEAPMON_CHUNK_A_PAD,
	HEAPMON_CHUNK_A_ADDR,
	HEAPMON_CHUNK_A_FLAGS,
	HEAPMON_CHUNK_A_BITMAP,
	HEAPMON_CHUNK_A_RECORDS,
	HEAPMON_CHUNK_A_SWAPPED,
	__HEAPMON_CHUNK_A_LAST
};

#define HEAPMON_CHUNK_A_MAX (__HEAPMON_CHUNK_A_LAST - 1)

enum heapmon_event_kind {
	HEAPMON_EVENT_BRK_GROW,
	HEAPMON_EVENT_BRK_SHRINK,
	HEAPMON_EVENT_MMAP,
	HEAPMON_EVENT_MUNMAP,
	HEAPMON_EVENT_MREMAP,
	HEAPMON_EVENT_FAULT,	/* first touch of pages heapmon did not know */
	HEAPMON_EVENT_EXEC,	/* the target replaced its address space */
	HEAPMON_EVENT_EXIT,
	HEAPMON_EVENT_TRAP,	/* an armed page touched (trap mode) */
	__HEAPMON_EVENT_KIND_LAST
};

#define HEAPMON_EVENT_KIND_MAX (__HEAPMON_EVENT_KIND_LAST - 1)

enum heapmon_event_attr {
	HEAPMON_EVENT_A_UNSPEC,
	HEAPMON_EVENT_A_PAD,
	HEAPMON_EVENT_A_SEQ,
	HEAPMON_EVENT_A_TIME_NS,
	HEAPMON_EVENT_A_KIND,
	HEAPMON_EVENT_A_ADDR,
	HEAPMON_EVENT_A_LEN,
	HEAPMON_EVENT_A_OLD_ADDR,
	HEAPMON_EVENT_A_IP,
	HEAPMON_EVENT_A_TID,
	HEAPMON_EVENT_A_IDLE,
	HEAPMON_EVENT_A_TRAP_FLAGS,
	__HEAPMON_EVENT_A_LAST
};

#define HEAPMON_EVENT_A_MAX (__HEAPMON_EVENT_A_LAST - 1)

enum heapmon_trap_flags {
	HEAPMON_TRAP_F_WRITE = 1U << 0,		/* the touch was a write */
	HEAPMON_TRAP_F_KERNEL = 1U << 1,	/* by the kernel, in a system call */
	/* By another process (ptrace, process_vm_readv) or a kernel thread: no TID, no IP. */
	HEAPMON_TRAP_F_REMOTE = 1U << 2,
};

enum heapmon_sample_attr {
	HEAPMON_SAMPLE_A_UNSPEC,
	HEAPMON_SAMPLE_A_PAD,
	HEAPMON_SAMPLE_A_TIME_NS,
	HEAPMON_SAMPLE_A_PASSES,
	HEAPMON_SAMPLE_A_TIER,
	HEAPMON_SAMPLE_A_RESIDENT_BYTES,
	HEAPMON_SAMPLE_A_SWAPPED_BYTES,
	HEAPMON_SAMPLE_A_TOUCHED_BYTES,
	HEAPMON_SAMPLE_A_IDLE1_BYTES,
	HEAPMON_SAMPLE_A_IDLE10_BYTES,
	HEAPMON_SAMPLE_A_IDLE60_BYTES,
	HEAPMON_SAMPLE_A_IDLE600_BYTES,
	HEAPMON_SAMPLE_A_NEVER_BYTES,
	__HEAPMON_SAMPLE_A_LAST
};

#define HEAPMON_SAMPLE_A_MAX (__HEAPMON_SAMPLE_A_LAST - 1)

#endif /* _UAPI_LINUX_HEAPMON_H */
