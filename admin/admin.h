/*
 * admin.h — pat-admin, the operator's command-line tool (DESIGN §7).
 *
 * main.c parses the global options and dispatches to one cmd_* function
 * per command; util.c holds what the commands share (configuration and
 * database on demand, option parsing, stdin, tables, times, JSON); help.c
 * holds the man-page-shaped help texts.
 *
 * Conventions: commands return an exit status (ADM_OK, ADM_FAIL,
 * ADM_USAGE) instead of calling exit(), so main() releases everything (and
 * wipes the secrets in the config) on every path. Messages go to stderr
 * through warnx(3), prefixed "pat-admin: "; results go to stdout. Ids that
 * came from the command line are escaped (adm_esc) before they are
 * printed.
 *
 * A malformed id names nothing, so commands that look something up answer
 * "no such ..." (exit 1) for it, exactly as for a well-formed unknown id; a
 * malformed value for something being created is a usage error (exit 2).
 */
#ifndef PAT_ADMIN_H
#define PAT_ADMIN_H

#include <stdint.h>
#include <stdio.h>
#include <getopt.h>

#include <json-c/json.h>

#include "config.h"
#include "db.h"
#include "valid.h"

#define ADM_OK		0	/* success */
#define ADM_FAIL	1	/* failure, "no such ...", "token invalid" */
#define ADM_USAGE	2	/* usage error */

#define ADM_PROGNAME	"pat-admin"
#define ADM_ACTOR_PREFIX	VAL_ADMIN_PREFIX	/* lib/valid.h: no user id can start so */
#define ADM_DEFAULT_REASON "revoked by operator"
#define ADM_TOKEN_INPUT_MAX 512		/* bytes read from stdin for a token */
#define ADM_ESC_MAX	160		/* escaped ids in messages */
#define ADM_LOGIN_MAX	64		/* longest login name used */

/* Option values shared by every command (getopt_long "val"). */
#define ADM_OPT_CONFIG	0x100
#define ADM_OPT_HELP	'h'

/* Append to every command's struct option array, before the terminator. */
#define ADM_COMMON_OPTIONS \
	{ "config", required_argument, NULL, ADM_OPT_CONFIG }, \
	{ "help", no_argument, NULL, ADM_OPT_HELP }

struct adm {
	const char		*config_arg;	/* --config, NULL = cfg_path() */
	struct pat_config	*cfg;		/* loaded on demand */
	struct db		*db;		/* opened on demand */
	int			 db_global;	/* db_global_init() done */
	char			 login[ADM_LOGIN_MAX + 1];	/* operator */
	char			 actor[DB_USER_MAX + 1];	/* "admin:" login */
};

/* Releases the configuration (wiping its secrets) and the database. */
void	adm_free(struct adm *a);

/*
 * Loads the configuration once (cfg_path(a->config_arg)). On failure prints
 * cfg_load's message (file, line, key) and returns ADM_FAIL.
 */
int	adm_config(struct adm *a);

/* adm_config(), then connects once. ADM_OK or ADM_FAIL (message printed). */
int	adm_db(struct adm *a);

/*
 * The operator's login name: getlogin_r(3), else the name of the effective
 * uid, else "uid:N". Always NUL-terminated printable ASCII.
 */
const char *adm_login(struct adm *a);

/*
 * The actor recorded for everything pat-admin writes (created_by,
 * revoked_by, audit events): ADM_ACTOR_PREFIX + adm_login(), e.g.
 * "admin:root", so the audit trail tells an operator's action from one by
 * an API user of the same name (the JWT sub).
 */
const char *adm_actor(struct adm *a);

/*
 * getopt_long for one command's arguments (argv[0] is the command name).
 * Handles --config (sets a->config_arg) and --help (prints the help page of
 * topic); returns the option character, -1 at the end, 'h' after --help
 * was printed (the command returns ADM_OK), or '?' after a message about a
 * bad option (the command returns adm_usage(topic)). Reset optind before
 * the first call (adm_getopt_reset).
 */
void	adm_getopt_reset(void);
int	adm_getopt(struct adm *a, const char *topic, int argc, char **argv,
	    const char *shortopts, const struct option *longopts);

/* Prints the synopsis of topic on stderr; returns ADM_USAGE. */
int	adm_usage(const char *topic);

/* Prints the man-page-shaped help of topic ("" for the tool) on stdout. */
void	adm_help(const char *topic);

/* Synopsis lines of topic ("" for the tool), without "pat-admin ". */
const char *adm_synopsis(const char *topic);

/* Escapes s for a message (log_escape rules) into buf; returns buf. */
char	*adm_esc(char *buf, size_t bufsz, const char *s);

/* Prints "pat-admin: <what>: <pat_strerror(e)>" and returns ADM_FAIL. */
int	adm_fail(const char *what, enum pat_err e);

/*
 * Reads a token from stdin into buf (cap bytes, NUL-terminated): at most
 * cap - 1 bytes, leading and trailing white space removed. On a terminal
 * it prompts on stderr and turns echo off. Returns ADM_OK with *len set;
 * ADM_FAIL if the input is longer than cap - 1 bytes or unreadable (*len
 * is then 0 and *toolong says which). The caller wipes buf.
 */
int	adm_read_token(char *buf, size_t cap, size_t *len, int *toolong);

/*
 * Asks question on stderr and reads one line from stdin (a terminal).
 * Returns 1 for "y" or "yes" (any case), else 0.
 */
int	adm_confirm(const char *question);

/*
 * Writes len bytes of s and a newline to stdout with write(2) after
 * flushing stdio, so that no copy of a secret stays in stdio's buffer.
 * Returns ADM_OK or ADM_FAIL (message printed).
 */
int	adm_write_secret(const char *s, size_t len);

/*
 * Looks up publisher id (validated with val_publisher_id first) into out
 * (may be NULL). Prints "no such publisher: ID" and returns ADM_FAIL when
 * there is none; ADM_FAIL on a database error too. Needs adm_db() done.
 */
int	adm_publisher(struct adm *a, const char *id, struct db_publisher *out);

/* True if s looks like a token rather than an id (starts with "pat_"). */
int	adm_is_token(const char *s);

/* "2026-12-03 13:28:14" (UTC), or "-" for 0. */
void	adm_time(int64_t t, char out[32]);

/* RFC 3339 string, or JSON null for 0. */
struct json_object *adm_json_time(int64_t t);

/* Prints obj (pretty) and a newline on stdout, then releases it. */
int	adm_json_print(struct json_object *obj);

/*
 * Copies s into out (size outsz) for display: control characters become
 * "\n", "\r", "\t" or "?", and more than maxchars code points are cut with
 * "…" (maxchars 0: no limit).
 */
char	*adm_display(char *out, size_t outsz, const char *s, size_t maxchars);

/* A text table whose columns are aligned on display width (code points). */
struct adm_table;
struct adm_table *adm_table_new(size_t ncols);
/* Adds a row of ncols strings (copied). Returns ADM_OK or ADM_FAIL. */
int	adm_table_add(struct adm_table *t, const char *const *cells);
void	adm_table_print(const struct adm_table *t, FILE *fp);
void	adm_table_free(struct adm_table *t);

/* Commands (cmd_token.c, cmd_registry.c). argv[0] is the command name. */
int	cmd_list(struct adm *a, int argc, char **argv);
int	cmd_show(struct adm *a, int argc, char **argv);
int	cmd_revoke(struct adm *a, int argc, char **argv);
int	cmd_create(struct adm *a, int argc, char **argv);
int	cmd_verify(struct adm *a, int argc, char **argv);
int	cmd_publisher(struct adm *a, int argc, char **argv);
int	cmd_member(struct adm *a, int argc, char **argv);
int	cmd_user(struct adm *a, int argc, char **argv);
int	cmd_jwt(struct adm *a, int argc, char **argv);

#endif
