/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink client layer: every exchange with heapmon.ko goes through here.
 */
#ifndef HEAPMONCTL_NL_H
#define HEAPMONCTL_NL_H

#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/heapmon.h>

/* Exit statuses shared by every subcommand. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the kernel refused or a request failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NO_MODULE = 3,	/* heapmon is not loaded, or speaks another protocol */
};

struct hm_nl {
	struct nl_sock *sk;
	int family;
	unsigned int kernel_version;
	int error;		/* negative errno of the last request */
	char message[256];	/* the kernel's extack message, if any */
};

/*
 * One reply message: tb holds the last attribute of each type, attrs/len the
 * whole attribute stream, for the types a message repeats (HEAPMON_A_REGION,
 * HEAPMON_A_CHUNK, HEAPMON_A_EVENT), to walk with nla_for_each_attr().
 */
struct hm_reply {
	struct nlattr *tb[HEAPMON_A_MAX + 1];
	struct nlattr *attrs;
	int len;
};

/* Called once per reply message; a negative errno stops the call and is returned. */
typedef int (*hm_reply_cb)(const struct hm_reply *r, void *arg);

/* Connects and checks the protocol; prints why and returns an exit status on failure. */
int hm_nl_open(struct hm_nl *nl);
/* The same without a word: EXIT_NO_MODULE when absent (or, with kernel_version set, mismatched). */
int hm_nl_probe(struct hm_nl *nl);
void hm_nl_close(struct hm_nl *nl);

/* A new request for cmd; add attributes with libnl's nla_put_*(). */
struct nl_msg *hm_nl_msg(struct hm_nl *nl, uint8_t cmd, int flags);

/*
 * Sends msg (and frees it) and feeds each reply to cb. Returns 0 or a
 * negative errno; nl->message then holds the kernel's explanation, if any.
 * A dump interrupted by a concurrent change returns -EINTR.
 */
int hm_nl_call(struct hm_nl *nl, struct nl_msg *msg, hm_reply_cb cb, void *arg);

/* "heapmonctl: WHAT: strerror[: kernel message]" on stderr; returns EXIT_FAIL. */
int hm_nl_perror(const struct hm_nl *nl, const char *what, int err);

/*
 * A second socket subscribed to the multicast group HEAPMON_MCGRP_EVENTS, in
 * *sk (free it with nl_socket_free()). Returns 0 or a negative errno.
 */
int hm_nl_open_events(struct hm_nl *nl, struct nl_sock **sk);

/*
 * Reads what is waiting on a socket from hm_nl_open_events() without blocking
 * and feeds each HEAPMON_CMD_EVENT message to cb. Returns 0, -ENOBUFS when
 * messages were dropped because the socket's buffer overran, or another
 * negative errno.
 */
int hm_nl_recv_events(struct nl_sock *sk, hm_reply_cb cb, void *arg);

/* The attribute table of nested attribute nla, checked against policy (may be NULL). */
int hm_nl_parse_nested(struct nlattr **tb, int max, struct nlattr *nla,
		       const struct nla_policy *policy);	/* 0 or -EBADMSG */

#endif
