// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: send random and malformed generic netlink messages to heapmon and
 * check every answer against what generic netlink and heapmon promise.
 *
 *   nlfuzz [-n COUNT] [-s SEED] [-t SECONDS] [-u] [-x MSG]
 *
 * Sends COUNT (100000) messages, each with NLM_F_REQUEST | NLM_F_ACK and its
 * own sequence number, made by one of five generators picked at random:
 *   random   random command 0..12 and version, 0..6 random attributes
 *   extreme  the right attributes for a real command, with extreme values or
 *            the wrong size
 *   lying    truncated or lying headers: nlmsg_len too short, longer than
 *            what is sent, nla_len past the end or below 4, trailing bytes
 *   nest     an NLA_F_NESTED attribute holding random bytes or nests 1..8 deep
 *   dump     NLM_F_DUMP of REGIONS, PAGES, EVENTS, HISTORY or STATUS; one in three is
 *            abandoned: sent on a second socket with a tiny receive buffer,
 *            which is closed after at most one read
 * The PRNG is xorshift64 seeded with SEED (1): a run can be replayed. Only the
 * PID getpid() stands for differs between runs. -t stops after SECONDS of
 * wall time. -x MSG prints message number MSG and its answer on stderr.
 *
 * Every answer is counted: acked (an ack, or a dump's NLMSG_DONE with 0), by
 * errno, or unanswered. The kernel drops a message without an answer when
 * nlmsg_len < NLMSG_HDRLEN or when nlmsg_len is more than the bytes sent
 * (netlink_rcv_skb); those count as dropped as expected. Violations:
 *   - a message the kernel must answer gets no answer within 2 s;
 *   - an errno other than EINVAL, EOPNOTSUPP, ERANGE, ENOENT, ESRCH, EEXIST,
 *     EPERM, ENOSPC, EMSGSIZE;
 *   - with a valid genl header (nlmsg_len covers it, reserved 0, no nlmsg
 *     flags beyond REQUEST, ACK, ECHO and DUMP, which genl_header_check
 *     rejects first): an unknown command (0, HEAPMON_CMD_EVENT, or above
 *     HEAPMON_CMD_MAX)
 *     not answered EOPNOTSUPP, or a STATUS request (not a dump) that
 *     carries an attribute not answered EINVAL;
 *   - success for a message with a top-level attribute type above
 *     HEAPMON_A_MAX (strict validation rejects it).
 * With -u the caller lacks CAP_NET_ADMIN, and also: success only for STATUS,
 * errors only EPERM, EOPNOTSUPP or EINVAL, and for every other command up to
 * HEAPMON_CMD_MAX (2..7, 9 and 10; 8, EVENT, is unknown) with a valid genl
 * header only EPERM (GENL_ADMIN_PERM) or EOPNOTSUPP (6.2 and later look the
 * command up as do or dump before checking permissions).
 *
 * At the end it unwatches getpid(), 1 and every PID a WATCH succeeded for.
 * Prints one summary line, then the first violations; exits 0 when there is
 * no violation, 1 otherwise, 2 on a usage or setup error.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/heapmon.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MSG_MAX 4096
#define HDRS_LEN (NLMSG_HDRLEN + GENL_HDRLEN)
#define ANSWER_NONE 1		/* no answer: not an errno, not 0 */
#define MAX_REPORTS 10
#define MAX_WATCHED 64
#define RCVBUF_BIG (8 << 20)
#define RCVBUF_TINY 1024

enum gen { GEN_RANDOM, GEN_EXTREME, GEN_LYING, GEN_NEST, GEN_DUMP, NR_GENS };

static const char * const gen_names[NR_GENS] = {
	"random", "extreme", "lying", "nest", "dump",
};

struct msg {
	union {
		struct nlmsghdr nlh;
		unsigned char b[MSG_MAX];
	};
	size_t len;		/* bytes laid out */
	size_t send_len;	/* bytes sent */
	size_t last;		/* offset of the last top-level attribute, 0 if none */
	int gen;
	const char *what;	/* the variant, for reports */
	int abandon;
};

/* What the kernel is bound to do with a message, from its bytes alone. */
struct expect {
	int must_answer;	/* netlink_rcv_skb parses it, so it answers */
	int genl_ok;		/* the genl header passes genl_header_check */
	int dump;
	unsigned int cmd;
	int attr_bytes;		/* bytes after the genl header, in nlmsg_len */
	int max_type;		/* largest top-level type the kernel walks, -1 */
};

static const int counted_errnos[] = {
	EINVAL, EOPNOTSUPP, ERANGE, ENOENT, ESRCH, EEXIST, EPERM, ENOSPC, EMSGSIZE,
};

static struct {
	unsigned long sent, acked, other, dumps, abandoned, dropped, unanswered;
	unsigned long violations, enobufs;
	unsigned long errs[ARRAY_SIZE(counted_errnos)];
} st;

static char reports[MAX_REPORTS][320];
static uint32_t watched[MAX_WATCHED];
static unsigned int nwatched;

static uint64_t rng;
static uint16_t family_id;
static uint32_t self_pid;
static uint32_t seq = 100;
static int unpriv;
static unsigned long show_msg;
static unsigned long cur_index;		/* the message being sent, for errors */

static struct msg msgbuf;
static unsigned char rbuf[1 << 17] __attribute__((aligned(8)));

static void cleanup(void);

/* Gives up: says why, unwatches what the run may have watched, exits 2. */
static void fatal(const char *what)
{
	static int dying;

	perror(what);
	if (family_id && !dying) {
		dying = 1;
		cleanup();
	}
	exit(2);
}

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

/* Message building. Callers keep well below MSG_MAX. */

static void msg_init(struct msg *m, int gen, unsigned int cmd, uint16_t flags)
{
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);

	memset(m->b, 0, HDRS_LEN);
	m->nlh.nlmsg_type = family_id;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g->cmd = cmd;
	g->version = HEAPMON_GENL_VERSION;
	m->len = HDRS_LEN;
	m->last = 0;
	m->gen = gen;
	m->what = "";
	m->abandon = 0;
}

static size_t put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *nla = (struct nlattr *)(m->b + m->len);
	size_t off = m->len;

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > MSG_MAX) {
		errno = EMSGSIZE;
		fatal("nlfuzz: building a message");
	}
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memset(m->b + off + NLA_HDRLEN, 0, NLA_ALIGN(len));
	if (len)
		memcpy(m->b + off + NLA_HDRLEN, data, len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
	return off;
}

static void put_random(struct msg *m, uint16_t type, size_t len)
{
	unsigned char data[64];
	size_t i;

	for (i = 0; i < len; i++)
		data[i] = rnd();
	put_attr(m, type, data, len);
}

/* An integer attribute of size bytes: 4 and 8 are right, others wrong. */
static void put_int(struct msg *m, uint16_t type, uint64_t v, size_t size)
{
	unsigned char data[16] = { 0 };
	uint32_t v32 = v;

	if (size == 4)
		memcpy(data, &v32, 4);
	else
		memcpy(data, &v, 8);
	put_attr(m, type, data, size);
}

static void nest_end(struct msg *m, size_t off)
{
	((struct nlattr *)(m->b + off))->nla_len = m->len - off;
}

static void msg_finish(struct msg *m)
{
	m->nlh.nlmsg_len = m->len;
	m->send_len = m->len;
}

static struct genlmsghdr *msg_genl(struct msg *m)
{
	return (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
}

/* Values. */

static uint32_t pid_value(void)
{
	static const uint32_t pids[] = {
		0, 1, 2, 0, 0x7fffffff, 0xffffffff, 4194304, 4194305,
	};
	unsigned int i = rnd_below(ARRAY_SIZE(pids));

	return i == 3 ? self_pid : pids[i];
}

static uint32_t interval_value(void)
{
	static const uint32_t v[] = { 0, 9, 10, 3600000, 3600001, 0xffffffff };

	return v[rnd_below(ARRAY_SIZE(v))];
}

static uint32_t flags_value(void)
{
	unsigned int i = rnd_below(9);

	return i == 8 ? 0xffffffff : i;
}

static uint64_t addr_value(void)
{
	static const uint64_t v[] = {
		0, ~0ULL, 0x1000, 0x7ffffffff000ULL, 0x8000000000000000ULL,
	};
	unsigned int i = rnd_below(ARRAY_SIZE(v) + 2);

	if (i == ARRAY_SIZE(v))
		return (uint64_t)(uintptr_t)&msgbuf & ~0xfffULL;
	if (i > ARRAY_SIZE(v))
		return rnd();
	return v[i];
}

static uint64_t seq_value(void)
{
	static const uint64_t v[] = { 0, 1, 1024, ~0ULL, ~0ULL >> 1 };

	return v[rnd_below(ARRAY_SIZE(v))];
}

struct int_attr {
	uint16_t type;
	uint64_t value;
	size_t size;
};

/* One request attribute of any command, of the right type and size. */
static struct int_attr any_request_attr(void)
{
	struct int_attr a = { 0, 0, 4 };

	switch (rnd_below(7)) {
	case 0:
		a = (struct int_attr){ HEAPMON_A_PID, pid_value(), 4 };
		break;
	case 1:
		a = (struct int_attr){ HEAPMON_A_INTERVAL_MS, interval_value(), 4 };
		break;
	case 2:
		a = (struct int_attr){ HEAPMON_A_FLAGS, flags_value(), 4 };
		break;
	case 3:
		a = (struct int_attr){ HEAPMON_A_IDLE_MIN, rnd_below(2) ? 0xffffffff : 0, 4 };
		break;
	case 4:
		a = (struct int_attr){ HEAPMON_A_ADDR_START, addr_value(), 8 };
		break;
	case 5:
		a = (struct int_attr){ HEAPMON_A_ADDR_END, addr_value(), 8 };
		break;
	default:
		a = (struct int_attr){ HEAPMON_A_SEQ_MIN, seq_value(), 8 };
		break;
	}
	return a;
}

/* The attributes a real command takes, with extreme values; returns how many. */
static unsigned int request_attrs(unsigned int cmd, struct int_attr *a)
{
	unsigned int n = 0;

	if (cmd == HEAPMON_CMD_STATUS) {
		if (!rnd_below(4))
			a[n++] = any_request_attr();
		return n;
	}
	if (rnd_below(8))
		a[n++] = (struct int_attr){ HEAPMON_A_PID, pid_value(), 4 };
	switch (cmd) {
	case HEAPMON_CMD_WATCH:
		if (rnd_below(2))
			a[n++] = (struct int_attr){ HEAPMON_A_INTERVAL_MS, interval_value(), 4 };
		if (rnd_below(2))
			a[n++] = (struct int_attr){ HEAPMON_A_FLAGS, flags_value(), 4 };
		break;
	case HEAPMON_CMD_PAGES:
		if (rnd_below(2))
			a[n++] = (struct int_attr){ HEAPMON_A_IDLE_MIN,
						    rnd_below(2) ? 0xffffffff : 0, 4 };
		if (!rnd_below(4)) {
			/* A reversed range. */
			uint64_t x = rnd(), y = rnd();

			a[n++] = (struct int_attr){ HEAPMON_A_ADDR_START, x > y ? x : y, 8 };
			a[n++] = (struct int_attr){ HEAPMON_A_ADDR_END, x > y ? y : x, 8 };
			break;
		}
		if (rnd_below(2))
			a[n++] = (struct int_attr){ HEAPMON_A_ADDR_START, addr_value(), 8 };
		if (rnd_below(2))
			a[n++] = (struct int_attr){ HEAPMON_A_ADDR_END, addr_value(), 8 };
		break;
	case HEAPMON_CMD_EVENTS:
		if (rnd_below(2))
			a[n++] = (struct int_attr){ HEAPMON_A_SEQ_MIN, seq_value(), 8 };
		break;
	}
	/* Sometimes an attribute this command does not take. */
	if (!rnd_below(8))
		a[n++] = any_request_attr();
	return n;
}

static void put_ints(struct msg *m, const struct int_attr *a, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		m->last = m->len;
		put_int(m, a[i].type, a[i].value, a[i].size);
	}
}

static unsigned int real_cmd(void)
{
	return HEAPMON_CMD_STATUS + rnd_below(HEAPMON_CMD_EVENTS);
}

/* REGIONS, PAGES and EVENTS are dumps: mostly ask for them that way. */
static uint16_t real_flags(unsigned int cmd)
{
	if (cmd >= HEAPMON_CMD_REGIONS && cmd <= HEAPMON_CMD_EVENTS && rnd_below(8))
		return NLM_F_DUMP;
	return 0;
}

/* The generators. */

static void gen_random(struct msg *m)
{
	static const uint16_t odd_flags[] = {
		NLM_F_ECHO, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_MULTI,
		NLM_F_DUMP_INTR, NLM_F_REPLACE, NLM_F_CREATE,
	};
	unsigned int i, n = rnd_below(7);
	uint16_t flags = 0;

	if (!rnd_below(8))
		flags |= NLM_F_DUMP;
	if (!rnd_below(16))
		flags |= odd_flags[rnd_below(ARRAY_SIZE(odd_flags))];
	msg_init(m, GEN_RANDOM, rnd_below(13), flags);
	msg_genl(m)->version = rnd();
	if (!rnd_below(16))
		msg_genl(m)->reserved = rnd();
	for (i = 0; i < n; i++) {
		uint16_t type = rnd_below(41);
		size_t len = rnd_below(65);

		if (!rnd_below(8))
			type |= NLA_F_NESTED;
		if (!rnd_below(8))
			type |= NLA_F_NET_BYTEORDER;
		if (!rnd_below(3))
			len = rnd_below(2) ? 4 : 8;
		m->last = m->len;
		put_random(m, type, len);
	}
	msg_finish(m);
}

static void gen_extreme(struct msg *m)
{
	static const size_t wrong_sizes[] = { 1, 2, 3, 5, 7, 9 };
	unsigned int cmd = real_cmd(), n;
	struct int_attr a[8];

	msg_init(m, GEN_EXTREME, cmd, real_flags(cmd));
	n = request_attrs(cmd, a);
	if (n && !rnd_below(4)) {
		a[rnd_below(n)].size = wrong_sizes[rnd_below(ARRAY_SIZE(wrong_sizes))];
		m->what = "wrong size";
	}
	put_ints(m, a, n);
	msg_finish(m);
}

enum lie {
	LIE_NLMSG_SHORT,	/* nlmsg_len < NLMSG_HDRLEN */
	LIE_GENL_SHORT,		/* nlmsg_len cuts into the genl header */
	LIE_LEN_PAST_SENT,	/* nlmsg_len > the bytes sent */
	LIE_SEND_SHORT,		/* fewer bytes sent than nlmsg_len */
	LIE_NLA_PAST_END,	/* the last nla_len runs past the end */
	LIE_NLA_SHORT,		/* an nla_len < NLA_HDRLEN */
	LIE_TRAILING,		/* garbage after the last attribute */
	LIE_TRAILING_OUT,	/* garbage after nlmsg_len, too short to be a message */
	LIE_NLMSG_CUT,		/* nlmsg_len cuts the last attribute */
	NR_LIES
};

static const char * const lie_names[NR_LIES] = {
	"nlmsg_len < NLMSG_HDRLEN", "nlmsg_len < genl header",
	"nlmsg_len > bytes sent", "bytes sent < nlmsg_len",
	"nla_len past the end", "nla_len < 4", "trailing garbage",
	"garbage after nlmsg_len", "nlmsg_len cuts an attribute",
};

static void gen_lying(struct msg *m)
{
	unsigned int cmd = real_cmd(), n, i;
	enum lie lie = rnd_below(NR_LIES);
	struct int_attr a[8];
	struct nlattr *nla;
	size_t extra;

	msg_init(m, GEN_LYING, cmd, real_flags(cmd));
	n = request_attrs(cmd, a);
	if (!n)
		a[n++] = (struct int_attr){ HEAPMON_A_PID, pid_value(), 4 };
	put_ints(m, a, n);
	msg_finish(m);
	m->what = lie_names[lie];

	switch (lie) {
	case LIE_NLMSG_SHORT:
		m->nlh.nlmsg_len = rnd_below(NLMSG_HDRLEN);
		break;
	case LIE_GENL_SHORT:
		m->nlh.nlmsg_len = NLMSG_HDRLEN + rnd_below(GENL_HDRLEN);
		m->send_len = m->nlh.nlmsg_len;
		break;
	case LIE_LEN_PAST_SENT:
		m->nlh.nlmsg_len += 1 + rnd_below(64);
		break;
	case LIE_SEND_SHORT:
		/* At least a byte: netlink_sendmsg() refuses 0 with ENODATA. */
		m->send_len = 1 + rnd_below(m->len - 1);
		break;
	case LIE_NLA_PAST_END:
		nla = (struct nlattr *)(m->b + m->last);
		nla->nla_len += 1 + rnd_below(200);
		break;
	case LIE_NLA_SHORT:
		nla = (struct nlattr *)(m->b + m->len);
		nla->nla_type = rnd_below(41);
		nla->nla_len = rnd_below(NLA_HDRLEN);
		m->len += NLA_HDRLEN;
		extra = rnd_below(9);
		for (i = 0; i < extra; i++)
			m->b[m->len++] = rnd();
		msg_finish(m);
		break;
	case LIE_TRAILING:
		extra = 1 + rnd_below(15);
		for (i = 0; i < extra; i++)
			m->b[m->len++] = rnd();
		msg_finish(m);
		break;
	case LIE_TRAILING_OUT:
		extra = 1 + rnd_below(NLMSG_HDRLEN - 1);
		for (i = 0; i < extra; i++)
			m->b[m->len + i] = rnd();
		m->send_len = m->len + extra;
		break;
	default:
		m->nlh.nlmsg_len -= 1 + rnd_below(3);
		break;
	}
}

static void put_nest(struct msg *m, uint16_t type, unsigned int depth)
{
	size_t off = put_attr(m, type | NLA_F_NESTED, NULL, 0);
	unsigned int i, leaves = rnd_below(3);

	for (i = 0; i < leaves; i++)
		put_random(m, rnd_below(41), rnd_below(17));
	if (depth > 1)
		put_nest(m, rnd_below(41), depth - 1);
	nest_end(m, off);
}

static void gen_nest(struct msg *m)
{
	static const uint16_t types[] = {
		HEAPMON_A_PID, HEAPMON_A_INTERVAL_MS, HEAPMON_A_TARGETS, HEAPMON_A_STATS,
		HEAPMON_A_REGION, HEAPMON_A_CHUNK, HEAPMON_A_EVENT, HEAPMON_A_SEQ_MIN,
	};
	static char what[32];
	unsigned int cmd = real_cmd(), depth;
	uint16_t type;

	msg_init(m, GEN_NEST, cmd, real_flags(cmd));
	if (rnd_below(2))
		put_int(m, HEAPMON_A_PID, pid_value(), 4);
	type = rnd_below(2) ? rnd_below(41) : types[rnd_below(ARRAY_SIZE(types))];
	m->last = m->len;
	if (rnd_below(2)) {
		put_random(m, type | NLA_F_NESTED, rnd_below(65));
		m->what = "nest of random bytes";
	} else {
		depth = 1 + rnd_below(8);
		put_nest(m, type, depth);
		snprintf(what, sizeof(what), "nests %u deep", depth);
		m->what = what;
	}
	if (!rnd_below(4)) {
		m->last = m->len;
		put_int(m, HEAPMON_A_PID, pid_value(), 4);
	}
	msg_finish(m);
}

static void gen_dump(struct msg *m)
{
	static const unsigned int cmds[] = {
		HEAPMON_CMD_REGIONS, HEAPMON_CMD_PAGES, HEAPMON_CMD_EVENTS, HEAPMON_CMD_STATUS,
		HEAPMON_CMD_HISTORY,
	};
	unsigned int cmd = cmds[rnd_below(ARRAY_SIZE(cmds))], n, i;
	struct int_attr a[8];

	msg_init(m, GEN_DUMP, cmd, NLM_F_DUMP);
	n = request_attrs(cmd, a);
	/* Mostly the PIDs that can really be watched: this one and init. */
	for (i = 0; i < n; i++)
		if (a[i].type == HEAPMON_A_PID && rnd_below(4))
			a[i].value = rnd_below(2) ? self_pid : 1;
	put_ints(m, a, n);
	if (!rnd_below(8)) {
		m->last = m->len;
		put_random(m, rnd_below(41), rnd_below(2) ? 4 : rnd_below(65));
	}
	msg_finish(m);
	m->abandon = !rnd_below(3);
	m->what = m->abandon ? "abandoned" : "";
}

/* Reading the message back as the kernel will. */

static void analyze(struct msg *m, struct expect *e)
{
	uint32_t nlen = m->nlh.nlmsg_len;
	uint16_t flags = m->nlh.nlmsg_flags;
	const unsigned char *p;
	int rem;

	memset(e, 0, sizeof(*e));
	e->max_type = -1;
	e->must_answer = m->send_len >= NLMSG_HDRLEN && nlen >= NLMSG_HDRLEN &&
			 nlen <= m->send_len;
	e->dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (e->dump)
		flags &= ~NLM_F_DUMP;
	e->cmd = msg_genl(m)->cmd;
	e->genl_ok = e->must_answer && nlen >= HDRS_LEN && !msg_genl(m)->reserved &&
		     !(flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
	if (!e->must_answer || nlen <= HDRS_LEN)
		return;
	e->attr_bytes = nlen - HDRS_LEN;
	/* nla_for_each_attr() */
	p = m->b + HDRS_LEN;
	rem = e->attr_bytes;
	while (rem >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;
		int type = nla->nla_type & NLA_TYPE_MASK;

		if (nla->nla_len < NLA_HDRLEN || nla->nla_len > rem)
			break;
		if (type > e->max_type)
			e->max_type = type;
		p += NLA_ALIGN(nla->nla_len);
		rem -= NLA_ALIGN(nla->nla_len);
	}
}

/*
 * Reads until the answer to sequence number want: 0 for an ack or a dump's
 * NLMSG_DONE with 0, -errno, or ANSWER_NONE when none came within the
 * receive timeout (at once with MSG_DONTWAIT). Answers to other sequence
 * numbers are late ones, and skipped.
 */
static int wait_answer(int fd, uint32_t want, int rflags)
{
	for (;;) {
		int len = recv(fd, rbuf, sizeof(rbuf), rflags);
		struct nlmsghdr *nlh;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ANSWER_NONE;
			if (errno == ENOBUFS) {
				st.enobufs++;
				continue;
			}
			fatal("nlfuzz: recv");
		}
		nlh = (struct nlmsghdr *)rbuf;
		for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != want)
				continue;
			if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
				continue;
			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
				return 0;
			return *(int *)NLMSG_DATA(nlh);
		}
	}
}

static const char *answer_name(int ans)
{
	if (ans == ANSWER_NONE)
		return "no answer";
	if (!ans)
		return "ack";
	return errname(-ans);
}

static void add_violation(const struct msg *m, unsigned long index, int ans, const char *why)
{
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);

	if (st.violations < MAX_REPORTS)
		snprintf(reports[st.violations], sizeof(reports[0]),
			 "violation: msg %lu, generator %s%s%s%s, cmd %u, flags 0x%x, nlmsg_len %u, %zu bytes sent: %s: %s",
			 index, gen_names[m->gen], *m->what ? " (" : "", m->what,
			 *m->what ? ")" : "", g->cmd, m->nlh.nlmsg_flags, m->nlh.nlmsg_len,
			 m->send_len, answer_name(ans), why);
	st.violations++;
}

static int errno_index(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counted_errnos); i++)
		if (counted_errnos[i] == err)
			return i;
	return -1;
}

/* Remembers a watched PID: the last PID attribute, as nla_parse() keeps it. */
static void remember_watch(const struct msg *m)
{
	const unsigned char *p = m->b + HDRS_LEN;
	int rem = m->nlh.nlmsg_len - HDRS_LEN, found = 0;
	unsigned int i;
	uint32_t pid = 0;

	while (rem >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN || nla->nla_len > rem)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == HEAPMON_A_PID &&
		    nla->nla_len == NLA_HDRLEN + 4) {
			memcpy(&pid, p + NLA_HDRLEN, 4);
			found = 1;
		}
		p += NLA_ALIGN(nla->nla_len);
		rem -= NLA_ALIGN(nla->nla_len);
	}
	if (!found)
		return;
	for (i = 0; i < nwatched; i++)
		if (watched[i] == pid)
			return;
	if (nwatched < MAX_WATCHED)
		watched[nwatched++] = pid;
}

/* Counts an answer and checks it against the invariants. */
static void check(const struct msg *m, const struct expect *e, unsigned long index, int ans)
{
	const char *why = NULL;
	int i;

	if (ans == ANSWER_NONE) {
		if (e->must_answer) {
			st.unanswered++;
			add_violation(m, index, ans, "a well-formed header got no answer");
		} else {
			st.dropped++;
		}
		return;
	}
	if (!ans) {
		st.acked++;
	} else {
		i = errno_index(-ans);
		if (i < 0) {
			st.other++;
			why = "an errno outside the contract";
		} else {
			st.errs[i]++;
		}
	}
	if (!why && e->genl_ok && (!e->cmd || e->cmd == HEAPMON_CMD_EVENT ||
				   e->cmd > HEAPMON_CMD_MAX) && ans != -EOPNOTSUPP)
		why = "an unknown command must get EOPNOTSUPP";
	if (!why && e->genl_ok && e->cmd == HEAPMON_CMD_STATUS && !e->dump &&
	    e->attr_bytes >= NLA_HDRLEN && ans != -EINVAL)
		why = "STATUS with an attribute must get EINVAL";
	if (!why && !ans && e->max_type > HEAPMON_A_MAX)
		why = "an attribute type above HEAPMON_A_MAX was accepted";
	if (!why && unpriv) {
		if (!ans && e->cmd != HEAPMON_CMD_STATUS)
			why = "unprivileged: success for a command other than STATUS";
		else if (ans && ans != -EPERM && ans != -EOPNOTSUPP && ans != -EINVAL)
			why = "unprivileged: an errno other than EPERM, EOPNOTSUPP, EINVAL";
		else if (e->genl_ok && e->cmd > HEAPMON_CMD_STATUS && e->cmd <= HEAPMON_CMD_MAX &&
			 ans != -EPERM && ans != -EOPNOTSUPP)
			why = "unprivileged: an admin command must get EPERM or EOPNOTSUPP";
	}
	if (why)
		add_violation(m, index, ans, why);
	if (!ans && e->genl_ok && !e->dump && e->cmd == HEAPMON_CMD_WATCH)
		remember_watch(m);
}

static void show(const struct msg *m, unsigned long index, int ans)
{
	size_t i, n = m->len > m->send_len ? m->len : m->send_len;

	fprintf(stderr, "msg %lu: generator %s%s%s, nlmsg_len %u, %zu bytes sent, answer %s\n",
		index, gen_names[m->gen], *m->what ? ", " : "", m->what, m->nlh.nlmsg_len,
		m->send_len, answer_name(ans));
	for (i = 0; i < n; i++)
		fprintf(stderr, "%02x%s", m->b[i], (i + 1) % 16 && i + 1 < n ? " " : "\n");
}

static int nl_socket(int rcvbuf)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1;

	if (fd < 0)
		fatal("nlfuzz: socket");
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static void send_msg(int fd, const struct msg *m)
{
	while (send(fd, m->b, m->send_len, 0) < 0) {
		if (errno == EINTR)
			continue;
		fprintf(stderr, "nlfuzz: msg %lu: ", cur_index);
		fatal("send");
	}
}

/* Starts a dump on a socket with a tiny buffer, reads once, walks away. */
static void abandon_dump(const struct msg *m)
{
	int fd = nl_socket(RCVBUF_TINY);

	send_msg(fd, m);
	if (recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT) < 0 && errno != EAGAIN &&
	    errno != EWOULDBLOCK && errno != ENOBUFS)
		fatal("nlfuzz: recv");
	close(fd);
}

static uint16_t resolve(int fd)
{
	struct nlmsghdr *nlh;
	int len;

	msg_init(&msgbuf, GEN_RANDOM, CTRL_CMD_GETFAMILY, 0);
	msgbuf.nlh.nlmsg_type = GENL_ID_CTRL;
	msgbuf.nlh.nlmsg_flags = NLM_F_REQUEST;
	msgbuf.nlh.nlmsg_seq = 1;
	put_attr(&msgbuf, CTRL_ATTR_FAMILY_NAME, HEAPMON_GENL_NAME, sizeof(HEAPMON_GENL_NAME));
	msg_finish(&msgbuf);
	send_msg(fd, &msgbuf);
	len = recv(fd, rbuf, sizeof(rbuf), 0);
	nlh = (struct nlmsghdr *)rbuf;
	if (len > 0 && NLMSG_OK(nlh, len) && nlh->nlmsg_type == GENL_ID_CTRL) {
		struct nlattr *nla = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
		int rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		while (rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN) {
			if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)nla + NLA_HDRLEN);
			rem -= NLA_ALIGN(nla->nla_len);
			nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len));
		}
	}
	fprintf(stderr, "nlfuzz: no generic netlink family %s\n", HEAPMON_GENL_NAME);
	exit(2);
}

/* Unwatches what the run may have left watched, from a socket of its own. */
static void cleanup(void)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = nl_socket(RCVBUF_BIG);
	unsigned int i;
	int ans;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (nwatched < MAX_WATCHED)
		watched[nwatched++] = self_pid;
	if (nwatched < MAX_WATCHED)
		watched[nwatched++] = 1;
	for (i = 0; i < nwatched; i++) {
		msg_init(&msgbuf, GEN_EXTREME, HEAPMON_CMD_UNWATCH, 0);
		put_int(&msgbuf, HEAPMON_A_PID, watched[i], 4);
		msg_finish(&msgbuf);
		msgbuf.nlh.nlmsg_seq = ++seq;
		send_msg(fd, &msgbuf);
		ans = wait_answer(fd, seq, 0);
		if (ans && ans != -ENOENT && ans != -EPERM)
			fprintf(stderr, "nlfuzz: unwatch %u: %s\n", watched[i], answer_name(ans));
	}
	close(fd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: nlfuzz [-n COUNT] [-s SEED] [-t SECONDS] [-u] [-x MSG]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static void (* const gens[NR_GENS])(struct msg *m) = {
		gen_random, gen_extreme, gen_lying, gen_nest, gen_dump,
	};
	unsigned long count = 100000, index;
	unsigned long long seed = 1;
	struct timeval tv = { .tv_sec = 2 };
	double limit = 0, start;
	int fd, c, ans, stopped = 0;
	unsigned int i;
	struct expect e;

	while ((c = getopt(argc, argv, "n:s:t:ux:")) != -1) {
		switch (c) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			limit = strtod(optarg, NULL);
			break;
		case 'u':
			unpriv = 1;
			break;
		case 'x':
			show_msg = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	self_pid = getpid();

	fd = nl_socket(RCVBUF_BIG);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	family_id = resolve(fd);

	start = now();
	for (index = 1; index <= count; index++) {
		if (limit > 0 && now() - start >= limit) {
			stopped = 1;
			break;
		}
		cur_index = index;
		gens[rnd_below(NR_GENS)](&msgbuf);
		msgbuf.nlh.nlmsg_seq = ++seq;
		analyze(&msgbuf, &e);
		st.sent++;
		if (e.dump)
			st.dumps++;
		if (msgbuf.abandon) {
			st.abandoned++;
			abandon_dump(&msgbuf);
			if (index == show_msg)
				show(&msgbuf, index, ANSWER_NONE);
			continue;
		}
		send_msg(fd, &msgbuf);
		/* The kernel handles a message inside send(): a drop is final at once. */
		ans = wait_answer(fd, seq, e.must_answer ? 0 : MSG_DONTWAIT);
		check(&msgbuf, &e, index, ans);
		if (index == show_msg)
			show(&msgbuf, index, ans);
	}
	close(fd);
	cleanup();

	printf("nlfuzz seed %llu: %lu sent, %lu acked, errors", seed, st.sent, st.acked);
	for (i = 0; i < ARRAY_SIZE(counted_errnos); i++)
		printf(" %s %lu", errname(counted_errnos[i]), st.errs[i]);
	printf(" other %lu, %lu dumps (%lu abandoned), %lu dropped as expected, %lu unanswered, %lu violations",
	       st.other, st.dumps, st.abandoned, st.dropped, st.unanswered, st.violations);
	if (st.enobufs)
		printf(", %lu ENOBUFS", st.enobufs);
	if (stopped)
		printf(", stopped after %g s", limit);
	printf("\n");
	for (i = 0; i < st.violations && i < MAX_REPORTS; i++)
		printf("%s\n", reports[i]);
	return st.violations || st.unanswered ? 1 : 0;
}
