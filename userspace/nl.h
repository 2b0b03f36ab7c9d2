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

/* Called once per reply message with its top-level attributes. */
typedef int (*hm_reply_cb)(struct nlattr **tb, void *arg);

/* Connects and checks the protocol; prints why and returns an exit status on failure. */
int hm_nl_open(struct hm_nl *nl);
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

/* Attribute tables for nested attributes, by parsing nla with policy-less nla_parse_nested(). */
int hm_nl_parse_nested(struct nlattr **tb, int max, struct nlattr *nla);

#endif
