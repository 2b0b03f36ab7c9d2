// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "heapmon". Its contract is
 * include/uapi/linux/heapmon.h; the policies below enforce it, so the
 * handlers read attributes without checking them again.
 */

#include <net/genetlink.h>

#include <uapi/linux/heapmon.h>

#include "heapmon.h"
#include "netlink.h"

static struct genl_family hm_genl_family;

/* STATUS takes no attributes: strict validation rejects every one. */
static const struct nla_policy hm_status_policy[HEAPMON_A_MAX + 1] = {
};

static int hm_put_status(struct sk_buff *skb)
{
	struct nlattr *targets;

	if (nla_put_string(skb, HEAPMON_A_VERSION, HEAPMON_VERSION) ||
	    nla_put_u32(skb, HEAPMON_A_PROTOCOL, HEAPMON_GENL_VERSION) ||
	    nla_put_u32(skb, HEAPMON_A_MAX_TARGETS, hm_max_targets) ||
	    nla_put_u64_64bit(skb, HEAPMON_A_MAX_TARGET_PAGES, hm_max_target_pages,
			      HEAPMON_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, HEAPMON_A_MAX_TOTAL_PAGES, hm_max_total_pages,
			      HEAPMON_A_UNSPEC) ||
	    nla_put_u32(skb, HEAPMON_A_TARGET_COUNT, 0))
		return -EMSGSIZE;

	targets = nla_nest_start(skb, HEAPMON_A_TARGETS);
	if (!targets)
		return -EMSGSIZE;
	nla_nest_end(skb, targets);
	return 0;
}

static int hm_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &hm_genl_family, 0, HEAPMON_CMD_STATUS);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}

	ret = hm_put_status(msg);
	if (ret)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_ops hm_genl_ops[] = {
	{
		.cmd = HEAPMON_CMD_STATUS,
		.doit = hm_status_doit,
		.policy = hm_status_policy,
		.maxattr = HEAPMON_A_MAX,
	},
};

static const struct genl_multicast_group hm_mcgrps[] = {
	{ .name = HEAPMON_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family hm_genl_family __ro_after_init = {
	.name = HEAPMON_GENL_NAME,
	.version = HEAPMON_GENL_VERSION,
	.maxattr = HEAPMON_A_MAX,
	.module = THIS_MODULE,
	.ops = hm_genl_ops,
	.n_ops = ARRAY_SIZE(hm_genl_ops),
	.mcgrps = hm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(hm_mcgrps),
};

int __init hm_netlink_init(void)
{
	return genl_register_family(&hm_genl_family);
}

void hm_netlink_uninit(void)
{
	genl_unregister_family(&hm_genl_family);
}
