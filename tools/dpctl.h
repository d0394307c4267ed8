/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovsdp-dpctl internals shared by its source files: exit codes, error
 * reporting, datapath lookup, the command table and flow printing.
 */
#ifndef OVSDP_DPCTL_H
#define OVSDP_DPCTL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "ovsdp/odp.h"
#include "ovsdp/ovsdp.h"

#define EXIT_KERNEL 1		/* the kernel or the system refused */
#define EXIT_USAGE 2		/* bad command line or flow/action text */
#define BAD_ARGS (-1)		/* wrong argument count: print usage */

extern const char *prog;

/* Options, shared by all commands; each command says which it takes. */
#define OPT_MORE	0x1	/* -m, --more */
#define OPT_STATS	0x2	/* -s, --statistics */
#define OPT_UPCALLS	0x4	/* --upcalls */

struct dpctl_opts {
	bool more;
	bool stats;
	bool upcalls;
};

struct dpctl_cmd {
	const char *name;
	const char *args;	/* synopsis after the name */
	const char *help;	/* what it does, may span lines */
	unsigned int opts;	/* OPT_* accepted */
	int (*fn)(struct ovsdp *h, const struct dpctl_opts *o, int argc,
		  char **argv);
};

/* Prints "what failed (strerror): kernel text"; returns EXIT_KERNEL. */
int dpctl_fail(struct ovsdp *h, const char *what, int err);
/* Prints a parse error with a caret under its position; EXIT_USAGE. */
int dpctl_syntax_error(const char *what, const char *text, size_t pos,
		       const char *msg);
/* "system@NAME" or "NAME" -> "NAME". */
const char *dpctl_dp_name(const char *arg);
/*
 * Looks the datapath @arg up (or, @arg NULL, picks the only one); prints
 * the reason and returns EXIT_KERNEL when that is not possible.
 */
int dpctl_find_dp(struct ovsdp *h, const char *arg,
		  struct ovsdp_dp_info *dp);
uint64_t dpctl_now_msec(void);

/*
 * A flow argument: "[ufid:HEX[,]]KEY".  Returns 0 or EXIT_USAGE after
 * printing the error (position counted from the start of @arg).
 */
struct dpctl_flow_arg {
	uint8_t ufid[16];
	size_t ufid_len;	/* 0: none given */
	struct ovsdp_buf key;
	struct ovsdp_buf mask;
};

void dpctl_flow_arg_init(struct dpctl_flow_arg *fa);
void dpctl_flow_arg_free(struct dpctl_flow_arg *fa);
int dpctl_flow_arg_parse(const char *arg, struct dpctl_flow_arg *fa);

/* "ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (other lengths: plain hex). */
void dpctl_ufid_format(struct ovsdp_buf *out, const void *ufid, size_t len);
/*
 * One flow as dump-flows prints it (without newline).  @more: UFID and
 * the full mask.  @stats: packets/bytes/used/flags.
 */
void dpctl_flow_format(struct ovsdp_buf *out, const struct ovsdp_flow *f,
		       bool more, bool stats, uint64_t now);

/* First attribute of @type in a raw stream, NULL if none/malformed. */
const struct nlattr *dpctl_attr_find(const void *data, size_t len,
				     uint16_t type);

/* Commands living in dpctl_flows.c and dpctl_monitor.c. */
int dpctl_cmd_dump_flows(struct ovsdp *h, const struct dpctl_opts *o,
			 int argc, char **argv);
int dpctl_cmd_get_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv);
int dpctl_cmd_add_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv);
int dpctl_cmd_mod_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv);
int dpctl_cmd_del_flow(struct ovsdp *h, const struct dpctl_opts *o,
		       int argc, char **argv);
int dpctl_cmd_del_flows(struct ovsdp *h, const struct dpctl_opts *o,
			int argc, char **argv);
int dpctl_cmd_execute(struct ovsdp *h, const struct dpctl_opts *o,
		      int argc, char **argv);
int dpctl_cmd_monitor(struct ovsdp *h, const struct dpctl_opts *o,
		      int argc, char **argv);

#endif /* OVSDP_DPCTL_H */
