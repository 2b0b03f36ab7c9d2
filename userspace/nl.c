// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <linux/netlink.h>

#include "nl.h"

#ifdef HEAPMONCTL_TEST_PROTOCOL
/* Test builds pretend to speak another protocol version. */
static const unsigned int cli_protocol = HEAPMONCTL_TEST_PROTOCOL;
#else
static const unsigned int cli_protocol = HEAPMON_GENL_VERSION;
#endif

struct hm_call {
	struct hm_nl *nl;
	hm_reply_cb cb;
	void *arg;
	int done;		/* 1 while replies are expected */
	int cb_error;
};

/* Extended ack TLVs follow the nlmsgerr (or the DONE errno) when flagged. */
static void hm_parse_extack(struct hm_nl *nl, const struct nlmsghdr *hdr, size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *attrs;
	int len;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (hdr->nlmsg_len < NLMSG_HDRLEN + off)
		return;
	attrs = (struct nlattr *)((char *)hdr + NLMSG_HDRLEN + off);
	len = hdr->nlmsg_len - NLMSG_HDRLEN - off;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->message, sizeof(nl->message), "%s",
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static int hm_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct hm_call *call = arg;
	const struct nlmsghdr *hdr = (const struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	size_t off = sizeof(*err);

	(void)nla;
	/* Without NLM_F_CAPPED the request itself is echoed before the TLVs. */
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	hm_parse_extack(call->nl, hdr, off);
	call->nl->error = err->error;
	call->done = 0;
	return NL_STOP;
}

static int hm_finish_cb(struct nl_msg *msg, void *arg)
{
	struct hm_call *call = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);

	/* A dump that failed midway reports its errno in NLMSG_DONE. */
	if (nlmsg_datalen(hdr) >= (int)sizeof(int)) {
		int err = *(int *)nlmsg_data(hdr);

		if (err < 0) {
			call->nl->error = err;
			hm_parse_extack(call->nl, hdr, sizeof(int));
		}
	}
	call->done = 0;
	return NL_STOP;
}

static int hm_ack_cb(struct nl_msg *msg, void *arg)
{
	struct hm_call *call = arg;

	(void)msg;
	call->done = 0;
	return NL_STOP;
}

/* Sizes of the top-level attributes replies carry; nested ones are checked where decoded. */
static const struct nla_policy hm_reply_policy[HEAPMON_A_MAX + 1] = {
	[HEAPMON_A_VERSION] = { .type = NLA_STRING },
	[HEAPMON_A_PROTOCOL] = { .type = NLA_U32 },
	[HEAPMON_A_MAX_TARGETS] = { .type = NLA_U32 },
	[HEAPMON_A_MAX_TARGET_PAGES] = { .type = NLA_U64 },
	[HEAPMON_A_MAX_TOTAL_PAGES] = { .type = NLA_U64 },
	[HEAPMON_A_TARGET_COUNT] = { .type = NLA_U32 },
	[HEAPMON_A_MAX_MEMORY_MB] = { .type = NLA_U32 },
	[HEAPMON_A_MEMORY_BYTES] = { .type = NLA_U64 },
	[HEAPMON_A_PID] = { .type = NLA_U32 },
	[HEAPMON_A_INTERVAL_MS] = { .type = NLA_U32 },
	[HEAPMON_A_FLAGS] = { .type = NLA_U32 },
	[HEAPMON_A_STATE] = { .type = NLA_U32 },
	[HEAPMON_A_PASSES] = { .type = NLA_U64 },
	[HEAPMON_A_MAX_FLUSHES_PER_SEC] = { .type = NLA_U32 },
	[HEAPMON_A_FLUSHES_PER_SEC] = { .type = NLA_U32 },
	[HEAPMON_A_FLUSH_ROUNDS] = { .type = NLA_U64 },
	[HEAPMON_A_FLUSH_CPUS] = { .type = NLA_U64 },
	[HEAPMON_A_FLUSH_DEFERRED] = { .type = NLA_U64 },
	[HEAPMON_A_FLUSH_STALE_PASSES] = { .type = NLA_U64 },
	[HEAPMON_A_SLICE_COUNT] = { .type = NLA_U32 },
};

/* Parses a generic netlink message of heapmon's into r; returns 0 or -EBADMSG. */
static int hm_parse_reply(struct nl_msg *msg, struct hm_reply *r)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);

	if (genlmsg_parse(hdr, 0, r->tb, HEAPMON_A_MAX, hm_reply_policy) < 0)
		return -EBADMSG;
	r->attrs = genlmsg_attrdata(nlmsg_data(hdr), 0);
	r->len = genlmsg_attrlen(nlmsg_data(hdr), 0);
	return 0;
}

static int hm_valid_cb(struct nl_msg *msg, void *arg)
{
	struct hm_call *call = arg;
	struct hm_reply r;
	int ret;

	if (call->cb_error)
		return NL_SKIP;
	ret = hm_parse_reply(msg, &r);
	if (!ret && call->cb)
		ret = call->cb(&r, call->arg);
	if (ret < 0)
		call->cb_error = ret;
	return NL_OK;
}

/* Whether modprobe can find heapmon for the running kernel (its modules.dep lists it). */
static bool module_installed(const char **release)
{
	static struct utsname u;
	char path[sizeof(u.release) + 32], line[512];
	bool found = false;
	FILE *f;

	*release = "";
	if (uname(&u))
		return false;
	*release = u.release;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *colon = strchr(line, ':');
		const char *ko = strstr(line, "heapmon.ko");

		found = ko && (!colon || ko < colon) && (ko == line || ko[-1] == '/');
	}
	fclose(f);
	return found;
}

static void explain_no_module(void)
{
	const char *release;

	if (module_installed(&release))
		fprintf(stderr,
			"heapmonctl: the heapmon kernel module is not loaded; load it with 'modprobe heapmon' (as root).\n");
	else
		fprintf(stderr,
			"heapmonctl: the heapmon kernel module is not loaded, nor installed for kernel %s; build it with 'make module' in heapmon's source and load it with 'insmod heapmon.ko' (as root).\n",
			release);
}

static int nl_open(struct hm_nl *nl, bool quiet)
{
	struct genl_family *fam = NULL;
	struct nl_cache *cache = NULL;
	int one = 1;
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "heapmonctl: out of memory\n");
		return EXIT_FAIL;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		fprintf(stderr, "heapmonctl: cannot open a generic netlink socket: %s\n",
			nl_geterror(ret));
		goto err;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	ret = genl_ctrl_alloc_cache(nl->sk, &cache);
	if (ret < 0) {
		fprintf(stderr, "heapmonctl: cannot list generic netlink families: %s\n",
			nl_geterror(ret));
		goto err;
	}
	fam = genl_ctrl_search_by_name(cache, HEAPMON_GENL_NAME);
	if (!fam) {
		if (!quiet)
			explain_no_module();
		nl_cache_free(cache);
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return EXIT_NO_MODULE;
	}
	nl->family = genl_family_get_id(fam);
	nl->kernel_version = genl_family_get_version(fam);
	genl_family_put(fam);
	nl_cache_free(cache);

	if (nl->kernel_version != cli_protocol) {
		if (!quiet)
			fprintf(stderr,
				"heapmonctl: version mismatch: this heapmonctl speaks protocol %u, the loaded heapmon module speaks protocol %u; use the heapmonctl built with that module.\n",
				cli_protocol, nl->kernel_version);
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return EXIT_NO_MODULE;
	}
	return EXIT_OK;

err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return EXIT_FAIL;
}

int hm_nl_open(struct hm_nl *nl)
{
	return nl_open(nl, false);
}

int hm_nl_probe(struct hm_nl *nl)
{
	return nl_open(nl, true);
}

void hm_nl_close(struct hm_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *hm_nl_msg(struct hm_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
			 cli_protocol)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int hm_nl_call(struct hm_nl *nl, struct nl_msg *msg, hm_reply_cb cb, void *arg)
{
	struct hm_call call = { .nl = nl, .cb = cb, .arg = arg, .done = 1 };
	struct nl_cb *nlcb;
	int ret;

	nl->error = 0;
	nl->message[0] = '\0';
	if (!msg)
		return -ENOMEM;
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;

	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(nlcb, NL_CB_CUSTOM, hm_error_cb, &call);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, hm_finish_cb, &call);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, hm_ack_cb, &call);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, hm_valid_cb, &call);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(nlcb);
		return -EIO;
	}
	while (call.done) {
		ret = nl_recvmsgs(nl->sk, nlcb);
		if (ret == -NLE_DUMP_INTR) {
			/* Drain what is left of the interrupted dump. */
			while (call.done && nl_recvmsgs(nl->sk, nlcb) >= 0)
				;
			nl_cb_put(nlcb);
			return -EINTR;
		}
		if (ret < 0 && !nl->error) {
			nl_cb_put(nlcb);
			return -EIO;
		}
	}
	nl_cb_put(nlcb);
	if (nl->error)
		return nl->error;
	return call.cb_error;
}

int hm_nl_perror(const struct hm_nl *nl, const char *what, int err)
{
	if (nl->message[0])
		fprintf(stderr, "heapmonctl: %s: %s: %s\n", what, strerror(-err), nl->message);
	else
		fprintf(stderr, "heapmonctl: %s: %s\n", what, strerror(-err));
	return EXIT_FAIL;
}

/* libnl's error codes, back to the errno they came from, for the few that matter here. */
static int hm_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AGAIN:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

/* Receive buffer of the events socket: room for bursts; an overrun costs a dump. */
#define HM_EVENTS_RCVBUF (1 << 20)

int hm_nl_open_events(struct hm_nl *nl, struct nl_sock **sk)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, HEAPMON_GENL_NAME, HEAPMON_MCGRP_EVENTS);
	if (grp < 0)
		return hm_errno(grp);
	*sk = nl_socket_alloc();
	if (!*sk)
		return -ENOMEM;
	nl_socket_disable_seq_check(*sk);
	ret = genl_connect(*sk);
	if (!ret)
		ret = nl_socket_set_nonblocking(*sk);
	if (!ret)
		nl_socket_set_buffer_size(*sk, HM_EVENTS_RCVBUF, 0);
	if (!ret)
		ret = nl_socket_add_membership(*sk, grp);
	if (ret < 0) {
		nl_socket_free(*sk);
		*sk = NULL;
		return hm_errno(ret);
	}
	return 0;
}

struct hm_events_call {
	hm_reply_cb cb;
	void *arg;
	int cb_error;
};

static int hm_event_valid_cb(struct nl_msg *msg, void *arg)
{
	struct hm_events_call *call = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct hm_reply r;
	int ret;

	if (call->cb_error || !genlmsg_valid_hdr(hdr, 0) ||
	    genlmsg_hdr(hdr)->cmd != HEAPMON_CMD_EVENT)
		return NL_SKIP;
	ret = hm_parse_reply(msg, &r);
	if (!ret)
		ret = call->cb(&r, call->arg);
	if (ret < 0)
		call->cb_error = ret;
	return NL_OK;
}

int hm_nl_recv_events(struct nl_sock *sk, hm_reply_cb cb, void *arg)
{
	struct hm_events_call call = { .cb = cb, .arg = arg };
	struct nl_cb *sk_cb = nl_socket_get_cb(sk);
	struct nl_cb *nlcb = nl_cb_clone(sk_cb);
	int ret;

	nl_cb_put(sk_cb);
	if (!nlcb)
		return -ENOMEM;
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, hm_event_valid_cb, &call);
	/* Non-blocking: each round reads one datagram; 0 means nothing is left. */
	do {
		ret = nl_recvmsgs_report(sk, nlcb);
	} while (ret > 0 && !call.cb_error);
	nl_cb_put(nlcb);
	if (call.cb_error)
		return call.cb_error;
	if (ret == -NLE_NOMEM)
		return -ENOBUFS;	/* recvmsg() said ENOBUFS: the socket overran */
	return ret < 0 && ret != -NLE_AGAIN ? hm_errno(ret) : 0;
}

int hm_nl_parse_nested(struct nlattr **tb, int max, struct nlattr *nla,
		       const struct nla_policy *policy)
{
	return nla_parse_nested(tb, max, nla, policy) < 0 ? -EBADMSG : 0;
}
