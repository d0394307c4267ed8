// SPDX-License-Identifier: GPL-2.0
/*
 * ovsdp-dpctl: a small ovs-dpctl work-alike on libovsdp.
 *
 * Exit status: 0 success, 1 the kernel (or the system) refused, 2 the
 * command line or a flow/action string is malformed.  Kernel refusals
 * print the extended ack text the kernel gave.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ovsdp/odp.h"
#include "ovsdp/ovsdp.h"

#define EXIT_KERNEL 1
#define EXIT_USAGE 2
#define BAD_ARGS (-1)		/* wrong argument count: print usage */

static const char *prog = "ovsdp-dpctl";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s COMMAND [ARG...]\n"
		"  show [DP...]                 datapaths, stats and ports\n"
		"  add-dp DP [IFACE...]         create a datapath\n"
		"  del-dp DP                    delete a datapath\n"
		"  dump-dps                     list datapaths\n"
		"  add-if DP IFACE[,type=internal][,port_no=N]...\n"
		"  del-if DP IFACE...           remove ports\n"
		"  dump-flows [DP]              print all flows\n"
		"  add-flow [DP] FLOW ACTIONS   add a flow\n"
		"  mod-flow [DP] FLOW ACTIONS   change a flow's actions\n"
		"  del-flow [DP] FLOW           delete a flow\n"
		"  del-flows [DP]               delete all flows\n"
		"DP is NAME or system@NAME; when omitted, the only datapath.\n",
		prog);
}

/* Reports a failed call with the kernel's explanation when it gave one. */
static int fail(struct ovsdp *h, const char *what, int err)
{
	const char *msg = ovsdp_error_msg(h);

	if (msg[0] && strcmp(msg, strerror(-err)))
		fprintf(stderr, "%s: %s failed (%s): %s\n", prog, what,
			strerror(-err), msg);
	else
		fprintf(stderr, "%s: %s failed (%s)\n", prog, what,
			strerror(-err));
	return EXIT_KERNEL;
}

static const char *dp_name(const char *arg)
{
	return strncmp(arg, "system@", 7) ? arg : arg + 7;
}

struct one_dp {
	int n;
	struct ovsdp_dp_info dp;
};

static int count_dp(const struct ovsdp_dp_info *dp, void *arg)
{
	struct one_dp *o = arg;

	if (!o->n++)
		o->dp = *dp;
	return 0;
}

/* Looks a datapath up by name, or picks the only one. */
static int find_dp(struct ovsdp *h, const char *arg,
		   struct ovsdp_dp_info *dp)
{
	struct one_dp o = { 0 };
	int rc;

	if (arg) {
		rc = ovsdp_dp_get(h, 0, dp_name(arg), dp);
		return rc ? fail(h, "datapath lookup", rc) : 0;
	}
	rc = ovsdp_dp_dump(h, count_dp, &o);
	if (rc)
		return fail(h, "datapath dump", rc);
	if (o.n != 1) {
		fprintf(stderr, "%s: %s; name one\n", prog,
			o.n ? "several datapaths exist" : "no datapath exists");
		return EXIT_KERNEL;
	}
	*dp = o.dp;
	return 0;
}

static const char *vport_type_name(uint32_t type)
{
	switch (type) {
	case OVS_VPORT_TYPE_NETDEV:
		return "system";
	case OVS_VPORT_TYPE_INTERNAL:
		return "internal";
	case OVS_VPORT_TYPE_GRE:
		return "gre";
	case OVS_VPORT_TYPE_VXLAN:
		return "vxlan";
	case OVS_VPORT_TYPE_GENEVE:
		return "geneve";
	default:
		return "unknown";
	}
}

static int show_port(const struct ovsdp_vport_info *vp, void *arg)
{
	(void)arg;
	printf("  port %u: %s", vp->port_no, vp->name);
	if (vp->type != OVS_VPORT_TYPE_NETDEV)
		printf(" (%s)", vport_type_name(vp->type));
	printf("\n");
	return 0;
}

static int show_dp(const struct ovsdp_dp_info *dp, void *arg)
{
	struct ovsdp *h = arg;
	const struct ovs_dp_megaflow_stats *mf = &dp->megaflow_stats;
	unsigned long long pkts;

	printf("system@%s:\n", dp->name);
	if (dp->has_stats) {
		printf("  lookups: hit:%llu missed:%llu lost:%llu\n",
		       (unsigned long long)dp->stats.n_hit,
		       (unsigned long long)dp->stats.n_missed,
		       (unsigned long long)dp->stats.n_lost);
		printf("  flows: %llu\n",
		       (unsigned long long)dp->stats.n_flows);
	}
	if (dp->has_megaflow_stats) {
		pkts = dp->stats.n_hit + dp->stats.n_missed;
		printf("  masks: hit:%llu total:%u hit/pkt:%.2f\n",
		       (unsigned long long)mf->n_mask_hit, mf->n_masks,
		       pkts ? (double)mf->n_mask_hit / pkts : 0.0);
		printf("  cache: hit:%llu hit-rate:%.2f%%\n",
		       (unsigned long long)mf->n_cache_hit,
		       pkts ? 100.0 * mf->n_cache_hit / pkts : 0.0);
	}
	if (dp->masks_cache_size)
		printf("  caches:\n    masks-cache: size:%u\n",
		       dp->masks_cache_size);
	return ovsdp_vport_dump(h, dp->dp_ifindex, show_port, NULL);
}

static int cmd_show(struct ovsdp *h, int argc, char **argv)
{
	struct ovsdp_dp_info dp;
	int i, rc;

	if (!argc) {
		rc = ovsdp_dp_dump(h, show_dp, h);
		return rc ? fail(h, "show", rc) : 0;
	}
	for (i = 0; i < argc; i++) {
		rc = ovsdp_dp_get(h, 0, dp_name(argv[i]), &dp);
		if (!rc)
			rc = show_dp(&dp, h);
		if (rc)
			return fail(h, argv[i], rc);
	}
	return 0;
}

static int print_dp_name(const struct ovsdp_dp_info *dp, void *arg)
{
	(void)arg;
	printf("system@%s\n", dp->name);
	return 0;
}

static int cmd_dump_dps(struct ovsdp *h, int argc, char **argv)
{
	int rc;

	(void)argv;
	if (argc)
		return BAD_ARGS;
	rc = ovsdp_dp_dump(h, print_dp_name, NULL);
	return rc ? fail(h, "dump-dps", rc) : 0;
}

/* "NAME[,type=internal|system][,port_no=N]" */
static int add_if(struct ovsdp *h, int dp_ifindex, const char *spec)
{
	struct ovsdp_vport_req req = {
		.dp_ifindex = dp_ifindex,
		.type = OVS_VPORT_TYPE_NETDEV,
		.port_no = OVSDP_PORT_ANY,
	};
	uint32_t pid = 0;
	char *copy = strdup(spec), *opt, *save = NULL;
	char *end;
	int rc;

	if (!copy)
		return EXIT_KERNEL;
	req.name = strtok_r(copy, ",", &save);
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "type=internal")) {
			req.type = OVS_VPORT_TYPE_INTERNAL;
		} else if (!strcmp(opt, "type=system")) {
			req.type = OVS_VPORT_TYPE_NETDEV;
		} else if (!strncmp(opt, "port_no=", 8)) {
			req.port_no = strtoul(opt + 8, &end, 0);
			if (!opt[8] || *end)
				goto bad;
		} else {
			goto bad;
		}
	}
	if (!req.name)
		goto bad;
	req.upcall_pids = &pid;
	req.n_upcall_pids = 1;
	rc = ovsdp_vport_new(h, &req, NULL);
	free(copy);
	return rc ? fail(h, "adding port", rc) : 0;
bad:
	fprintf(stderr, "%s: bad interface spec '%s'\n", prog, spec);
	free(copy);
	return EXIT_USAGE;
}

static int cmd_add_dp(struct ovsdp *h, int argc, char **argv)
{
	struct ovsdp_dp_info dp;
	int i, rc;

	if (argc < 1)
		return BAD_ARGS;
	rc = ovsdp_dp_new(h, dp_name(argv[0]), 0,
			  OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS, &dp);
	if (rc)
		return fail(h, "add-dp", rc);
	for (i = 1; i < argc; i++) {
		rc = add_if(h, dp.dp_ifindex, argv[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmd_del_dp(struct ovsdp *h, int argc, char **argv)
{
	int rc;

	if (argc != 1)
		return BAD_ARGS;
	rc = ovsdp_dp_del(h, 0, dp_name(argv[0]));
	return rc ? fail(h, "del-dp", rc) : 0;
}

static int cmd_add_if(struct ovsdp *h, int argc, char **argv)
{
	struct ovsdp_dp_info dp;
	int i, rc;

	if (argc < 2)
		return BAD_ARGS;
	rc = find_dp(h, argv[0], &dp);
	for (i = 1; !rc && i < argc; i++)
		rc = add_if(h, dp.dp_ifindex, argv[i]);
	return rc;
}

static int cmd_del_if(struct ovsdp *h, int argc, char **argv)
{
	struct ovsdp_dp_info dp;
	int i, rc;

	if (argc < 2)
		return BAD_ARGS;
	rc = find_dp(h, argv[0], &dp);
	for (i = 1; !rc && i < argc; i++) {
		rc = ovsdp_vport_del(h, dp.dp_ifindex, argv[i], 0);
		if (rc)
			rc = fail(h, argv[i], rc);
	}
	return rc;
}

static uint64_t now_msec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int print_flow(const struct ovsdp_flow *f, void *arg)
{
	struct ovsdp_buf out;
	uint64_t now = *(uint64_t *)arg;

	ovsdp_buf_init(&out);
	if (f->key)
		ovsdp_key_format(&out, f->key, f->key_len, f->mask,
				 f->mask_len);
	ovsdp_buf_printf(&out, ", packets:%llu, bytes:%llu, used:",
			 (unsigned long long)f->stats.n_packets,
			 (unsigned long long)f->stats.n_bytes);
	if (f->used)
		ovsdp_buf_printf(&out, "%.3fs", now > f->used ?
				 (now - f->used) / 1000.0 : 0.0);
	else
		ovsdp_buf_printf(&out, "never");
	if (f->tcp_flags)
		ovsdp_buf_printf(&out, ", flags:0x%02x", f->tcp_flags);
	ovsdp_buf_printf(&out, ", actions:");
	if (f->actions)
		ovsdp_actions_format(&out, f->actions, f->actions_len);
	printf("%s\n", ovsdp_buf_str(&out));
	ovsdp_buf_free(&out);
	return 0;
}

static int cmd_dump_flows(struct ovsdp *h, int argc, char **argv)
{
	struct ovsdp_dp_info dp;
	uint64_t now = now_msec();
	int rc;

	if (argc > 1)
		return BAD_ARGS;
	rc = find_dp(h, argc ? argv[0] : NULL, &dp);
	if (rc)
		return rc;
	rc = ovsdp_flow_dump(h, dp.dp_ifindex, 0, print_flow, &now);
	return rc ? fail(h, "dump-flows", rc) : 0;
}

/* Prints the input with a caret under the error position. */
static int syntax_error(const char *what, const char *text,
			const struct ovsdp_parse_error *err)
{
	fprintf(stderr, "%s: malformed %s: %s\n  %s\n  %*s^\n", prog, what,
		err->msg, text, (int)err->pos, "");
	return EXIT_USAGE;
}

static int cmd_flow_write(struct ovsdp *h, int argc, char **argv, bool mod)
{
	struct ovsdp_buf key, mask, acts;
	struct ovsdp_parse_error err;
	struct ovsdp_dp_info dp;
	struct ovsdp_flow f = { 0 };
	int rc;

	if (argc < 2 || argc > 3)
		return BAD_ARGS;
	ovsdp_buf_init(&key);
	ovsdp_buf_init(&mask);
	ovsdp_buf_init(&acts);
	if (ovsdp_key_parse(argv[argc - 2], &key, &mask, &err)) {
		rc = syntax_error("flow", argv[argc - 2], &err);
		goto out;
	}
	if (ovsdp_actions_parse(argv[argc - 1], &acts, &err)) {
		rc = syntax_error("actions", argv[argc - 1], &err);
		goto out;
	}
	rc = find_dp(h, argc == 3 ? argv[0] : NULL, &dp);
	if (rc)
		goto out;
	f.dp_ifindex = dp.dp_ifindex;
	f.key = key.data;
	f.key_len = key.len;
	f.mask = mask.data ? mask.data : (const void *)"";
	f.mask_len = mask.len;
	f.actions = acts.data ? acts.data : (const void *)"";
	f.actions_len = acts.len;
	rc = mod ? ovsdp_flow_set(h, &f, NULL, NULL) :
		   ovsdp_flow_new(h, &f, OVSDP_FLOW_EXCL, NULL, NULL);
	if (rc)
		rc = fail(h, mod ? "mod-flow" : "add-flow", rc);
out:
	ovsdp_buf_free(&key);
	ovsdp_buf_free(&mask);
	ovsdp_buf_free(&acts);
	return rc;
}

static int cmd_add_flow(struct ovsdp *h, int argc, char **argv)
{
	return cmd_flow_write(h, argc, argv, false);
}

static int cmd_mod_flow(struct ovsdp *h, int argc, char **argv)
{
	return cmd_flow_write(h, argc, argv, true);
}

static int cmd_del_flow(struct ovsdp *h, int argc, char **argv)
{
	struct ovsdp_buf key, mask;
	struct ovsdp_parse_error err;
	struct ovsdp_dp_info dp;
	struct ovsdp_flow f = { 0 };
	int rc;

	if (argc < 1 || argc > 2)
		return BAD_ARGS;
	ovsdp_buf_init(&key);
	ovsdp_buf_init(&mask);
	if (ovsdp_key_parse(argv[argc - 1], &key, &mask, &err)) {
		rc = syntax_error("flow", argv[argc - 1], &err);
		goto out;
	}
	rc = find_dp(h, argc == 2 ? argv[0] : NULL, &dp);
	if (rc)
		goto out;
	f.dp_ifindex = dp.dp_ifindex;
	f.key = key.data;
	f.key_len = key.len;
	rc = ovsdp_flow_del(h, &f, NULL, NULL);
	if (rc)
		rc = fail(h, "del-flow", rc);
out:
	ovsdp_buf_free(&key);
	ovsdp_buf_free(&mask);
	return rc;
}

static int cmd_del_flows(struct ovsdp *h, int argc, char **argv)
{
	struct ovsdp_dp_info dp;
	int rc;

	if (argc > 1)
		return BAD_ARGS;
	rc = find_dp(h, argc ? argv[0] : NULL, &dp);
	if (rc)
		return rc;
	rc = ovsdp_flow_flush(h, dp.dp_ifindex);
	return rc ? fail(h, "del-flows", rc) : 0;
}

static const struct command {
	const char *name;
	int (*fn)(struct ovsdp *h, int argc, char **argv);
} commands[] = {
	{ "show", cmd_show },
	{ "dump-dps", cmd_dump_dps },
	{ "add-dp", cmd_add_dp },
	{ "del-dp", cmd_del_dp },
	{ "add-if", cmd_add_if },
	{ "del-if", cmd_del_if },
	{ "dump-flows", cmd_dump_flows },
	{ "add-flow", cmd_add_flow },
	{ "mod-flow", cmd_mod_flow },
	{ "del-flow", cmd_del_flow },
	{ "del-flows", cmd_del_flows },
};

int main(int argc, char **argv)
{
	const struct command *c = NULL;
	struct ovsdp *h;
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			c = &commands[i];
	if (!c) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	rc = ovsdp_open(&h);
	if (rc) {
		fprintf(stderr, "%s: cannot open generic netlink: %s\n", prog,
			strerror(-rc));
		return EXIT_KERNEL;
	}
	rc = c->fn(h, argc - 2, argv + 2);
	if (rc == BAD_ARGS) {
		fprintf(stderr, "%s: wrong number of arguments for %s\n", prog,
			c->name);
		usage(stderr);
		rc = EXIT_USAGE;
	}
	ovsdp_close(h);
	return rc;
}
