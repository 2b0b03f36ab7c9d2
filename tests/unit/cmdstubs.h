/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands cmdtable.c names, for unit tests that link the table alone. */
#ifndef HM_CMDSTUBS_H
#define HM_CMDSTUBS_H
#include "subcommands.h"

#define HM_CMD_STUB(name) int name(int argc, char **argv) { return 0; }
HM_CMD_STUB(cmd_status)
HM_CMD_STUB(cmd_list)
HM_CMD_STUB(cmd_watch)
HM_CMD_STUB(cmd_unwatch)
HM_CMD_STUB(cmd_stats)
HM_CMD_STUB(cmd_regions)
HM_CMD_STUB(cmd_pages)
HM_CMD_STUB(cmd_events)
HM_CMD_STUB(cmd_touches)
HM_CMD_STUB(cmd_history)
HM_CMD_STUB(cmd_leaks)
HM_CMD_STUB(cmd_sites)
HM_CMD_STUB(cmd_run)
HM_CMD_STUB(cmd_attach)
HM_CMD_STUB(cmd_export)
HM_CMD_STUB(cmd_record)
HM_CMD_STUB(cmd_report)
#endif
