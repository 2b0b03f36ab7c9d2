// SPDX-License-Identifier: GPL-2.0
/*
 * The commands and their options: the one place that says what heapmonctl
 * accepts. Help sentences end with a full stop; ranges are checked by
 * hm_getopt_next() before any request is sent.
 */
#include <limits.h>

#include "nl.h"
#include "options.h"
#include "subcommands.h"

#define OPT_JSON { "json", 'j', 'j', HM_ARG_NONE, NULL, 0, 0, NULL, \
		   "Print JSON (one object per line) instead of a table." }
#define OPT_DIR { "dir", 0, 'D', HM_ARG_STRING, "DIR", 0, 0, NULL, \
		  "Read the recorder's PID.sites from DIR instead of /run/heapmon (or $HEAPMON_SITES_DIR)." }
#define OPT_SAMPLE { "sample", 's', 's', HM_ARG_U64, "BYTES", 0, 1ULL << 40, NULL, \
		     "Sample one allocation per BYTES allocated on average (default 524288; 0 records every allocation)." }
#define OPT_INTERVAL(conflicts) { "interval", 'i', 'i', HM_ARG_U32, "MS", \
	HEAPMON_INTERVAL_MIN_MS, HEAPMON_INTERVAL_MAX_MS, conflicts, \
	"Sample the target's pages every MS milliseconds (the module's default: 1000)." }

#define OPT_TRAP(conflicts) { "trap", 0, 'T', HM_ARG_U32, "N", 1, HEAPMON_TRAP_MAX, conflicts, \
	"Trap mode: keep up to N idle pages armed (PROT_NONE, as NUMA balancing does) and " \
	"report each one's first touch as a trap event: when, by which instruction and thread." }

static const struct hm_option json_only[] = { OPT_JSON, {} };

static const struct hm_option watch_opts[] = {
	OPT_INTERVAL(NULL),
	{ "duration", 'd', 'd', HM_ARG_DURATION, "DURATION", 1, UINT64_MAX, "D",
	  "Stop after DURATION (30s, 10m, 1.5h; a bare number is seconds) instead of at Ctrl-C." },
	{ "keep", 'k', 'k', HM_ARG_NONE, NULL, 0, 0, NULL,
	  "Leave the target watched on exit." },
	{ "detach", 'D', 'D', HM_ARG_NONE, NULL, 0, 0, "d",
	  "Start watching, print one line and exit, leaving the target watched." },
	{ "flush-tlb", 0, 'F', HM_ARG_NONE, NULL, 0, 0, "N",
	  "Flush the TLB after clearing accessed bits, so that idleness is exact (costs the target)." },
	{ "no-flush-tlb", 0, 'N', HM_ARG_NONE, NULL, 0, 0, "F",
	  "Never flush the TLB: cheaper, idleness may be overstated." },
	{ "adaptive", 'a', 'a', HM_ARG_U32, "K", 0, HEAPMON_REVISIT_MAX, NULL,
	  "Visit page tables whose pages have all been idle for K periods only every K periods: "
	  "a pass then costs what the memory in use costs; a page touched again is seen at most "
	  "K periods late (0, the default: every page table every period)." },
	OPT_TRAP(NULL),
	OPT_JSON,
	{}
};

static const struct hm_option pages_opts[] = {
	{ "idle-min", 0, 'm', HM_ARG_U32, "N", 0, HEAPMON_REC_PERIODS_MAX, NULL,
	  "Only pages idle for at least N periods." },
	{ "start", 0, 's', HM_ARG_U64, "ADDR", 0, UINT64_MAX, NULL,
	  "Only pages at or above address ADDR (decimal, or hexadecimal after 0x)." },
	{ "end", 0, 'e', HM_ARG_U64, "ADDR", 0, UINT64_MAX, NULL,
	  "Only pages below address ADDR." },
	OPT_JSON,
	{}
};

static const struct hm_option events_opts[] = {
	{ "follow", 'f', 'f', HM_ARG_NONE, NULL, 0, 0, NULL,
	  "Keep running and show new events as they come, until Ctrl-C." },
	OPT_JSON,
	{}
};

static const struct hm_option history_opts[] = {
	{ "idle", 0, 'I', HM_ARG_DURATION, "DURATION", 0, UINT64_MAX, NULL,
	  "Count memory idle for at least DURATION as cold (default 10m)." },
	OPT_JSON,
	{}
};

static const struct hm_option export_opts[] = {
	{ "textfile", 0, 't', HM_ARG_STRING, "DIR", 0, 0, NULL,
	  "Write DIR/heapmon.prom atomically, for node_exporter's textfile collector, instead of printing." },
	{ "idle", 0, 'I', HM_ARG_DURATION, "DURATION", 0, UINT64_MAX, NULL,
	  "Count memory idle for at least DURATION as cold in the growth (default the coldest bucket)." },
	{}
};

static const struct hm_option record_opts[] = {
	{ "duration", 'd', 'd', HM_ARG_DURATION, "DURATION", 1, UINT64_MAX, NULL,
	  "Stop after DURATION (default: until interrupted or the target exits)." },
	{ "interval", 'i', 'i', HM_ARG_DURATION, "INTERVAL", 10, 3600000, NULL,
	  "Write a frame every INTERVAL (default the target's period)." },
	{ "output", 'o', 'o', HM_ARG_STRING, "FILE", 0, 0, NULL,
	  "Write the record to FILE (required)." },
	{}
};

static const struct hm_option report_opts[] = {
	{ "svg", 0, 's', HM_ARG_STRING, "OUT", 0, 0, NULL,
	  "Write the charts and heatmaps as SVG to OUT instead of drawing them in the terminal." },
	{}
};

static const struct hm_option leaks_opts[] = {
	{ "idle", 0, 'I', HM_ARG_DURATION, "DURATION", 1, UINT64_MAX, NULL,
	  "Count memory idle for at least DURATION as cold (default 10m)." },
	{ "top", 0, 't', HM_ARG_U32, "N", 0, UINT32_MAX, NULL,
	  "Show the N first suspects (default 10; 0 for all)." },
	{ "all", 0, 'a', HM_ARG_NONE, NULL, 0, 0, NULL,
	  "Also show the call sites that are not suspects." },
	OPT_JSON,
	OPT_DIR,
	{}
};

static const struct hm_option sites_opts[] = {
	{ "top", 0, 't', HM_ARG_U32, "N", 0, UINT32_MAX, NULL,
	  "Show the N call sites with the most live bytes (default 20; 0 for all)." },
	{ "frames", 0, 'f', HM_ARG_U32, "N", 0, UINT32_MAX, NULL,
	  "Show N frames of each call stack (default 8, all with --json; 0 for all)." },
	OPT_DIR,
	OPT_JSON,
	{}
};

static const struct hm_option touches_opts[] = {
	{ "top", 0, 't', HM_ARG_U32, "N", 0, UINT32_MAX, NULL,
	  "Show the N instructions that touched the most idle pages (default 20; 0 for all)." },
	OPT_JSON,
	{}
};

static const struct hm_option run_opts[] = {
	OPT_SAMPLE,
	OPT_INTERVAL("n"),
	OPT_TRAP("n"),
	{ "no-watch", 0, 'n', HM_ARG_NONE, NULL, 0, 0, "iT",
	  "Only record allocation sites; do not ask the module to watch the command." },
	{}
};

static const struct hm_option attach_opts[] = {
	OPT_SAMPLE,
	{ "timeout", 't', 't', HM_ARG_DURATION, "DURATION", 1, INT_MAX, NULL,
	  "Give up when the process has not loaded the recorder within DURATION (default 5s)." },
	OPT_TRAP(NULL),
	OPT_JSON,
	{}
};

const struct subcommand hm_subcommands[] = {
	{ "status", cmd_status, "Show the module's version, limits and watched targets",
	  NULL, false, json_only, NULL },
	{ "list", cmd_list, "List the watched targets", NULL, false, json_only, NULL },
	{ "watch", cmd_watch, "Watch a process and show its heap once per period",
	  "PID", false, watch_opts,
	  "A target already watched is shown as it is and left watched on exit; --detach still refuses it." },
	{ "unwatch", cmd_unwatch, "Stop watching a process and free its statistics",
	  "PID", false, json_only, NULL },
	{ "stats", cmd_stats, "Show a target's statistics as of its last pass",
	  "PID", false, json_only, NULL },
	{ "regions", cmd_regions, "Show a target's tracked mappings",
	  "PID", false, json_only, NULL },
	{ "pages", cmd_pages, "Show a target's resident pages and their counts",
	  "PID", false, pages_opts, NULL },
	{ "events", cmd_events, "Show a target's heap events; --follow for new ones",
	  "PID", false, events_opts, NULL },
	{ "touches", cmd_touches,
	  "Rank the code that touched idle memory, from trap mode's events",
	  "PID", false, touches_opts, NULL },
	{ "history", cmd_history, "Show a target's pass summaries over hours and days, with cold growth",
	  "PID", false, history_opts, NULL },
	{ "leaks", cmd_leaks, "Rank leak suspects: memory left cold and growing, per call site",
	  "PID", false, leaks_opts, NULL },
	{ "sites", cmd_sites, "Show a process's live heap per allocation call stack",
	  "PID", false, sites_opts, NULL },
	{ "run", cmd_run, "Run a command with the allocation recorder, watched from its start",
	  "[--] CMD [ARGS...]", true, run_opts, NULL },
	{ "attach", cmd_attach, "Load the allocation recorder into a running process and watch it",
	  "PID", false, attach_opts, NULL },
	{ "record", cmd_record,
	  "Record a target's statistics, regions and heat into a file, once per interval",
	  "PID", false, record_opts, NULL },
	{ "report", cmd_report,
	  "Draw a record: memory over time and heatmaps, in the terminal or as SVG",
	  "FILE", false, report_opts, NULL },
	{ "export", cmd_export,
	  "Print every target's statistics as Prometheus text, or write them for node_exporter",
	  NULL, false, export_opts, NULL },
};

const size_t hm_n_subcommands = sizeof(hm_subcommands) / sizeof(hm_subcommands[0]);
