// SPDX-License-Identifier: GPL-2.0
/*
 * genlsend: send one hand-made generic netlink message to a family and print
 * how the kernel answered. Tests use it to send what heapmonctl never would.
 *
 *   genlsend [-f FAMILY] [-d] [-v VERSION] CMD [TYPE:KIND:VALUE]...
 *
 * KIND is u8, u16, u32, u64, str (NUL-terminated), raw (hex bytes), or
 * nest (VALUE is a comma list of TYPE=u32 pairs), or badlen (an attribute
 * header that claims VALUE bytes, more than the message holds).
 * -d sends a dump request.
 * Prints "ok" (with "N messages" for a dump), or "error ERRNO-NAME: MESSAGE".
 *
 * A slow dump reader: -b BYTES receives at most BYTES per recv (the kernel
 * then builds dump messages no larger), -s MS sleeps before every recv but
 * the first. -i TYPE counts the dump's top-level attributes of TYPE and adds
 * "M items last ADDR intr|nointr first ADDR" to "ok": ADDR is the u64
 * attribute -k SUB of the last (first) item (0x0 without one), intr when a
 * message or NLMSG_DONE had NLM_F_DUMP_INTR.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

static char buf[1 << 16];
static char rbuf[1 << 17];
static size_t rlen = sizeof(rbuf);

/* Items of type item_type in the dump, and the u64 attribute last_sub of the last one. */
struct items {
	int type;
	int sub;
	long count;
	uint64_t first;
	uint64_t last;
};

static void count_items(struct nlmsghdr *nlh, struct items *it)
{
	struct nlattr *nla = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	int rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= rem;
	     rem -= NLA_ALIGN(nla->nla_len),
	     nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len))) {
		struct nlattr *sub = (struct nlattr *)((char *)nla + NLA_HDRLEN);
		int srem = nla->nla_len - NLA_HDRLEN;

		if ((nla->nla_type & NLA_TYPE_MASK) != it->type)
			continue;
		it->count++;
		it->last = 0;
		for (; srem >= NLA_HDRLEN && sub->nla_len >= NLA_HDRLEN && sub->nla_len <= srem;
		     srem -= NLA_ALIGN(sub->nla_len),
		     sub = (struct nlattr *)((char *)sub + NLA_ALIGN(sub->nla_len)))
			if ((sub->nla_type & NLA_TYPE_MASK) == it->sub &&
			    sub->nla_len == NLA_HDRLEN + 8)
				memcpy(&it->last, (char *)sub + NLA_HDRLEN, 8);
		if (it->count == 1)
			it->first = it->last;
	}
}

static struct nlattr *put_attr(struct nlmsghdr *nlh, int type, const void *data, int len)
{
	struct nlattr *nla = (struct nlattr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
	return nla;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_spec(struct nlmsghdr *nlh, char *spec)
{
	char *kind = strchr(spec, ':');
	char *val = kind ? strchr(kind + 1, ':') : NULL;
	int type;

	if (!kind || !val) {
		fprintf(stderr, "genlsend: bad attribute '%s'\n", spec);
		exit(2);
	}
	*kind++ = '\0';
	*val++ = '\0';
	type = atoi(spec);
	if (!strcmp(kind, "u8")) {
		uint8_t v = strtoull(val, NULL, 0);

		put_attr(nlh, type, &v, 1);
	} else if (!strcmp(kind, "u16")) {
		uint16_t v = strtoull(val, NULL, 0);

		put_attr(nlh, type, &v, 2);
	} else if (!strcmp(kind, "u32")) {
		uint32_t v = strtoull(val, NULL, 0);

		put_attr(nlh, type, &v, 4);
	} else if (!strcmp(kind, "u64")) {
		uint64_t v = strtoull(val, NULL, 0);

		put_attr(nlh, type, &v, 8);
	} else if (!strcmp(kind, "str")) {
		put_attr(nlh, type, val, strlen(val) + 1);
	} else if (!strcmp(kind, "raw")) {
		unsigned char raw[4096];
		int n = 0;

		while (val[0] && val[1] && n < (int)sizeof(raw)) {
			raw[n++] = hexval(val[0]) << 4 | hexval(val[1]);
			val += 2;
		}
		put_attr(nlh, type, raw, n);
	} else if (!strcmp(kind, "badlen")) {
		struct nlattr *nla = put_attr(nlh, type, NULL, 0);

		nla->nla_len = atoi(val);
	} else if (!strcmp(kind, "nest")) {
		struct nlattr *nest = put_attr(nlh, type | NLA_F_NESTED, NULL, 0);
		char *tok, *save = NULL;

		for (tok = strtok_r(val, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			uint32_t v;

			if (!eq)
				continue;
			*eq = '\0';
			v = strtoul(eq + 1, NULL, 0);
			put_attr(nlh, atoi(tok), &v, 4);
		}
		nest->nla_len = (char *)nlh + nlh->nlmsg_len - (char *)nest;
	} else {
		fprintf(stderr, "genlsend: unknown kind '%s'\n", kind);
		exit(2);
	}
}

static void print_extack(struct nlmsghdr *nlh, size_t off)
{
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - off;
	struct nlattr *nla = (struct nlattr *)((char *)NLMSG_DATA(nlh) + off);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (len >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= len) {
		if (nla->nla_type == NLMSGERR_ATTR_MSG)
			printf(": %s", (char *)nla + NLA_HDRLEN);
		len -= NLA_ALIGN(nla->nla_len);
		nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len));
	}
}

/* Returns the family id, or exits. */
static int resolve(int fd, const char *name)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g;
	int len;

	memset(buf, 0, 64);
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	g = NLMSG_DATA(nlh);
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	put_attr(nlh, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0) {
		perror("genlsend: send");
		exit(1);
	}
	len = recv(fd, rbuf, rlen, 0);
	nlh = (struct nlmsghdr *)rbuf;
	if (len > 0 && nlh->nlmsg_type == GENL_ID_CTRL) {
		struct nlattr *nla = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
		int rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		while (rem >= NLA_HDRLEN) {
			if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)nla + NLA_HDRLEN);
			rem -= NLA_ALIGN(nla->nla_len);
			nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len));
		}
	}
	printf("error ENOENT: no family %s\n", name);
	exit(1);
}

int main(int argc, char **argv)
{
	const char *family = "heapmon";
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g;
	int dump = 0, version = 1, one = 1, fd, id, c, messages = 0, intr = 0, sleep_ms = 0;
	struct items it = { .type = -1 };

	while ((c = getopt(argc, argv, "f:dv:b:s:i:k:")) != -1) {
		switch (c) {
		case 'f':
			family = optarg;
			break;
		case 'd':
			dump = 1;
			break;
		case 'v':
			version = atoi(optarg);
			break;
		case 'b':
			rlen = strtoul(optarg, NULL, 0);
			if (rlen < 1024 || rlen > sizeof(rbuf))
				return 2;
			break;
		case 's':
			sleep_ms = atoi(optarg);
			break;
		case 'i':
			it.type = atoi(optarg);
			break;
		case 'k':
			it.sub = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: genlsend [-f FAMILY] [-d] [-v VERSION] CMD [TYPE:KIND:VALUE]...\n");
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("genlsend: socket");
		return 1;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	id = resolve(fd, family);

	memset(buf, 0, 64);
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = 2;
	g = NLMSG_DATA(nlh);
	g->cmd = atoi(argv[optind]);
	g->version = version;
	for (c = optind + 1; c < argc; c++)
		put_spec(nlh, argv[c]);
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0) {
		printf("error %s: send failed\n", errname(errno));
		return 1;
	}
	for (int first = 1;; first = 0) {
		struct timespec ts = { sleep_ms / 1000, sleep_ms % 1000 * 1000000L };
		int len;

		if (!first && sleep_ms)
			nanosleep(&ts, NULL);
		len = recv(fd, rbuf, rlen, 0);

		if (len < 0) {
			printf("error %s: recv failed\n", errname(errno));
			return 1;
		}
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				int err = *(int *)NLMSG_DATA(nlh);
				size_t off = nlh->nlmsg_type == NLMSG_ERROR ?
					     sizeof(struct nlmsgerr) : sizeof(int);

				if (!err) {
					if (dump && it.type >= 0)
						printf("ok %d messages %ld items last 0x%" PRIx64
						       " %s first 0x%" PRIx64 "\n",
						       messages, it.count, it.last,
						       intr ? "intr" : "nointr", it.first);
					else if (dump)
						printf("ok %d messages\n", messages);
					else
						printf("ok\n");
					return 0;
				}
				printf("error %s", errname(-err));
				print_extack(nlh, off);
				printf("\n");
				return 1;
			}
			messages++;
			if (it.type >= 0)
				count_items(nlh, &it);
		}
	}
}
