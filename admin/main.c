/*
 * main.c — pat-admin: global options, then one command (DESIGN §7).
 *
 *   pat-admin [--config FILE] COMMAND [ARGS...]
 *
 * Exit status: 0 ok, 1 failure, 2 usage error. No secret is ever taken
 * from argv, so none can show in the process title or in ps(1).
 */
#include <sys/resource.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "log.h"

static const struct {
	const char	*name;
	int		(*run)(struct adm *, int, char **);
} commands[] = {
	{ "list",	cmd_list },
	{ "show",	cmd_show },
	{ "revoke",	cmd_revoke },
	{ "create",	cmd_create },
	{ "verify",	cmd_verify },
	{ "publisher",	cmd_publisher },
	{ "member",	cmd_member },
	{ "user",	cmd_user },
	{ "jwt",	cmd_jwt },
};

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct adm a;
	struct rlimit nocore = { 0, 0 };
	char esc[ADM_ESC_MAX];
	size_t i;
	int ch, rc = ADM_USAGE;

	program_invocation_short_name = (char *)ADM_PROGNAME;
	memset(&a, 0, sizeof(a));
	/* The configuration holds secrets (pepper, JWT key, DB password). */
	(void)setrlimit(RLIMIT_CORE, &nocore);
	log_init(ADM_PROGNAME, LOG_LVL_WARN);

	if (argc < 1)
		return ADM_USAGE;
	adm_getopt_reset();
	while ((ch = adm_getopt(&a, "", argc, argv, "+h", opts)) != -1) {
		if (ch == 'h')
			return ADM_OK;
		return adm_usage("");
	}
	if (optind >= argc) {
		warnx("no command given");
		return adm_usage("");
	}
	argc -= optind;
	argv += optind;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		warnx("unknown command: %s", adm_esc(esc, sizeof(esc),
		    argv[0]));
		return adm_usage("");
	}
	adm_getopt_reset();
	rc = commands[i].run(&a, argc, argv);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			warn("stdout");
		if (rc == ADM_OK)
			rc = ADM_FAIL;
	}
	adm_free(&a);
	return rc;
}
