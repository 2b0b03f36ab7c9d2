/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * heapmon: per-page access statistics of a running process's anonymous heap.
 *
 * This header is the contract between heapmon.ko and its clients. The
 * transport is the generic netlink family HEAPMON_GENL_NAME, version
 * HEAPMON_GENL_VERSION. Every command is strictly validated: an attribute a
 * command does not list below, an attribute of the wrong size and an unknown
 * command are all rejected with an errno and, where the kernel gives one, an
 * extended ack message. Integers are in host byte order.
 *
 * Permissions: HEAPMON_CMD_STATUS is open to every user. Every other command
 * needs CAP_NET_ADMIN (checked by generic netlink) and CAP_SYS_PTRACE (checked
 * by heapmon), and fails with EPERM otherwise.
 *
 * HEAPMON_CMD_STATUS
 * ------------------
 *
 *   Request: no attributes.
 *   Reply:
 *     HEAPMON_A_VERSION: NLA_NUL_STRING, the module version, "X.Y.Z"
 *     HEAPMON_A_PROTOCOL: NLA_U32, equal to HEAPMON_GENL_VERSION
 *     HEAPMON_A_MAX_TARGETS: NLA_U32, the max_targets module parameter
 *     HEAPMON_A_MAX_TARGET_PAGES: NLA_U64, the max_target_pages parameter
 *     HEAPMON_A_MAX_TOTAL_PAGES: NLA_U64, the max_total_pages parameter
 *     HEAPMON_A_TARGET_COUNT: NLA_U32, targets currently watched
 *     HEAPMON_A_TARGETS: NLA_NESTED, one entry per target:
 *       0: NLA_NESTED
 *         HEAPMON_TARGET_A_PID: NLA_U32
 *         HEAPMON_TARGET_A_STATE: NLA_U32, enum heapmon_target_state
 *         HEAPMON_TARGET_A_INTERVAL_MS: NLA_U32
 *       1: NLA_NESTED
 *         ...
 *
 * Multicast group HEAPMON_MCGRP_EVENTS ("events") is registered for heap
 * events; its messages are described with the commands that produce them.
 */

#ifndef _UAPI_LINUX_HEAPMON_H
#define _UAPI_LINUX_HEAPMON_H

#define HEAPMON_GENL_NAME "heapmon"
#define HEAPMON_GENL_VERSION 1
#define HEAPMON_MCGRP_EVENTS "events"

enum heapmon_cmd {
	HEAPMON_CMD_UNSPEC,
	HEAPMON_CMD_STATUS,
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
	__HEAPMON_A_LAST
};

#define HEAPMON_A_MAX (__HEAPMON_A_LAST - 1)

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

#endif /* _UAPI_LINUX_HEAPMON_H */
