/*
 * cmd_registry.c — pat-admin's registry commands: publisher, member, user,
 * and jwt. With these an operator bootstraps a registry from an empty
 * database: publisher add, member add --role owner, then create or the API.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "jwt.h"
#include "valid.h"

#define JWT_TTL_DEFAULT	600
#define JWT_TTL_MAX	86400

/*
 * Parses the options before a subcommand ("publisher --config F add ..."),
 * then runs the subcommand named by the next argument with its own argv.
 */
static int
dispatch(struct adm *a, const char *topic, int argc, char **argv,
    const char *const *names, size_t nnames, int *which)
{
	static const struct option opts[] = {
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	char esc[ADM_ESC_MAX];
	size_t i;
	int ch;

	while ((ch = adm_getopt(a, topic, argc, argv, "+h", opts)) != -1) {
		if (ch == 'h')
			return 'h';
		return adm_usage(topic);
	}
	if (optind >= argc) {
		warnx("%s: no subcommand given", topic);
		return adm_usage(topic);
	}
	for (i = 0; i < nnames; i++)
		if (strcmp(argv[optind], names[i]) == 0)
			break;
	if (i == nnames) {
		warnx("%s: unknown subcommand: %s", topic,
		    adm_esc(esc, sizeof(esc), argv[optind]));
		return adm_usage(topic);
	}
	*which = (int)i;
	return -1;
}

/*
 * Parses a subcommand's options (none but the common ones unless json is
 * not NULL) and exactly nargs positional arguments into args.
 */
static int
simple_args(struct adm *a, const char *topic, const char *sub, int argc,
    char **argv, int nargs, const char **args, int *json)
{
	static const struct option plain[] = {
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	static const struct option withjson[] = {
		{ "json", no_argument, NULL, 'j' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int ch, i;

	adm_getopt_reset();
	while ((ch = adm_getopt(a, topic, argc, argv, "h",
	    json ? withjson : plain)) != -1) {
		if (ch == 'h')
			return 'h';
		if (ch == 'j' && json != NULL) {
			*json = 1;
			continue;
		}
		return adm_usage(topic);
	}
	if (argc - optind != nargs) {
		warnx("%s %s: expected %d argument%s", topic, sub, nargs,
		    nargs == 1 ? "" : "s");
		return adm_usage(topic);
	}
	for (i = 0; i < nargs; i++)
		args[i] = argv[optind + i];
	return -1;
}

static int
publisher_add(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct val_error ve;
	const char *id, *name = NULL;
	char esc[ADM_ESC_MAX];
	int ch;
	enum pat_err e;

	adm_getopt_reset();
	while ((ch = adm_getopt(a, "publisher", argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'h':
			return ADM_OK;
		default:
			return adm_usage("publisher");
		}
	}
	if (argc - optind != 1) {
		warnx("publisher add: expected one publisher id");
		return adm_usage("publisher");
	}
	id = argv[optind];
	if (!val_publisher_id(id, strlen(id))) {
		warnx("publisher add: invalid publisher id \"%s\": it must "
		    "match ^[a-z][a-z0-9-]*$ and be at most %d bytes",
		    adm_esc(esc, sizeof(esc), id), VAL_PUBLISHER_ID_MAX);
		return adm_usage("publisher");
	}
	if (name == NULL)
		name = id;
	if (val_token_name(name, strlen(name), &ve) != PAT_OK) {
		warnx("publisher add: invalid --name: %s", ve.message);
		return adm_usage("publisher");
	}
	if (adm_db(a) != ADM_OK)
		return ADM_FAIL;
	e = db_publisher_add(a->db, id, name);
	if (e == PAT_ERR_EXISTS) {
		warnx("publisher add: publisher %s already exists", id);
		return ADM_FAIL;
	}
	if (e != PAT_OK)
		return adm_fail("publisher add", e);
	printf("added publisher %s\n", id);
	return ADM_OK;
}

static const char *
status_str(enum db_status st)
{
	return st == DB_BANNED ? "banned" : "active";
}

static int
publisher_list(struct adm *a, int argc, char **argv)
{
	struct db_publisher *p = NULL;
	struct adm_table *tab = NULL;
	struct json_object *arr = NULL, *o;
	const char *row[4];
	char name[DB_NAME_MAX * 2 + 8], when[32];
	size_t n = 0, i;
	int json = 0, rc;
	enum pat_err e;

	if ((rc = simple_args(a, "publisher", "list", argc, argv, 0, NULL,
	    &json)) != -1)
		return rc == 'h' ? ADM_OK : rc;
	rc = ADM_FAIL;
	if (adm_db(a) != ADM_OK)
		goto out;
	if ((e = db_publisher_list(a->db, &p, &n)) != PAT_OK) {
		rc = adm_fail("publisher list", e);
		goto out;
	}
	if (json) {
		if ((arr = json_object_new_array()) == NULL)
			goto oom;
		for (i = 0; i < n; i++) {
			if ((o = json_object_new_object()) == NULL ||
			    json_object_array_add(arr, o) != 0) {
				json_object_put(o);
				goto oom;
			}
			json_object_object_add(o, "id",
			    json_object_new_string(p[i].id));
			json_object_object_add(o, "name",
			    json_object_new_string(p[i].name));
			json_object_object_add(o, "status",
			    json_object_new_string(status_str(p[i].status)));
			json_object_object_add(o, "createdAt",
			    adm_json_time(p[i].created_at));
		}
		rc = adm_json_print(arr);
		arr = NULL;
		goto out;
	}
	if ((tab = adm_table_new(4)) == NULL)
		goto oom;
	row[0] = "ID";
	row[1] = "NAME";
	row[2] = "STATUS";
	row[3] = "CREATED (UTC)";
	if (adm_table_add(tab, row) != ADM_OK)
		goto out;
	for (i = 0; i < n; i++) {
		adm_time(p[i].created_at, when);
		row[0] = p[i].id;
		row[1] = adm_display(name, sizeof(name), p[i].name, 40);
		row[2] = status_str(p[i].status);
		row[3] = when;
		if (adm_table_add(tab, row) != ADM_OK)
			goto out;
	}
	adm_table_print(tab, stdout);
	rc = ADM_OK;
	goto out;
oom:
	warnx("publisher list: out of memory");
out:
	json_object_put(arr);
	adm_table_free(tab);
	free(p);
	return rc;
}

static int
publisher_status(struct adm *a, int argc, char **argv, enum db_status st)
{
	const char *sub = st == DB_BANNED ? "ban" : "unban";
	const char *id;
	char esc[ADM_ESC_MAX];
	int rc;
	enum pat_err e = PAT_ERR_NOTFOUND;

	if ((rc = simple_args(a, "publisher", sub, argc, argv, 1, &id,
	    NULL)) != -1)
		return rc == 'h' ? ADM_OK : rc;
	if (adm_db(a) != ADM_OK)
		return ADM_FAIL;
	if (val_publisher_id(id, strlen(id)))
		e = db_publisher_set_status(a->db, id, st);
	switch (e) {
	case PAT_OK:
		printf("%s publisher %s\n", st == DB_BANNED ? "banned" :
		    "unbanned", id);
		return ADM_OK;
	case PAT_ERR_ALREADY:
		printf("publisher %s was already %s\n", id, status_str(st));
		return ADM_OK;
	case PAT_ERR_NOTFOUND:
		warnx("no such publisher: %s", adm_esc(esc, sizeof(esc), id));
		return ADM_FAIL;
	default:
		return adm_fail("publisher", e);
	}
}

int
cmd_publisher(struct adm *a, int argc, char **argv)
{
	static const char *const subs[] = { "add", "list", "ban", "unban" };
	int which = -1, rc;

	rc = dispatch(a, "publisher", argc, argv, subs, 4, &which);
	if (rc != -1)
		return rc == 'h' ? ADM_OK : rc;
	argc -= optind;
	argv += optind;
	switch (which) {
	case 0:
		return publisher_add(a, argc, argv);
	case 1:
		return publisher_list(a, argc, argv);
	case 2:
		return publisher_status(a, argc, argv, DB_BANNED);
	default:
		return publisher_status(a, argc, argv, DB_ACTIVE);
	}
}

static int
member_add(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	enum db_role role = DB_ROLE_MEMBER;
	const char *pub, *user;
	char esc[ADM_ESC_MAX];
	int ch;
	enum pat_err e;

	adm_getopt_reset();
	while ((ch = adm_getopt(a, "member", argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'r':
			if (strcmp(optarg, "owner") == 0)
				role = DB_ROLE_OWNER;
			else if (strcmp(optarg, "member") == 0)
				role = DB_ROLE_MEMBER;
			else {
				warnx("member add: --role must be owner or "
				    "member");
				return adm_usage("member");
			}
			break;
		case 'h':
			return ADM_OK;
		default:
			return adm_usage("member");
		}
	}
	if (argc - optind != 2) {
		warnx("member add: expected PUBLISHER and USER");
		return adm_usage("member");
	}
	pub = argv[optind];
	user = argv[optind + 1];
	if (!val_user_id(user, strlen(user))) {
		warnx("member add: invalid user id \"%s\": it must be 1 to %d "
		    "printable ASCII characters without spaces",
		    adm_esc(esc, sizeof(esc), user), VAL_USER_ID_MAX);
		return adm_usage("member");
	}
	if (adm_db(a) != ADM_OK || adm_publisher(a, pub, NULL) != ADM_OK)
		return ADM_FAIL;
	e = db_member_add(a->db, pub, user, role);
	if (e == PAT_ERR_NOTFOUND) {
		warnx("no such publisher: %s", pub);
		return ADM_FAIL;
	}
	if (e != PAT_OK)
		return adm_fail("member add", e);
	printf("%s is now %s of publisher %s\n", user,
	    role == DB_ROLE_OWNER ? "an owner" : "a member", pub);
	return ADM_OK;
}

static int
member_remove(struct adm *a, int argc, char **argv)
{
	const char *args[2];
	char esc[ADM_ESC_MAX];
	int rc;
	enum pat_err e = PAT_ERR_NOTFOUND;

	if ((rc = simple_args(a, "member", "remove", argc, argv, 2, args,
	    NULL)) != -1)
		return rc == 'h' ? ADM_OK : rc;
	if (adm_db(a) != ADM_OK || adm_publisher(a, args[0], NULL) != ADM_OK)
		return ADM_FAIL;
	if (val_user_id(args[1], strlen(args[1])))
		e = db_member_remove(a->db, args[0], args[1]);
	if (e == PAT_ERR_NOTFOUND) {
		warnx("member remove: %s is not a member of publisher %s",
		    adm_esc(esc, sizeof(esc), args[1]), args[0]);
		return ADM_FAIL;
	}
	if (e != PAT_OK)
		return adm_fail("member remove", e);
	printf("removed %s from publisher %s\n", args[1], args[0]);
	return ADM_OK;
}

int
cmd_member(struct adm *a, int argc, char **argv)
{
	static const char *const subs[] = { "add", "remove" };
	int which = -1, rc;

	rc = dispatch(a, "member", argc, argv, subs, 2, &which);
	if (rc != -1)
		return rc == 'h' ? ADM_OK : rc;
	argc -= optind;
	argv += optind;
	if (which == 0)
		return member_add(a, argc, argv);
	return member_remove(a, argc, argv);
}

int
cmd_user(struct adm *a, int argc, char **argv)
{
	static const char *const subs[] = { "ban", "unban" };
	enum db_status st;
	const char *user, *sub;
	char esc[ADM_ESC_MAX];
	int which = -1, rc;
	enum pat_err e = PAT_ERR_NOTFOUND;

	rc = dispatch(a, "user", argc, argv, subs, 2, &which);
	if (rc != -1)
		return rc == 'h' ? ADM_OK : rc;
	argc -= optind;
	argv += optind;
	sub = subs[which];
	st = which == 0 ? DB_BANNED : DB_ACTIVE;
	if ((rc = simple_args(a, "user", sub, argc, argv, 1, &user, NULL)) !=
	    -1)
		return rc == 'h' ? ADM_OK : rc;
	if (adm_db(a) != ADM_OK)
		return ADM_FAIL;
	if (val_user_id(user, strlen(user)))
		e = db_user_set_status(a->db, user, st);
	switch (e) {
	case PAT_OK:
		printf("%s user %s\n", st == DB_BANNED ? "banned" : "unbanned",
		    user);
		return ADM_OK;
	case PAT_ERR_ALREADY:
		printf("user %s was already %s\n", user, status_str(st));
		return ADM_OK;
	case PAT_ERR_NOTFOUND:
		warnx("no such user: %s", adm_esc(esc, sizeof(esc), user));
		return ADM_FAIL;
	default:
		return adm_fail("user", e);
	}
}

int
cmd_jwt(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sub", required_argument, NULL, 's' },
		{ "ttl", required_argument, NULL, 't' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	const char *sub = NULL;
	char *jwt = NULL, *end;
	long ttl = JWT_TTL_DEFAULT;
	int ch, rc = ADM_FAIL;
	enum pat_err e;

	while ((ch = adm_getopt(a, "jwt", argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 's':
			sub = optarg;
			break;
		case 't':
			errno = 0;
			ttl = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    ttl < 1 || ttl > JWT_TTL_MAX) {
				warnx("jwt: --ttl must be 1 to %d seconds",
				    JWT_TTL_MAX);
				return adm_usage("jwt");
			}
			break;
		case 'h':
			return ADM_OK;
		default:
			return adm_usage("jwt");
		}
	}
	if (sub == NULL) {
		warnx("jwt: --sub is required");
		return adm_usage("jwt");
	}
	if (optind < argc) {
		warnx("jwt: unexpected argument");
		return adm_usage("jwt");
	}
	if (!val_user_id(sub, strlen(sub)) || strlen(sub) > JWT_SUB_MAX) {
		warnx("jwt: --sub must be 1 to %d printable ASCII characters "
		    "without spaces", VAL_USER_ID_MAX);
		return adm_usage("jwt");
	}
	if (adm_config(a) != ADM_OK)
		return ADM_FAIL;
	if (a->cfg->hs256_secret == NULL) {
		warnx("jwt: no [auth] hs256_secret_file in %s", a->cfg->path);
		return ADM_FAIL;
	}
	e = jwt_sign_hs256(a->cfg->hs256_secret, a->cfg->hs256_secret_len,
	    a->cfg->issuer, a->cfg->audience, sub, time(NULL), ttl, &jwt);
	if (e != PAT_OK) {
		rc = adm_fail("jwt", e);
		goto out;
	}
	rc = adm_write_secret(jwt, strlen(jwt));
out:
	if (jwt != NULL) {
		explicit_bzero(jwt, strlen(jwt));
		free(jwt);
	}
	return rc;
}
