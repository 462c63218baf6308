/*
 * cmd_token.c — pat-admin's token commands: list, show, revoke, create,
 * verify.
 *
 * Every actor recorded in the database (created_by, revoked_by, the
 * actor of "created", "revoked" and "verified" events) is adm_actor():
 * "admin:" + the operator's login name, e.g. "admin:root", so that it
 * cannot be mistaken for a user of the API (a JWT sub) of the same name.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "pwhash.h"
#include "token.h"
#include "valid.h"

#define CREATE_ATTEMPTS	4	/* regenerate on a duplicate selector/id */
#define TABLE_NAME_MAX	40	/* name column cut after this many chars */

static int
parse_state(const char *s, enum db_state *st)
{
	if (strcmp(s, "active") == 0)
		*st = DB_STATE_ACTIVE;
	else if (strcmp(s, "revoked") == 0)
		*st = DB_STATE_REVOKED;
	else if (strcmp(s, "all") == 0)
		*st = DB_STATE_ALL;
	else
		return -1;
	return 0;
}

static const char *
token_state(const struct db_token *t, time_t now)
{
	if (t->revoked_at != 0)
		return "revoked";
	if (t->expires_at != 0 && t->expires_at <= (int64_t)now)
		return "expired";
	return "active";
}

/* The object of DESIGN §7's list, plus the details of show when full. */
static struct json_object *
token_json(const struct db_token *t, int full)
{
	struct json_object *o;
	char mask[TOK_MASK_SIZE];

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	tok_mask(t->selector, mask);
	json_object_object_add(o, "id", json_object_new_string(t->id));
	json_object_object_add(o, "publisherId",
	    json_object_new_string(t->publisher_id));
	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "description",
	    json_object_new_string(t->description));
	json_object_object_add(o, "createdAt", adm_json_time(t->created_at));
	json_object_object_add(o, "lastUsedAt",
	    adm_json_time(t->last_used_at));
	json_object_object_add(o, "expiresAt", adm_json_time(t->expires_at));
	json_object_object_add(o, "revokedAt", adm_json_time(t->revoked_at));
	json_object_object_add(o, "token", json_object_new_string(mask));
	if (full) {
		json_object_object_add(o, "createdBy",
		    json_object_new_string(t->created_by));
		json_object_object_add(o, "revokedBy", t->revoked_at ?
		    json_object_new_string(t->revoked_by) : NULL);
		json_object_object_add(o, "revokedReason", t->revoked_at ?
		    json_object_new_string(t->revoked_reason) : NULL);
		json_object_object_add(o, "state",
		    json_object_new_string(token_state(t, time(NULL))));
	}
	return o;
}

/* Rejects extra positional arguments; returns ADM_OK or ADM_USAGE. */
static int
no_more_args(const char *topic, int argc, char **argv)
{
	char esc[ADM_ESC_MAX];

	if (optind >= argc)
		return ADM_OK;
	if (adm_is_token(argv[optind]))
		warnx("%s: unexpected argument (it looks like a token: never "
		    "put one on the command line)", topic);
	else
		warnx("%s: unexpected argument: %s", topic,
		    adm_esc(esc, sizeof(esc), argv[optind]));
	return adm_usage(topic);
}

int
cmd_list(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "publisher", required_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct db_token *toks = NULL;
	struct adm_table *tab = NULL;
	struct json_object *arr = NULL, *o;
	enum db_state st = DB_STATE_ACTIVE;
	const char *pub = NULL;
	char name[TABLE_NAME_MAX * 4 + 8], mask[TOK_MASK_SIZE];
	char created[32], used[32], expires[32], revoked[32];
	size_t n = 0, i, ncols;
	int ch, json = 0, rc = ADM_FAIL, show_exp = 0, show_rev;
	enum pat_err e;

	while ((ch = adm_getopt(a, "list", argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'p':
			pub = optarg;
			break;
		case 's':
			if (parse_state(optarg, &st) != 0) {
				warnx("list: --state must be active, revoked "
				    "or all");
				return adm_usage("list");
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			return ADM_OK;
		default:
			return adm_usage("list");
		}
	}
	if ((rc = no_more_args("list", argc, argv)) != ADM_OK)
		return rc;
	rc = ADM_FAIL;
	if (adm_db(a) != ADM_OK)
		goto out;
	if (pub != NULL && adm_publisher(a, pub, NULL) != ADM_OK)
		goto out;
	if ((e = db_token_list(a->db, pub, st, &toks, &n)) != PAT_OK) {
		rc = adm_fail("list", e);
		goto out;
	}
	if (json) {
		if ((arr = json_object_new_array()) == NULL)
			goto out;
		for (i = 0; i < n; i++) {
			if ((o = token_json(&toks[i], 0)) == NULL ||
			    json_object_array_add(arr, o) != 0) {
				json_object_put(o);
				warnx("list: out of memory");
				goto out;
			}
		}
		rc = adm_json_print(arr);
		arr = NULL;
		goto out;
	}

	for (i = 0; i < n; i++)
		if (toks[i].expires_at != 0)
			show_exp = 1;
	show_rev = st != DB_STATE_ACTIVE;
	ncols = 6 + (size_t)show_exp + (size_t)show_rev;
	if ((tab = adm_table_new(ncols)) == NULL) {
		warnx("list: out of memory");
		goto out;
	}
	{
		const char *hdr[8] = { "ID", "PUBLISHER", "NAME", "TOKEN",
		    "CREATED (UTC)", "LAST USED (UTC)", NULL, NULL };
		size_t k = 6;

		if (show_exp)
			hdr[k++] = "EXPIRES (UTC)";
		if (show_rev)
			hdr[k++] = "REVOKED (UTC)";
		if (adm_table_add(tab, hdr) != ADM_OK)
			goto out;
	}
	for (i = 0; i < n; i++) {
		const char *row[8];
		size_t k = 6;

		tok_mask(toks[i].selector, mask);
		adm_display(name, sizeof(name), toks[i].name, TABLE_NAME_MAX);
		adm_time(toks[i].created_at, created);
		adm_time(toks[i].last_used_at, used);
		adm_time(toks[i].expires_at, expires);
		adm_time(toks[i].revoked_at, revoked);
		row[0] = toks[i].id;
		row[1] = toks[i].publisher_id;
		row[2] = name;
		row[3] = mask;
		row[4] = created;
		row[5] = used;
		if (show_exp)
			row[k++] = expires;
		if (show_rev)
			row[k++] = revoked;
		if (adm_table_add(tab, row) != ADM_OK)
			goto out;
	}
	adm_table_print(tab, stdout);
	rc = ADM_OK;
out:
	json_object_put(arr);
	adm_table_free(tab);
	free(toks);
	return rc;
}

/* Finds the token named by id; prints "no such token" when there is none. */
static int
find_token(struct adm *a, const char *topic, const char *id,
    struct db_token *t)
{
	char esc[ADM_ESC_MAX];
	enum pat_err e = PAT_ERR_NOTFOUND;

	if (adm_is_token(id)) {
		warnx("%s: that is a token, not a token id; pass tokens on "
		    "standard input (see '%s %s --help')", topic,
		    ADM_PROGNAME, topic);
		return ADM_FAIL;
	}
	if (val_uuid(id, strlen(id)))
		e = db_token_get(a->db, id, t);
	if (e == PAT_ERR_NOTFOUND) {
		warnx("no such token: %s", adm_esc(esc, sizeof(esc), id));
		return ADM_FAIL;
	}
	if (e != PAT_OK)
		return adm_fail(topic, e);
	return ADM_OK;
}

/* One "label: value" line of show, aligned, without trailing blanks. */
static void
show_field(const char *label, const char *value)
{
	if (*value == '\0')
		printf("%s\n", label);
	else
		printf("%-18s%s\n", label, value);
}

int
cmd_show(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct db_token *t = NULL;
	struct db_event *ev = NULL;
	struct adm_table *tab = NULL;
	struct json_object *o = NULL, *evs, *eo;
	const char *id;
	char mask[TOK_MASK_SIZE], when[32];
	char buf[DB_DESC_MAX * 2 + 8];
	size_t nev = 0, i;
	int ch, json = 0, rc = ADM_FAIL;
	enum pat_err e;

	while ((ch = adm_getopt(a, "show", argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			return ADM_OK;
		default:
			return adm_usage("show");
		}
	}
	if (optind >= argc) {
		warnx("show: no token id given");
		return adm_usage("show");
	}
	id = argv[optind++];
	if ((rc = no_more_args("show", argc, argv)) != ADM_OK)
		return rc;
	rc = ADM_FAIL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		warn("show");
		goto out;
	}
	if (adm_db(a) != ADM_OK || find_token(a, "show", id, t) != ADM_OK)
		goto out;
	if ((e = db_event_list(a->db, t->id, &ev, &nev)) != PAT_OK) {
		rc = adm_fail("show: events", e);
		goto out;
	}

	if (json) {
		if ((o = token_json(t, 1)) == NULL ||
		    (evs = json_object_new_array()) == NULL) {
			warnx("show: out of memory");
			goto out;
		}
		json_object_object_add(o, "events", evs);
		for (i = 0; i < nev; i++) {
			if ((eo = json_object_new_object()) == NULL ||
			    json_object_array_add(evs, eo) != 0) {
				json_object_put(eo);
				warnx("show: out of memory");
				goto out;
			}
			json_object_object_add(eo, "event",
			    json_object_new_string(ev[i].event));
			json_object_object_add(eo, "actor",
			    json_object_new_string(ev[i].actor));
			json_object_object_add(eo, "detail",
			    json_object_new_string(ev[i].detail));
			json_object_object_add(eo, "at",
			    adm_json_time(ev[i].at));
		}
		rc = adm_json_print(o);
		o = NULL;
		goto out;
	}

	tok_mask(t->selector, mask);
	show_field("id:", t->id);
	show_field("publisher:", t->publisher_id);
	show_field("name:", adm_display(buf, sizeof(buf), t->name, 0));
	show_field("description:",
	    adm_display(buf, sizeof(buf), t->description, 0));
	show_field("token:", mask);
	show_field("state:", token_state(t, time(NULL)));
	show_field("created by:",
	    adm_display(buf, sizeof(buf), t->created_by, 0));
	adm_time(t->created_at, when);
	show_field("created (UTC):", when);
	adm_time(t->last_used_at, when);
	show_field("last used (UTC):", when);
	adm_time(t->expires_at, when);
	show_field("expires (UTC):", when);
	adm_time(t->revoked_at, when);
	show_field("revoked (UTC):", when);
	if (t->revoked_at != 0) {
		show_field("revoked by:",
		    adm_display(buf, sizeof(buf), t->revoked_by, 0));
		show_field("revoked reason:",
		    adm_display(buf, sizeof(buf), t->revoked_reason, 0));
	}
	printf("\nevents:\n");
	if ((tab = adm_table_new(4)) == NULL)
		goto out;
	{
		const char *hdr[4] = { "AT (UTC)", "EVENT", "ACTOR", "DETAIL" };

		if (adm_table_add(tab, hdr) != ADM_OK)
			goto out;
	}
	for (i = 0; i < nev; i++) {
		char actor[DB_USER_MAX * 2 + 8], detail[DB_REASON_MAX * 2 + 8];
		const char *row[4];

		adm_time(ev[i].at, when);
		row[0] = when;
		row[1] = ev[i].event;
		row[2] = adm_display(actor, sizeof(actor), ev[i].actor, 0);
		row[3] = adm_display(detail, sizeof(detail), ev[i].detail, 0);
		if (adm_table_add(tab, row) != ADM_OK)
			goto out;
	}
	adm_table_print(tab, stdout);
	rc = ADM_OK;
out:
	json_object_put(o);
	adm_table_free(tab);
	free(ev);
	free(t);
	return rc;
}

/*
 * A revocation reason: 1..DB_REASON_MAX bytes of valid UTF-8 without any
 * control character.
 */
static int
reason_ok(const char *r)
{
	struct val_error ve;
	size_t i, len = strlen(r);

	if (len == 0 || len > DB_REASON_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f)
			return 0;
	return val_token_description(r, len, &ve) == PAT_OK;
}

/*
 * Reads a token from stdin and checks it as far as its secret: format and
 * checksum (no database), then the selector and pw_verify against the
 * stored hash. Returns ADM_OK with t filled; or ADM_FAIL with *why set to
 * the reason the token is invalid, or *why NULL after an operational
 * failure (message printed). Wipes every buffer that held the token.
 */
static int
token_from_stdin(struct adm *a, const char *topic, struct db_token *t,
    const char **why)
{
	char buf[ADM_TOKEN_INPUT_MAX + 1];
	struct tok_parts parts;
	struct pw_params pp;
	size_t len = 0;
	int toolong = 0, rc = ADM_FAIL;
	enum pat_err e;

	*why = NULL;
	memset(&parts, 0, sizeof(parts));
	if (adm_read_token(buf, sizeof(buf), &len, &toolong) != ADM_OK) {
		if (toolong)
			*why = "bad format (input too long)";
		else
			warn("%s: standard input", topic);
		goto out;
	}
	if (len == 0) {
		*why = "bad format (no token on standard input)";
		goto out;
	}
	e = tok_parse(buf, len, &parts);
	explicit_bzero(buf, sizeof(buf));
	if (e == PAT_ERR_FORMAT) {
		*why = "bad format";
		goto out;
	}
	if (e == PAT_ERR_CHECKSUM) {
		*why = "bad checksum";
		goto out;
	}
	if (e != PAT_OK) {
		adm_fail(topic, e);
		goto out;
	}
	if (adm_db(a) != ADM_OK)
		goto out;
	e = db_token_by_selector(a->db, parts.selector, t);
	if (e == PAT_ERR_NOTFOUND) {
		*why = "unknown token";
		goto out;
	}
	if (e != PAT_OK) {
		adm_fail(topic, e);
		goto out;
	}
	memset(&pp, 0, sizeof(pp));
	pp.m_kib = a->cfg->argon2_memory_kib;
	pp.t = a->cfg->argon2_iterations;
	pp.p = a->cfg->argon2_parallelism;
	pp.pepper = a->cfg->pepper;
	pp.pepper_len = a->cfg->pepper_len;
	e = pw_verify(&pp, t->hash, parts.secret, TOK_SECRET_LEN);
	if (e == PAT_ERR_MISMATCH) {
		*why = "secret does not match";
		goto out;
	}
	if (e != PAT_OK) {
		adm_fail(topic, e);
		goto out;
	}
	rc = ADM_OK;
out:
	explicit_bzero(buf, sizeof(buf));
	tok_parts_wipe(&parts);
	return rc;
}

static int
revoke_by_value(struct adm *a, const char *reason)
{
	struct db_token *t = NULL;
	const char *why = NULL;
	char name[DB_NAME_MAX * 2 + 8];
	int rc = ADM_FAIL;
	enum pat_err e;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		warn("revoke");
		goto out;
	}
	if (token_from_stdin(a, "revoke", t, &why) != ADM_OK) {
		if (why != NULL)
			warnx("revoke: token invalid: %s; nothing revoked", why);
		goto out;
	}
	e = db_token_revoke(a->db, t->id, NULL, adm_actor(a), reason);
	adm_display(name, sizeof(name), t->name, 0);
	if (e == PAT_ERR_ALREADY) {
		printf("token %s was already revoked\n", t->id);
		rc = ADM_OK;
	} else if (e == PAT_OK) {
		printf("revoked token %s (publisher %s, name \"%s\")\n", t->id,
		    t->publisher_id, name);
		rc = ADM_OK;
	} else if (e == PAT_ERR_NOTFOUND)
		warnx("no such token: %s", t->id);
	else
		adm_fail("revoke", e);
out:
	free(t);
	return rc;
}

static int
revoke_all(struct adm *a, const char *pub, int yes, const char *reason)
{
	char q[256], esc[ADM_ESC_MAX];
	unsigned n = 0, count = 0;
	enum pat_err e;

	if (adm_db(a) != ADM_OK || adm_publisher(a, pub, NULL) != ADM_OK)
		return ADM_FAIL;
	if ((e = db_token_count_active(a->db, pub, &n)) != PAT_OK)
		return adm_fail("revoke", e);
	if (n == 0) {
		printf("publisher %s has no active tokens\n", pub);
		return ADM_OK;
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			warnx("revoke: not revoking the %u active token%s of "
			    "publisher %s: standard input is not a terminal, "
			    "so confirm with --yes", n, n == 1 ? "" : "s",
			    adm_esc(esc, sizeof(esc), pub));
			return ADM_USAGE;
		}
		(void)snprintf(q, sizeof(q), "Revoke all %u active token%s of "
		    "publisher %s?", n, n == 1 ? "" : "s", pub);
		if (!adm_confirm(q)) {
			warnx("revoke: not confirmed; nothing revoked");
			return ADM_FAIL;
		}
	}
	e = db_token_revoke_all(a->db, pub, adm_actor(a), reason, &count);
	if (e != PAT_OK)
		return adm_fail("revoke", e);
	printf("revoked %u token%s of publisher %s\n", count,
	    count == 1 ? "" : "s", pub);
	return ADM_OK;
}

static int
revoke_ids(struct adm *a, const char *pub, const char *reason, int n,
    char **ids)
{
	char esc[ADM_ESC_MAX], pesc[ADM_ESC_MAX];
	int i, rc = ADM_OK;
	enum pat_err e;

	if (adm_db(a) != ADM_OK)
		return ADM_FAIL;
	if (pub != NULL && adm_publisher(a, pub, NULL) != ADM_OK)
		return ADM_FAIL;
	for (i = 0; i < n; i++) {
		if (adm_is_token(ids[i])) {
			warnx("revoke: that is a token, not a token id; use "
			    "'revoke --token -' and pass it on standard input");
			rc = ADM_FAIL;
			continue;
		}
		e = PAT_ERR_NOTFOUND;
		if (val_uuid(ids[i], strlen(ids[i])))
			e = db_token_revoke(a->db, ids[i], pub, adm_actor(a),
			    reason);
		switch (e) {
		case PAT_OK:
			printf("revoked token %s\n", ids[i]);
			break;
		case PAT_ERR_ALREADY:
			printf("token %s was already revoked\n", ids[i]);
			break;
		case PAT_ERR_NOTFOUND:
			if (pub != NULL)
				warnx("no such token: %s (of publisher %s)",
				    adm_esc(esc, sizeof(esc), ids[i]),
				    adm_esc(pesc, sizeof(pesc), pub));
			else
				warnx("no such token: %s",
				    adm_esc(esc, sizeof(esc), ids[i]));
			rc = ADM_FAIL;
			break;
		default:
			adm_fail("revoke", e);
			rc = ADM_FAIL;
			break;
		}
	}
	return rc;
}

int
cmd_revoke(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "publisher", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "yes", no_argument, NULL, 'y' },
		{ "token", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	const char *pub = NULL, *reason = ADM_DEFAULT_REASON;
	int ch, all = 0, yes = 0, bytoken = 0;

	while ((ch = adm_getopt(a, "revoke", argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'p':
			pub = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'y':
			yes = 1;
			break;
		case 't':
			if (strcmp(optarg, "-") != 0) {
				warnx("revoke: --token only takes \"-\": the "
				    "token is read from standard input, never "
				    "from the command line");
				return adm_usage("revoke");
			}
			bytoken = 1;
			break;
		case 'r':
			if (!reason_ok(optarg)) {
				warnx("revoke: --reason must be 1 to %d bytes "
				    "of UTF-8 without control characters",
				    DB_REASON_MAX);
				return adm_usage("revoke");
			}
			reason = optarg;
			break;
		case 'h':
			return ADM_OK;
		default:
			return adm_usage("revoke");
		}
	}
	if (bytoken) {
		if (all || pub != NULL || optind < argc) {
			warnx("revoke: --token - takes no ids, --publisher "
			    "or --all");
			return adm_usage("revoke");
		}
		return revoke_by_value(a, reason);
	}
	if (all) {
		if (pub == NULL) {
			warnx("revoke: --all needs --publisher");
			return adm_usage("revoke");
		}
		if (optind < argc) {
			warnx("revoke: --all takes no ids");
			return adm_usage("revoke");
		}
		return revoke_all(a, pub, yes, reason);
	}
	if (optind >= argc) {
		warnx("revoke: no token id given");
		return adm_usage("revoke");
	}
	return revoke_ids(a, pub, reason, argc - optind, argv + optind);
}

int
cmd_create(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "publisher", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "description", required_argument, NULL, 'd' },
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct db_token *t = NULL;
	struct db_publisher pubrow;
	struct tok_parts parts;
	struct pw_params pp;
	struct val_error ve;
	const char *pub = NULL, *name = NULL, *desc = "";
	char token[TOK_LEN + 1], phc[PW_PHC_MAX], esc[ADM_ESC_MAX];
	int ch, attempt, n, rc = ADM_FAIL;
	enum pat_err e = PAT_ERR_EXISTS;

	memset(&parts, 0, sizeof(parts));
	memset(token, 0, sizeof(token));
	memset(phc, 0, sizeof(phc));
	while ((ch = adm_getopt(a, "create", argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'p':
			pub = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'd':
			desc = optarg;
			break;
		case 'h':
			return ADM_OK;
		default:
			return adm_usage("create");
		}
	}
	if (pub == NULL || name == NULL) {
		warnx("create: --publisher and --name are required");
		return adm_usage("create");
	}
	if ((rc = no_more_args("create", argc, argv)) != ADM_OK)
		return rc;
	if (val_token_name(name, strlen(name), &ve) != PAT_OK) {
		warnx("create: %s", ve.message);
		return adm_usage("create");
	}
	if (val_token_description(desc, strlen(desc), &ve) != PAT_OK) {
		warnx("create: %s", ve.message);
		return adm_usage("create");
	}
	rc = ADM_FAIL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		warn("create");
		goto out;
	}
	if (adm_db(a) != ADM_OK || adm_publisher(a, pub, &pubrow) != ADM_OK)
		goto out;
	if (pubrow.status != DB_ACTIVE) {
		warnx("create: publisher %s is banned", pubrow.id);
		goto out;
	}
	memset(&pp, 0, sizeof(pp));
	pp.m_kib = a->cfg->argon2_memory_kib;
	pp.t = a->cfg->argon2_iterations;
	pp.p = a->cfg->argon2_parallelism;
	pp.pepper = a->cfg->pepper;
	pp.pepper_len = a->cfg->pepper_len;

	for (attempt = 0; attempt < CREATE_ATTEMPTS && e == PAT_ERR_EXISTS;
	    attempt++) {
		memset(t, 0, sizeof(*t));
		if ((e = tok_generate(token, &parts)) != PAT_OK ||
		    (e = pw_hash(&pp, parts.secret, TOK_SECRET_LEN, phc)) !=
		    PAT_OK || (e = tok_uuid4(t->id)) != PAT_OK) {
			rc = adm_fail("create", e);
			goto out;
		}
		(void)snprintf(t->selector, sizeof(t->selector), "%s",
		    parts.selector);
		tok_parts_wipe(&parts);
		(void)snprintf(t->publisher_id, sizeof(t->publisher_id), "%s",
		    pubrow.id);
		(void)snprintf(t->name, sizeof(t->name), "%s", name);
		(void)snprintf(t->description, sizeof(t->description), "%s",
		    desc);
		(void)snprintf(t->hash, sizeof(t->hash), "%s", phc);
		n = snprintf(t->created_by, sizeof(t->created_by), "%s",
		    adm_actor(a));
		if (n < 0 || (size_t)n >= sizeof(t->created_by)) {
			warnx("create: login name too long");
			goto out;
		}
		e = db_token_insert(a->db, t, a->cfg->max_tokens_per_publisher);
	}
	switch (e) {
	case PAT_OK:
		break;
	case PAT_ERR_LIMIT:
		warnx("create: publisher %s already has the maximum of %u "
		    "active tokens", pubrow.id,
		    a->cfg->max_tokens_per_publisher);
		goto out;
	case PAT_ERR_NOTFOUND:
		warnx("no such publisher: %s", adm_esc(esc, sizeof(esc), pub));
		goto out;
	case PAT_ERR_FORBIDDEN:
		/* banned between the check above and the insert */
		warnx("create: publisher %s is banned", pubrow.id);
		goto out;
	default:
		rc = adm_fail("create", e);
		goto out;
	}
	if (adm_write_secret(token, TOK_LEN) != ADM_OK)
		goto out;
	fprintf(stderr, "created token %s for publisher %s; it is shown only "
	    "this once\n", t->id, pubrow.id);
	rc = ADM_OK;
out:
	explicit_bzero(token, sizeof(token));
	explicit_bzero(phc, sizeof(phc));
	tok_parts_wipe(&parts);
	if (t != NULL)
		explicit_bzero(t, sizeof(*t));
	free(t);
	return rc;
}

int
cmd_verify(struct adm *a, int argc, char **argv)
{
	static const struct option opts[] = {
		ADM_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct db_token *t = NULL;
	const char *why = NULL;
	char name[DB_NAME_MAX * 2 + 8];
	int ch, rc;
	enum pat_err e;

	while ((ch = adm_getopt(a, "verify", argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return ADM_OK;
		return adm_usage("verify");
	}
	if ((rc = no_more_args("verify", argc, argv)) != ADM_OK)
		return rc;
	rc = ADM_FAIL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		warn("verify");
		goto out;
	}
	if (token_from_stdin(a, "verify", t, &why) != ADM_OK)
		goto out;
	if (t->revoked_at != 0)
		why = "revoked";
	else if (t->expires_at != 0 && t->expires_at <= (int64_t)time(NULL))
		why = "expired";
	if (why != NULL)
		goto out;
	e = db_event_add(a->db, t->id, "verified", adm_actor(a),
	    "pat-admin verify");
	if (e != PAT_OK)
		warnx("verify: could not record the audit event: %s",
		    pat_strerror(e));
	printf("token valid\n");
	printf("%-11s%s\n", "id:", t->id);
	printf("%-11s%s\n", "publisher:", t->publisher_id);
	printf("%-11s%s\n", "name:", adm_display(name, sizeof(name), t->name,
	    0));
	rc = ADM_OK;
out:
	if (why != NULL)
		warnx("token invalid: %s", why);
	free(t);
	return rc;
}
