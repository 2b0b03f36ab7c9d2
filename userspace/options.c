// SPDX-License-Identifier: GPL-2.0
/* Parsing, help, man page and bash completion, all from the command table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "nl.h"
#include "options.h"

static const struct hm_option help_option = {
	"help", 'h', 'h', HM_ARG_NONE, NULL, 0, 0, NULL, "Show this help and exit."
};

const struct subcommand *hm_find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < hm_n_subcommands; i++)
		if (!strcmp(hm_subcommands[i].name, name))
			return &hm_subcommands[i];
	return NULL;
}

static const struct hm_option *find_option(const struct subcommand *sc, int id)
{
	const struct hm_option *o;

	for (o = sc->options; o->name; o++)
		if (o->id == id)
			return o;
	return id == 'h' ? &help_option : NULL;
}

static uint64_t kind_max(enum hm_arg_kind kind)
{
	return kind == HM_ARG_U32 ? UINT32_MAX : UINT64_MAX;
}

/* "250ms", "30s", "10m", "2h", "3d": the largest unit that divides ms. */
static const char *fmt_ms(uint64_t ms, char *buf, size_t len)
{
	static const struct { uint64_t ms; const char *unit; } units[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" }, { 1000, "s" }, { 1, "ms" },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ms && !(ms % units[i].ms))
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		i--;
	snprintf(buf, len, "%llu%s", (unsigned long long)(ms / units[i].ms), units[i].unit);
	return buf;
}

static const char *fmt_value(const struct hm_option *o, uint64_t v, char *buf, size_t len)
{
	if (o->kind == HM_ARG_DURATION)
		return fmt_ms(v, buf, len);
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* "10 to 3600000", "at least 1ms", or "" when every value the kind holds is accepted. */
static const char *fmt_range(const struct hm_option *o, char *buf, size_t len)
{
	char lo[32], hi[32];

	if (o->kind == HM_ARG_NONE || o->kind == HM_ARG_STRING ||
	    (!o->min && o->max == kind_max(o->kind)))
		buf[0] = '\0';
	else if (o->max == kind_max(o->kind))
		snprintf(buf, len, "at least %s", fmt_value(o, o->min, lo, sizeof(lo)));
	else
		snprintf(buf, len, "%s to %s", fmt_value(o, o->min, lo, sizeof(lo)),
			 fmt_value(o, o->max, hi, sizeof(hi)));
	return buf;
}

int hm_finish_stdout(int ret)
{
	int err;

	errno = 0;
	if (fflush(stdout) || ferror(stdout)) {
		err = errno;
		goto fail;
	}
	errno = 0;
	if (fclose(stdout)) {
		err = errno;
		goto fail;
	}
	return ret;
fail:
	fprintf(stderr, "heapmonctl: cannot write to standard output: %s\n",
		err ? strerror(err) : "write error");
	return ret ? ret : EXIT_FAIL;
}

void hm_getopt_init(struct hm_getopt *g, const char *cmd, int argc, char **argv)
{
	const struct hm_option *o;
	size_t n = 0, s = 0;

	memset(g, 0, sizeof(*g));
	g->sc = hm_find_subcommand(cmd);
	g->argc = argc;
	g->argv = argv;
	if (g->sc->operands_last)
		g->shortopts[s++] = '+';
	/* ':' first: hm_getopt_next() says what is wrong, naming the command. */
	g->shortopts[s++] = ':';
	for (o = g->sc->options; ; o++) {
		if (!o->name)
			o = &help_option;
		g->longopts[n++] = (struct option){ o->name,
			o->kind == HM_ARG_NONE ? no_argument : required_argument, NULL, o->id };
		if (o->short_name) {
			g->shortopts[s++] = o->short_name;
			if (o->kind != HM_ARG_NONE)
				g->shortopts[s++] = ':';
		}
		if (o == &help_option)
			break;
	}
	/* Every getopt_long() of this process parses one command line from its start. */
	optind = 0;
}

static int check_conflicts(struct hm_getopt *g)
{
	const struct hm_option *o, *other;
	const char *c;

	for (o = g->sc->options; o->name; o++) {
		if (!g->seen[o->id] || !o->conflicts)
			continue;
		for (c = o->conflicts; *c; c++) {
			if (!g->seen[(unsigned char)*c])
				continue;
			other = find_option(g->sc, *c);
			fprintf(stderr, "heapmonctl: %s: --%s and --%s conflict; give one of them\n",
				g->sc->name, o->name, other->name);
			return -1;
		}
	}
	return 0;
}

static int parse_value(struct hm_getopt *g, const struct hm_option *o)
{
	char what[40], range[64];
	uint32_t v32;
	int ret = 0;

	snprintf(what, sizeof(what), "--%s", o->name);
	switch (o->kind) {
	case HM_ARG_U32:
		ret = parse_u32(what, g->arg, &v32);
		g->val = v32;
		break;
	case HM_ARG_U64:
		ret = parse_u64(what, g->arg, &g->val);
		break;
	case HM_ARG_DURATION:
		ret = parse_duration(what, g->arg, &g->val);
		break;
	default:
		return 0;
	}
	if (ret)
		return -1;
	if (g->val < o->min || g->val > o->max) {
		fprintf(stderr, "heapmonctl: %s: --%s %s is out of range: %s\n",
			g->sc->name, o->name, g->arg, fmt_range(o, range, sizeof(range)));
		return -1;
	}
	return 0;
}

int hm_getopt_next(struct hm_getopt *g)
{
	const struct hm_option *o;
	int c;

	c = getopt_long(g->argc, g->argv, g->shortopts, g->longopts, NULL);
	if (c == -1) {
		if (check_conflicts(g))
			goto usage;
		return 0;
	}
	if (c == 'h') {
		hm_print_help(g->sc);
		exit(hm_finish_stdout(EXIT_OK));
	}
	o = find_option(g->sc, c);
	if (!o) {
		if (c == ':')
			fprintf(stderr, "heapmonctl: %s: option '%s' needs an argument\n",
				g->sc->name, g->argv[optind - 1]);
		else if (optopt)
			fprintf(stderr, "heapmonctl: %s: unknown option '-%c'\n", g->sc->name, optopt);
		else
			fprintf(stderr, "heapmonctl: %s: unknown option '%s'\n", g->sc->name,
				g->argv[optind - 1]);
		hm_print_usage(stderr, g->sc);
		goto usage;
	}
	g->arg = optarg;
	g->val = 0;
	if (parse_value(g, o))
		goto usage;
	if (c > 0 && c < (int)sizeof(g->seen))
		g->seen[c] = 1;
	return c;
usage:
	g->status = EXIT_USAGE;
	return -1;
}

static void print_synopsis(FILE *f, const struct subcommand *sc)
{
	const struct hm_option *o;

	if (sc->operands && !sc->operands_last)
		fprintf(f, " %s", sc->operands);
	for (o = sc->options; o->name; o++) {
		fputs(" [", f);
		if (o->short_name)
			fprintf(f, "-%c%s%s|", o->short_name, o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "--%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	}
	if (sc->operands && sc->operands_last)
		fprintf(f, " %s", sc->operands);
}

void hm_print_usage(FILE *f, const struct subcommand *sc)
{
	fprintf(f, "usage: heapmonctl %s", sc->name);
	print_synopsis(f, sc);
	fputc('\n', f);
}

/* "-i, --interval MS", or "    --keep" without a short name. */
static const char *option_label(const struct hm_option *o, char *buf, size_t len)
{
	if (o->short_name)
		snprintf(buf, len, "-%c, --%s%s%s", o->short_name, o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(buf, len, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	return buf;
}

static void print_option_help(const struct hm_option *o)
{
	char label[48], range[64];

	printf("  %-24s %s", option_label(o, label, sizeof(label)), o->help);
	if (*fmt_range(o, range, sizeof(range)))
		printf(" Range: %s.", range);
	putchar('\n');
}

void hm_print_help(const struct subcommand *sc)
{
	const struct hm_option *o;

	hm_print_usage(stdout, sc);
	printf("\n%s.\n", sc->summary);
	if (sc->description)
		printf("\n%s\n", sc->description);
	printf("\nOptions:\n");
	for (o = sc->options; o->name; o++)
		print_option_help(o);
	print_option_help(&help_option);
}

/* Text for roff: backslashes and hyphens escaped, no line starting with a control character. */
static void man_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void man_option(FILE *f, const struct hm_option *o)
{
	char range[64];

	fputs(".TP\n", f);
	if (o->short_name)
		fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
	fprintf(f, "\\fB\\-\\-");
	man_text(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(" \\fI", f);
		man_text(f, o->arg);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	man_text(f, o->help);
	if (*fmt_range(o, range, sizeof(range))) {
		fputs(" Range: ", f);
		man_text(f, range);
		fputc('.', f);
	}
	fputc('\n', f);
}

void hm_print_man(FILE *f, const char *release)
{
	const struct subcommand *sc;
	const struct hm_option *o;
	size_t i;

	fprintf(f, ".\\\" Generated by heapmonctl --man from its command table: do not edit.\n");
	fprintf(f, ".TH HEAPMONCTL 8 \"\" \"heapmon %s\" \"System Administration\"\n", release);
	fputs(".SH NAME\nheapmonctl \\- find the heap memory a running process no longer uses\n", f);
	fputs(".SH SYNOPSIS\n\\fBheapmonctl\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR...]\n.br\n"
	      "\\fBheapmonctl help\\fR [\\fICOMMAND\\fR]\n.br\n\\fBheapmonctl \\-\\-version\\fR\n", f);
	fputs(".SH DESCRIPTION\n\\fBheapmonctl\\fR is the command line client of the heapmon kernel "
	      "module, which samples the pages of a watched process's heap and counts how long "
	      "each has been idle, and of the allocation recorder libheapmon.so, which samples "
	      "the call sites that allocated them. Together they find heap memory a running "
	      "process no longer uses, and the call site that allocated it.\n"
	      ".PP\nEvery command takes \\fB\\-\\-help\\fR. Options that take a duration accept "
	      "a number with an optional fraction and unit: ms, s, m, h or d; a bare number "
	      "is seconds.\n", f);
	fputs(".SH COMMANDS\n", f);
	for (i = 0; i < hm_n_subcommands; i++) {
		sc = &hm_subcommands[i];
		fputs(".SS \"", f);
		man_text(f, sc->name);
		fputs("\"\n.B heapmonctl ", f);
		man_text(f, sc->name);
		fputc('\n', f);
		{
			char *syn = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&syn, &len);

			if (m) {
				print_synopsis(m, sc);
				fclose(m);
				man_text(f, syn + (*syn == ' '));
				fputc('\n', f);
				free(syn);
			}
		}
		fputs(".PP\n", f);
		man_text(f, sc->summary);
		fputs(".\n", f);
		if (sc->description) {
			fputs(".PP\n", f);
			man_text(f, sc->description);
			fputc('\n', f);
		}
		for (o = sc->options; o->name; o++)
			man_option(f, o);
	}
	fputs(".SH EXIT STATUS\n0 success, 1 the request failed (or the output could not be "
	      "written), 2 bad usage, 3 the heapmon module is not loaded or speaks another "
	      "protocol.\n", f);
	fputs(".SH FILES\n.TP\n.I /run/heapmon/PID.sites\nthe allocation sites the recorder "
	      "samples in process PID.\n", f);
	fputs(".SH SEE ALSO\n.BR modprobe (8),\n.BR proc (5)\n", f);
}

/* A command's options, long and short, for compgen -W. */
static void completion_opts(FILE *f, const struct subcommand *sc)
{
	const struct hm_option *o;

	for (o = sc->options; o->name; o++) {
		fprintf(f, " --%s", o->name);
		if (o->short_name)
			fprintf(f, " -%c", o->short_name);
	}
	fputs(" --help -h", f);
}

void hm_print_completion(FILE *f)
{
	const struct subcommand *sc;
	const struct hm_option *o;
	size_t i;

	fputs("# bash completion for heapmonctl(8).\n"
	      "# Generated by heapmonctl --completion from its command table: do not edit.\n"
	      "_heapmonctl()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal cmd=${COMP_WORDS[1]} opts= argopts= operand= i\n"
	      "\tlocal cmds='", f);
	for (i = 0; i < hm_n_subcommands; i++)
		fprintf(f, "%s ", hm_subcommands[i].name);
	fputs("help'\n\n\tCOMPREPLY=()\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$cmds --help --version\" -- \"$cur\"))\n"
	      "\t\treturn\n\tfi\n"
	      "\t# The argument of an option: directories for DIR, nothing to offer for numbers.\n"
	      "\tcase \"$cmd $prev\" in\n", f);
	for (i = 0; i < hm_n_subcommands; i++) {
		sc = &hm_subcommands[i];
		for (o = sc->options; o->name; o++) {
			if (o->kind == HM_ARG_NONE)
				continue;
			fprintf(f, "\t\"%s --%s\"", sc->name, o->name);
			if (o->short_name)
				fprintf(f, "|\"%s -%c\"", sc->name, o->short_name);
			if (o->kind == HM_ARG_STRING)
				fputs(")\n\t\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n\t\treturn ;;\n", f);
			else
				fputs(")\n\t\treturn ;;\n", f);
		}
	}
	fputs("\tesac\n\tcase \"$cmd\" in\n"
	      "\thelp)\n"
	      "\t\t[ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W \"$cmds\" -- \"$cur\"))\n"
	      "\t\treturn ;;\n", f);
	for (i = 0; i < hm_n_subcommands; i++) {
		sc = &hm_subcommands[i];
		fprintf(f, "\t%s)\n\t\topts='", sc->name);
		completion_opts(f, sc);
		fputs("'\n\t\targopts='", f);
		for (o = sc->options; o->name; o++)
			if (o->kind != HM_ARG_NONE)
				fprintf(f, " --%s%s%c", o->name, o->short_name ? " -" : "",
					o->short_name ? o->short_name : ' ');
		fprintf(f, " '\n\t\toperand=%s ;;\n",
			!sc->operands ? "none" : !strncmp(sc->operands, "PID", 3) ? "pid" :
			"command");
	}
	fputs("\t*)\n\t\treturn ;;\n\tesac\n"
	      "\tif [ \"$operand\" = command ]; then\n"
	      "\t\t# After the command (a word that is no option nor an option's\n"
	      "\t\t# argument), its own arguments: files.\n"
	      "\t\tfor ((i = 2; i < COMP_CWORD; i++)); do\n"
	      "\t\t\tcase \"${COMP_WORDS[i]}\" in\n"
	      "\t\t\t--) ;;\n"
	      "\t\t\t-*) [[ $argopts == *\" ${COMP_WORDS[i]} \"* ]] && ((i++)) ;;\n"
	      "\t\t\t*) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	      "\t\t\tesac\n"
	      "\t\tdone\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telif [ \"$operand\" = pid ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$(cd /proc && echo [0-9]*)\" -- \"$cur\"))\n"
	      "\telif [ \"$operand\" = command ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -c -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\ncomplete -F _heapmonctl heapmonctl\n", f);
}
