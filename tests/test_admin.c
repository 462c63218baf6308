/*
 * test_admin.c — pat-admin, run as a program (ts_run) against the
 * harness's MariaDB with the admin account's configuration.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/bn.h>

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "jwt.h"
#include "support.h"
#include "token.h"

#define MAXARGS	32

static char *
bin(void)
{
	char *p = NULL;

	cr_assert(asprintf(&p, "%s/pat-admin", ts_env("PAT_TEST_BUILD")) > 0);
	return p;
}

/*
 * Runs pat-admin [--config config] args... (NULL-terminated) with in on
 * stdin. out/err may be NULL.
 */
static int
run_cfg(const char *config, const char *in, char **out, char **err, ...)
{
	char *argv[MAXARGS];
	const char *s;
	va_list ap;
	int n = 0, rc;

	argv[n++] = bin();
	if (config != NULL) {
		argv[n++] = "--config";
		argv[n++] = (char *)config;
	}
	va_start(ap, err);
	while ((s = va_arg(ap, const char *)) != NULL) {
		cr_assert(n < MAXARGS - 1);
		argv[n++] = (char *)s;
	}
	va_end(ap);
	argv[n] = NULL;
	rc = ts_run(argv, in, out, err);
	free(argv[0]);
	return rc;
}

#define ADM(in, out, err, ...) \
	run_cfg(ts_env("PAT_TEST_ADMIN_CONFIG"), (in), (out), (err), \
	    __VA_ARGS__, (const char *)NULL)
#define ADMC(cfg, in, out, err, ...) \
	run_cfg((cfg), (in), (out), (err), __VA_ARGS__, (const char *)NULL)

/*
 * A copy of the admin config beside it (relative secret files keep
 * working), with key's line replaced by the line repl (NULL: removed) and
 * append added at the end. *line (may be NULL) is the line
 * number of the first line of append. Caller unlinks and frees the path.
 */
static char *
tmp_config(const char *key, const char *repl, const char *append, int *line)
{
	const char *src = ts_env("PAT_TEST_ADMIN_CONFIG");
	char *path = NULL, *id, *dir, *slash, buf[4096];
	FILE *in, *out;
	int n = 0;

	dir = strdup(src);
	cr_assert_not_null(dir);
	slash = strrchr(dir, '/');
	cr_assert_not_null(slash);
	*slash = '\0';
	id = ts_unique_id("cfg");
	cr_assert(asprintf(&path, "%s/%s.conf", dir, id) > 0);
	free(id);
	free(dir);
	cr_assert_not_null(in = fopen(src, "r"));
	cr_assert_not_null(out = fopen(path, "w"));
	while (fgets(buf, sizeof(buf), in) != NULL) {
		const char *p = buf;
		size_t kl = key ? strlen(key) : 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (key != NULL && strncmp(p, key, kl) == 0 &&
		    (p[kl] == ' ' || p[kl] == '=' || p[kl] == '\t')) {
			if (repl != NULL) {
				fprintf(out, "%s\n", repl);
				n++;
			}
			continue;
		}
		fputs(buf, out);
		n++;
	}
	if (line != NULL)
		*line = n + 1;
	if (append != NULL)
		fputs(append, out);
	fclose(in);
	cr_assert_eq(fclose(out), 0);
	return path;
}

static void
rm_config(char *path)
{
	unlink(path);
	free(path);
}

/* Strips trailing newlines in place; returns s. */
static char *
chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static char *
new_publisher(void)
{
	char *id = ts_unique_id("adm"), *err = NULL;

	cr_assert_eq(ADM(NULL, NULL, &err, "publisher", "add", id), 0,
	    "publisher add: %s", err);
	free(err);
	return id;
}

/* Creates a token; returns it (malloc'd) and its id in id (37 bytes). */
static char *
new_token(const char *pub, const char *name, char id[37])
{
	char *out = NULL, *err = NULL;
	const char *p;

	cr_assert_eq(ADM(NULL, &out, &err, "create", "--publisher", pub,
	    "--name", name), 0, "create: %s", err);
	chomp(out);
	cr_assert_eq(strlen(out), TOK_LEN, "stdout is the token alone: %s",
	    out);
	cr_assert_eq(tok_parse(out, strlen(out), NULL), PAT_OK);
	p = strstr(err, "created token ");
	cr_assert_not_null(p, "stderr: %s", err);
	memcpy(id, p + strlen("created token "), 36);
	id[36] = '\0';
	free(err);
	return out;
}

/* The same selector with another secret and a correct checksum. */
static void
other_secret(char *tok)
{
	static const char b62[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t pos = TOK_PREFIX_LEN + TOK_SELECTOR_LEN + 3;
	uint32_t c;
	int i;

	tok[pos] = tok[pos] == 'a' ? 'b' : 'a';
	c = tok_crc32(tok, TOK_LEN - TOK_CHECKSUM_LEN);
	for (i = TOK_CHECKSUM_LEN - 1; i >= 0; i--) {
		tok[TOK_LEN - TOK_CHECKSUM_LEN + i] = b62[c % 62];
		c /= 62;
	}
}

/* A typo: one secret character changed, checksum left alone. */
static void
typo(char *tok)
{
	size_t pos = TOK_PREFIX_LEN + TOK_SELECTOR_LEN + 5;

	tok[pos] = tok[pos] == 'x' ? 'y' : 'x';
}

static char *
with_nl(const char *s)
{
	char *p = NULL;

	cr_assert(asprintf(&p, "%s\n", s) > 0);
	return p;
}

static int
verify(const char *tok, char **out, char **err)
{
	char *in = with_nl(tok);
	int rc = ADM(in, out, err, "verify");

	free(in);
	return rc;
}

static struct json_object *
parse_json(const char *s)
{
	struct json_object *o = json_tokener_parse(s);

	cr_assert_not_null(o, "not JSON: %s", s);
	return o;
}

/* ---- usage, help, configuration ---- */

Test(admin_usage, no_command_is_usage_error)
{
	char *err = NULL;

	cr_assert_eq(ADM(NULL, NULL, &err, NULL), 2);
	cr_assert(strstr(err, "usage: pat-admin") != NULL, "%s", err);
	free(err);
}

Test(admin_usage, unknown_command)
{
	char *err = NULL;

	cr_assert_eq(ADM(NULL, NULL, &err, "frobnicate"), 2);
	cr_assert(strstr(err, "pat-admin: unknown command: frobnicate") != NULL,
	    "%s", err);
	free(err);
	/* the twin: a known command */
	cr_assert_eq(ADM(NULL, NULL, NULL, "publisher", "list"), 0);
}

Test(admin_usage, unknown_option_hides_value)
{
	char *err = NULL;

	cr_assert_eq(ADM(NULL, NULL, &err, "list", "--password=hunter2"), 2);
	cr_assert(strstr(err, "--password") != NULL, "%s", err);
	cr_assert(strstr(err, "hunter2") == NULL, "%s", err);
	free(err);
}

Test(admin_usage, help_pages)
{
	static const char *topics[] = { "list", "show", "revoke", "create",
	    "verify", "publisher", "member", "user", "jwt" };
	static const char *sections[] = { "NAME", "SYNOPSIS", "DESCRIPTION",
	    "OPTIONS", "EXIT STATUS", "EXAMPLE" };
	char *out = NULL, *err = NULL, want[64];
	size_t i, j;

	/* no configuration needed for help */
	cr_assert_eq(ADMC("/nonexistent/pat.conf", NULL, &out, &err,
	    "--help"), 0);
	for (j = 0; j < 6; j++)
		cr_assert(strstr(out, sections[j]) != NULL, "tool: %s",
		    sections[j]);
	cr_assert_str_empty(err);
	free(out);
	free(err);
	for (i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
		cr_assert_eq(ADMC("/nonexistent/pat.conf", NULL, &out, &err,
		    topics[i], "--help"), 0, "%s --help", topics[i]);
		for (j = 0; j < 6; j++)
			cr_assert(strstr(out, sections[j]) != NULL,
			    "%s: no %s", topics[i], sections[j]);
		snprintf(want, sizeof(want), "pat-admin %s", topics[i]);
		cr_assert(strstr(out, want) != NULL, "%s", out);
		cr_assert_str_empty(err, "%s", err);
		free(out);
		free(err);
	}
}

Test(admin_usage, missing_arguments_exit_2)
{
	static const char *cases[][6] = {
		{ "show" },
		{ "revoke" },
		{ "revoke", "--all" },
		{ "revoke", "--publisher" },
		{ "create", "--name", "x" },
		{ "create", "--publisher", "acme" },
		{ "publisher" },
		{ "publisher", "add" },
		{ "publisher", "ban" },
		{ "publisher", "unban" },
		{ "publisher", "frob", "x" },
		{ "member" },
		{ "member", "add", "acme" },
		{ "member", "remove" },
		{ "member", "add", "acme", "bob", "--role", "king" },
		{ "user" },
		{ "user", "ban" },
		{ "jwt" },
		{ "jwt", "--sub", "bob", "--ttl", "0" },
		{ "jwt", "--sub", "bob", "--ttl", "86401" },
		{ "jwt", "--sub", "bob", "--ttl", "10x" },
		{ "list", "--state", "bogus" },
		{ "list", "extra" },
		{ "verify", "extra" },
	};
	char *argv[10], *err = NULL;
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = bin();
		argv[1] = "--config";
		argv[2] = (char *)ts_env("PAT_TEST_ADMIN_CONFIG");
		for (k = 0; k < 6 && cases[i][k] != NULL; k++)
			argv[3 + k] = (char *)cases[i][k];
		argv[3 + k] = NULL;
		cr_assert_eq(ts_run(argv, NULL, NULL, &err), 2,
		    "case %zu (%s %s): %s", i, cases[i][0],
		    cases[i][1] ? cases[i][1] : "", err);
		cr_assert(strstr(err, "usage: pat-admin") != NULL, "%s", err);
		free(err);
		free(argv[0]);
	}
}

Test(admin_config, missing_file_named)
{
	char *err = NULL;

	cr_assert_eq(ADMC("/nonexistent/dir/pat.conf", NULL, NULL, &err,
	    "publisher", "list"), 1);
	cr_assert(strstr(err, "pat-admin: ") == err, "%s", err);
	cr_assert(strstr(err, "/nonexistent/dir/pat.conf") != NULL, "%s", err);
	free(err);
}

Test(admin_config, unknown_key_named_with_line)
{
	char *cfg, *err = NULL, want[32];
	int line = 0;

	cfg = tmp_config(NULL, NULL, "[tokens]\nbogus_key = 1\n", &line);
	cr_assert_eq(ADMC(cfg, NULL, NULL, &err, "publisher", "list"), 1);
	cr_assert(strstr(err, "bogus_key") != NULL, "%s", err);
	cr_assert(strstr(err, cfg) != NULL, "%s", err);
	snprintf(want, sizeof(want), ":%d", line + 1);
	cr_assert(strstr(err, want) != NULL, "want %s: %s", want, err);
	free(err);
	rm_config(cfg);
}

Test(admin_config, bad_value_named)
{
	char *cfg, *err = NULL;

	cfg = tmp_config("argon2_memory_kib", "argon2_memory_kib = 1", NULL,
	    NULL);
	cr_assert_eq(ADMC(cfg, NULL, NULL, &err, "publisher", "list"), 1);
	cr_assert(strstr(err, "argon2_memory_kib") != NULL, "%s", err);
	free(err);
	rm_config(cfg);
}

Test(admin_config, config_after_command_and_env)
{
	const char *cfg = ts_env("PAT_TEST_ADMIN_CONFIG");
	char *err = NULL;

	cr_assert_eq(ADMC(NULL, NULL, NULL, &err, "publisher", "list",
	    "--config", cfg), 0, "%s", err);
	free(err);
	setenv("PAT_CONFIG", cfg, 1);
	cr_assert_eq(ADMC(NULL, NULL, NULL, &err, "publisher", "list"), 0,
	    "%s", err);
	free(err);
	setenv("PAT_CONFIG", "/nonexistent/env.conf", 1);
	cr_assert_eq(ADMC(NULL, NULL, NULL, &err, "publisher", "list"), 1);
	cr_assert(strstr(err, "/nonexistent/env.conf") != NULL, "%s", err);
	free(err);
	unsetenv("PAT_CONFIG");
}

/* ---- publishers, members, users ---- */

Test(admin_publisher, add_list_ban_unban)
{
	char *id = ts_unique_id("pub"), *out = NULL, *err = NULL;
	struct json_object *arr, *o, *v;
	size_t i, n;
	int found = 0;

	cr_assert_eq(ADM(NULL, &out, &err, "publisher", "add", id, "--name",
	    "Pub Inc."), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "publisher", "add", id), 1);
	cr_assert(strstr(err, "already exists") != NULL, "%s", err);
	free(err);

	cr_assert_eq(ADM(NULL, &out, NULL, "publisher", "list"), 0);
	cr_assert(strstr(out, "CREATED (UTC)") != NULL, "%s", out);
	cr_assert(strstr(out, id) != NULL);
	free(out);

	cr_assert_eq(ADM(NULL, &out, NULL, "publisher", "ban", id), 0);
	free(out);
	cr_assert_eq(ADM(NULL, &out, NULL, "publisher", "ban", id), 0);
	cr_assert(strstr(out, "already banned") != NULL, "%s", out);
	free(out);

	cr_assert_eq(ADM(NULL, &out, NULL, "publisher", "list", "--json"), 0);
	arr = parse_json(out);
	cr_assert(json_object_is_type(arr, json_type_array));
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(arr, i);
		cr_assert(json_object_object_get_ex(o, "id", &v));
		if (strcmp(json_object_get_string(v), id) != 0)
			continue;
		found = 1;
		cr_assert(json_object_object_get_ex(o, "status", &v));
		cr_assert_str_eq(json_object_get_string(v), "banned");
		cr_assert(json_object_object_get_ex(o, "name", &v));
		cr_assert_str_eq(json_object_get_string(v), "Pub Inc.");
	}
	cr_assert(found);
	json_object_put(arr);
	free(out);

	cr_assert_eq(ADM(NULL, NULL, NULL, "publisher", "unban", id), 0);
	cr_assert_eq(ADM(NULL, &out, NULL, "publisher", "unban", id), 0);
	cr_assert(strstr(out, "already active") != NULL, "%s", out);
	free(out);
	free(id);
}

Test(admin_publisher, invalid_and_unknown)
{
	char *id = ts_unique_id("nope"), *err = NULL, want[128];

	cr_assert_eq(ADM(NULL, NULL, &err, "publisher", "add", "Bad_Id"), 2);
	cr_assert(strstr(err, "invalid publisher id") != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "publisher", "ban", id), 1);
	snprintf(want, sizeof(want), "pat-admin: no such publisher: %s", id);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "publisher", "unban", "Bad_Id"), 1);
	cr_assert(strstr(err, "no such publisher") != NULL, "%s", err);
	free(err);
	free(id);
}

Test(admin_member, add_remove)
{
	char *pub = new_publisher(), *user = ts_unique_id("u"), *err = NULL;
	char *nopub = ts_unique_id("nopub"), *out = NULL;

	cr_assert_eq(ADM(NULL, &out, &err, "member", "add", pub, user,
	    "--role", "owner"), 0, "%s", err);
	cr_assert(strstr(out, "owner") != NULL, "%s", out);
	free(out);
	free(err);
	/* changing the role of an existing member */
	cr_assert_eq(ADM(NULL, NULL, NULL, "member", "add", pub, user), 0);
	cr_assert_eq(ADM(NULL, NULL, &err, "member", "add", nopub, user), 1);
	cr_assert(strstr(err, "no such publisher") != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "member", "add", pub, "has space"),
	    2);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "member", "remove", pub, user), 0,
	    "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "member", "remove", pub, user), 1);
	cr_assert(strstr(err, "not a member") != NULL, "%s", err);
	free(err);
	free(pub);
	free(user);
	free(nopub);
}

Test(admin_user, ban_unban)
{
	char *pub = new_publisher(), *user = ts_unique_id("u");
	char *unknown = ts_unique_id("ghost"), *out = NULL, *err = NULL;
	char want[128];

	cr_assert_eq(ADM(NULL, NULL, &err, "user", "ban", unknown), 1);
	snprintf(want, sizeof(want), "pat-admin: no such user: %s", unknown);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, NULL, "member", "add", pub, user), 0);
	cr_assert_eq(ADM(NULL, &out, &err, "user", "ban", user), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, &out, NULL, "user", "ban", user), 0);
	cr_assert(strstr(out, "already banned") != NULL, "%s", out);
	free(out);
	cr_assert_eq(ADM(NULL, NULL, NULL, "user", "unban", user), 0);
	free(pub);
	free(user);
	free(unknown);
}

/* ---- jwt ---- */

Test(admin_jwt, signs_with_configured_secret)
{
	struct pat_config *cfg = ts_config(1);
	struct jwt_keys *keys = NULL;
	struct jwt_policy pol;
	struct jwt_claims cl;
	enum jwt_reason why;
	char *out = NULL, *err = NULL, ebuf[256];
	time_t now = time(NULL);

	cr_assert_eq(ADM(NULL, &out, &err, "jwt", "--sub", "alice", "--ttl",
	    "120"), 0, "%s", err);
	chomp(out);
	cr_assert_eq(jwt_keys_new(cfg->hs256_secret, cfg->hs256_secret_len,
	    NULL, NULL, &keys, ebuf, sizeof(ebuf)), PAT_OK, "%s", ebuf);
	pol.issuer = cfg->issuer;
	pol.audience = cfg->audience;
	pol.leeway = 0;
	cr_assert_eq(jwt_verify(keys, &pol, out, strlen(out), now, &cl, &why),
	    PAT_OK, "reason %s", jwt_reason_str(why));
	cr_assert_str_eq(cl.sub, "alice");
	cr_assert(cl.exp >= now + 119 && cl.exp <= now + 122);
	/* expired after its ttl */
	cr_assert_eq(jwt_verify(keys, &pol, out, strlen(out), now + 200, &cl,
	    &why), PAT_ERR_JWT);
	jwt_keys_free(keys);
	cfg_free(cfg);
	free(out);
	free(err);
}

/* A JWKS with one fresh P-256 public key. */
static char *
ec_jwks(void)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	BIGNUM *x = NULL, *y = NULL;
	unsigned char bx[32], by[32];
	char ex[64], ey[64], *s = NULL;

	cr_assert_not_null(pk);
	cr_assert(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &x));
	cr_assert(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &y));
	cr_assert_eq(BN_bn2binpad(x, bx, 32), 32);
	cr_assert_eq(BN_bn2binpad(y, by, 32), 32);
	jwt_b64url_encode(bx, 32, ex, sizeof(ex));
	jwt_b64url_encode(by, 32, ey, sizeof(ey));
	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"kid\":\"k1\",\"x\":\"%s\",\"y\":\"%s\"}]}", ex, ey) > 0);
	BN_free(x);
	BN_free(y);
	EVP_PKEY_free(pk);
	return s;
}

Test(admin_jwt, refused_without_hs256_secret)
{
	const char *src = ts_env("PAT_TEST_ADMIN_CONFIG");
	char *jwks = ec_jwks(), *jpath = NULL, *repl = NULL, *cfg, *id;
	char *out = NULL, *err = NULL, want[512];
	int fd;

	id = ts_unique_id("jwks");
	cr_assert(asprintf(&jpath, "%.*s/%s.json",
	    (int)(strrchr(src, '/') - src), src, id) > 0);
	fd = open(jpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, jwks, strlen(jwks)), (ssize_t)strlen(jwks));
	close(fd);
	cr_assert(asprintf(&repl, "jwks_file = %s", jpath) > 0);
	cfg = tmp_config("hs256_secret_file", repl, NULL, NULL);
	cr_assert_eq(ADMC(cfg, NULL, &out, &err, "jwt", "--sub", "alice"), 1,
	    "%s", err);
	snprintf(want, sizeof(want),
	    "pat-admin: jwt: no [auth] hs256_secret_file in %s", cfg);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	cr_assert_str_empty(out);
	free(out);
	free(err);
	/* the twin: the same config with the secret signs */
	cr_assert_eq(ADM(NULL, NULL, NULL, "jwt", "--sub", "alice"), 0);
	rm_config(cfg);
	unlink(jpath);
	free(jpath);
	free(repl);
	free(jwks);
	free(id);
}

/* ---- create ---- */

Test(admin_create, prints_token_alone)
{
	char *pub = new_publisher(), *out = NULL, *err = NULL;

	cr_assert_eq(ADM(NULL, &out, &err, "create", "--publisher", pub,
	    "--name", "deploy key", "--description", "for CI"), 0, "%s", err);
	cr_assert_eq(strlen(out), TOK_LEN + 1, "%s", out);
	cr_assert_eq(out[TOK_LEN], '\n');
	cr_assert_eq(tok_parse(out, TOK_LEN, NULL), PAT_OK);
	cr_assert(strstr(err, "created token ") != NULL, "%s", err);
	/* stderr never carries the token */
	out[TOK_LEN] = '\0';
	cr_assert(strstr(err, out) == NULL);
	cr_assert(strstr(err, out + TOK_PREFIX_LEN + TOK_SELECTOR_LEN) == NULL);
	free(out);
	free(err);
	free(pub);
}

Test(admin_create, refusals)
{
	char *pub = new_publisher(), *nopub = ts_unique_id("nopub");
	char *err = NULL, want[128];

	cr_assert_eq(ADM(NULL, NULL, &err, "create", "--publisher", nopub,
	    "--name", "x"), 1);
	snprintf(want, sizeof(want), "pat-admin: no such publisher: %s", nopub);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "create", "--publisher", pub,
	    "--name", ""), 2);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "create", "--publisher", pub,
	    "--name", "tab\there"), 2);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "create", "--publisher", pub,
	    "--name", "   "), 2);
	free(err);
	/* banned publisher: refused; unbanned: accepted */
	cr_assert_eq(ADM(NULL, NULL, NULL, "publisher", "ban", pub), 0);
	cr_assert_eq(ADM(NULL, NULL, &err, "create", "--publisher", pub,
	    "--name", "x"), 1);
	cr_assert(strstr(err, "banned") != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, NULL, "publisher", "unban", pub), 0);
	cr_assert_eq(ADM(NULL, NULL, &err, "create", "--publisher", pub,
	    "--name", "x"), 0, "%s", err);
	free(err);
	free(pub);
	free(nopub);
}

Test(admin_create, token_limit)
{
	char *pub = new_publisher(), *cfg, *err = NULL, *out = NULL;

	cfg = tmp_config("max_tokens_per_publisher",
	    "max_tokens_per_publisher = 1", NULL, NULL);
	cr_assert_eq(ADMC(cfg, NULL, &out, &err, "create", "--publisher", pub,
	    "--name", "one"), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(ADMC(cfg, NULL, &out, &err, "create", "--publisher", pub,
	    "--name", "two"), 1);
	cr_assert(strstr(err, "maximum of 1") != NULL, "%s", err);
	cr_assert_str_empty(out);
	free(out);
	free(err);
	rm_config(cfg);
	free(pub);
}

/* ---- list, show ---- */

static const char *list_keys[] = { "id", "publisherId", "name",
    "description", "createdAt", "lastUsedAt", "expiresAt", "revokedAt",
    "token" };

static int
is_rfc3339(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strlen(s) == 20 && end != NULL && *end == '\0';
}

Test(admin_list, json_has_exactly_the_keys)
{
	char *pub = new_publisher(), *tok, *out = NULL, *err = NULL;
	struct json_object *arr, *o, *v;
	char id[37];
	size_t k;

	tok = new_token(pub, "json one", id);
	cr_assert_eq(ADM(NULL, &out, &err, "list", "--publisher", pub,
	    "--json"), 0, "%s", err);
	arr = parse_json(out);
	cr_assert(json_object_is_type(arr, json_type_array));
	cr_assert_eq(json_object_array_length(arr), 1);
	o = json_object_array_get_idx(arr, 0);
	cr_assert_eq(json_object_object_length(o), 9, "%s", out);
	for (k = 0; k < 9; k++)
		cr_assert(json_object_object_get_ex(o, list_keys[k], NULL),
		    "missing %s", list_keys[k]);
	json_object_object_get_ex(o, "id", &v);
	cr_assert_str_eq(json_object_get_string(v), id);
	json_object_object_get_ex(o, "publisherId", &v);
	cr_assert_str_eq(json_object_get_string(v), pub);
	json_object_object_get_ex(o, "name", &v);
	cr_assert_str_eq(json_object_get_string(v), "json one");
	json_object_object_get_ex(o, "createdAt", &v);
	cr_assert(is_rfc3339(json_object_get_string(v)), "%s",
	    json_object_get_string(v));
	json_object_object_get_ex(o, "lastUsedAt", &v);
	cr_assert_null(v);
	json_object_object_get_ex(o, "revokedAt", &v);
	cr_assert_null(v);
	json_object_object_get_ex(o, "token", &v);
	cr_assert(strncmp(json_object_get_string(v), tok, 10) == 0);
	cr_assert(strstr(json_object_get_string(v), "…") != NULL);
	cr_assert(strstr(out, tok) == NULL, "list shows the token");
	json_object_put(arr);
	free(out);
	free(err);

	/* revoked: gone from the default list, present with --state */
	cr_assert_eq(ADM(NULL, NULL, NULL, "revoke", id), 0);
	cr_assert_eq(ADM(NULL, &out, NULL, "list", "--publisher", pub,
	    "--json"), 0);
	arr = parse_json(out);
	cr_assert_eq(json_object_array_length(arr), 0);
	json_object_put(arr);
	free(out);
	cr_assert_eq(ADM(NULL, &out, NULL, "list", "--publisher", pub,
	    "--state", "revoked", "--json"), 0);
	arr = parse_json(out);
	cr_assert_eq(json_object_array_length(arr), 1);
	o = json_object_array_get_idx(arr, 0);
	json_object_object_get_ex(o, "revokedAt", &v);
	cr_assert(is_rfc3339(json_object_get_string(v)));
	json_object_put(arr);
	free(out);
	free(tok);
	free(pub);
}

Test(admin_list, table_newest_first)
{
	char *pub = new_publisher(), *t1, *t2, *out = NULL, *err = NULL;
	char *nopub = ts_unique_id("nopub"), id1[37], id2[37];
	char *p1, *p2;

	t1 = new_token(pub, "first", id1);
	sleep(1);	/* created_at has second resolution */
	t2 = new_token(pub, "second", id2);
	cr_assert_eq(ADM(NULL, &out, &err, "list", "--publisher", pub), 0,
	    "%s", err);
	cr_assert(strncmp(out, "ID ", 3) == 0, "%s", out);
	cr_assert(strstr(out, "CREATED (UTC)") != NULL, "%s", out);
	p1 = strstr(out, id1);
	p2 = strstr(out, id2);
	cr_assert(p1 != NULL && p2 != NULL && p2 < p1, "%s", out);
	cr_assert(strstr(out, t1) == NULL && strstr(out, t2) == NULL);
	/* aligned: the NAME column starts at the same offset on each line */
	{
		const char *l1 = strchr(out, '\n') + 1;
		const char *l2 = strchr(l1, '\n') + 1;

		cr_assert_eq(strstr(out, "PUBLISHER") - out,
		    strstr(l1, pub) - l1);
		cr_assert_eq(strstr(l1, pub) - l1, strstr(l2, pub) - l2);
	}
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "list", "--publisher", nopub), 1);
	cr_assert(strstr(err, "no such publisher") != NULL, "%s", err);
	free(err);
	free(t1);
	free(t2);
	free(pub);
	free(nopub);
}

Test(admin_show, token_and_events)
{
	char *pub = new_publisher(), *tok, *out = NULL, *err = NULL;
	struct json_object *o, *v, *evs;
	char id[37];

	tok = new_token(pub, "shown", id);
	cr_assert_eq(ADM(NULL, &out, &err, "show", id), 0, "%s", err);
	cr_assert(strstr(out, id) != NULL);
	cr_assert(strstr(out, "created (UTC):") != NULL, "%s", out);
	cr_assert(strstr(out, "created") != NULL);
	cr_assert(strstr(out, "admin:") != NULL, "created_by: %s", out);
	cr_assert(strstr(out, tok) == NULL);
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, &out, &err, "show", id, "--json"), 0, "%s", err);
	o = parse_json(out);
	cr_assert(json_object_object_get_ex(o, "state", &v));
	cr_assert_str_eq(json_object_get_string(v), "active");
	cr_assert(json_object_object_get_ex(o, "events", &evs));
	cr_assert_eq(json_object_array_length(evs), 1);
	v = json_object_object_get(json_object_array_get_idx(evs, 0), "event");
	cr_assert_str_eq(json_object_get_string(v), "created");
	json_object_put(o);
	free(out);
	free(err);
	free(tok);
	free(pub);
}

Test(admin_show, unknown_and_malformed_ids)
{
	char *err = NULL;
	const char *unknown = "00000000-0000-4000-8000-000000000000";
	char want[128];

	cr_assert_eq(ADM(NULL, NULL, &err, "show", unknown), 1);
	snprintf(want, sizeof(want), "pat-admin: no such token: %s", unknown);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "show", "not-a-uuid"), 1);
	cr_assert(strstr(err, "no such token: not-a-uuid") != NULL, "%s", err);
	free(err);
}

/* ---- revoke ---- */

Test(admin_revoke, by_id_idempotent)
{
	char *pub = new_publisher(), *tok, *out = NULL, *err = NULL;
	const char *unknown = "00000000-0000-4000-8000-000000000001";
	struct json_object *o, *v;
	char id[37], want[128];

	tok = new_token(pub, "to revoke", id);
	cr_assert_eq(ADM(NULL, &out, &err, "revoke", id, "--reason",
	    "rotated"), 0, "%s", err);
	cr_assert(strstr(out, "revoked token") != NULL, "%s", out);
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, &out, NULL, "revoke", id), 0);
	snprintf(want, sizeof(want), "token %s was already revoked", id);
	cr_assert(strstr(out, want) != NULL, "%s", out);
	free(out);
	cr_assert_eq(ADM(NULL, NULL, &err, "revoke", unknown), 1);
	snprintf(want, sizeof(want), "pat-admin: no such token: %s", unknown);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	free(err);
	/* a mix: the known one is handled, the status says failure */
	cr_assert_eq(ADM(NULL, NULL, NULL, "revoke", id, unknown), 1);
	/* a bad reason is a usage error */
	cr_assert_eq(ADM(NULL, NULL, NULL, "revoke", id, "--reason", ""), 2);

	cr_assert_eq(ADM(NULL, &out, NULL, "show", id, "--json"), 0);
	o = parse_json(out);
	cr_assert(json_object_object_get_ex(o, "revokedReason", &v));
	cr_assert_str_eq(json_object_get_string(v), "rotated");
	cr_assert(json_object_object_get_ex(o, "revokedBy", &v));
	cr_assert(strncmp(json_object_get_string(v), "admin:", 6) == 0 &&
	    json_object_get_string_len(v) > 6, "%s", out);
	json_object_put(o);
	free(out);
	free(tok);
	free(pub);
}

Test(admin_revoke, publisher_all_needs_confirmation)
{
	char *pub = new_publisher(), *t1, *t2, *out = NULL, *err = NULL;
	struct json_object *arr;
	char id1[37], id2[37];

	t1 = new_token(pub, "a", id1);
	t2 = new_token(pub, "b", id2);
	/* stdin is a pipe, not a terminal: refused without --yes */
	cr_assert_eq(ADM("y\n", &out, &err, "revoke", "--publisher", pub,
	    "--all"), 2);
	cr_assert(strstr(err, "--yes") != NULL, "%s", err);
	cr_assert(strstr(err, "not a terminal") != NULL, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, &out, NULL, "list", "--publisher", pub,
	    "--json"), 0);
	arr = parse_json(out);
	cr_assert_eq(json_object_array_length(arr), 2, "nothing revoked");
	json_object_put(arr);
	free(out);

	cr_assert_eq(ADM(NULL, &out, &err, "revoke", "--publisher", pub,
	    "--all", "--yes"), 0, "%s", err);
	cr_assert(strstr(out, "revoked 2 tokens") != NULL, "%s", out);
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, &out, NULL, "list", "--publisher", pub,
	    "--json"), 0);
	arr = parse_json(out);
	cr_assert_eq(json_object_array_length(arr), 0);
	json_object_put(arr);
	free(out);
	cr_assert_eq(verify(t1, NULL, &err), 1);
	cr_assert(strstr(err, "revoked") != NULL, "%s", err);
	free(err);
	free(t1);
	free(t2);
	free(pub);
}

Test(admin_revoke, leaked_token_from_stdin)
{
	char *pub = new_publisher(), *tok, *wrong, *in, *out = NULL;
	char *err = NULL, id[37];

	tok = new_token(pub, "leaked", id);
	/* wrong secret, same selector: refused, not revoked */
	wrong = strdup(tok);
	other_secret(wrong);
	in = with_nl(wrong);
	cr_assert_eq(ADM(in, &out, &err, "revoke", "--token", "-"), 1);
	cr_assert(strstr(err, "secret does not match") != NULL, "%s", err);
	cr_assert(strstr(err, wrong) == NULL);
	free(in);
	free(out);
	free(err);
	cr_assert_eq(verify(tok, NULL, &err), 0, "still valid: %s", err);
	free(err);
	/* a typo never reaches the database */
	typo(wrong);
	in = with_nl(wrong);
	cr_assert_eq(ADM(in, NULL, &err, "revoke", "--token", "-"), 1);
	cr_assert(strstr(err, "bad checksum") != NULL, "%s", err);
	free(in);
	free(err);
	/* the real value: revoked */
	in = with_nl(tok);
	cr_assert_eq(ADM(in, &out, &err, "revoke", "--token", "-"), 0, "%s",
	    err);
	cr_assert(strstr(out, id) != NULL, "%s", out);
	cr_assert(strstr(out, tok) == NULL && strstr(err, tok) == NULL);
	free(out);
	free(err);
	cr_assert_eq(ADM(in, &out, NULL, "revoke", "--token", "-"), 0);
	cr_assert(strstr(out, "already revoked") != NULL, "%s", out);
	free(out);
	free(in);
	cr_assert_eq(verify(tok, NULL, &err), 1);
	cr_assert(strstr(err, "revoked") != NULL, "%s", err);
	free(err);
	free(wrong);
	free(tok);
	free(pub);
}

Test(admin_revoke, token_never_on_argv)
{
	char *pub = new_publisher(), *tok, *err = NULL, id[37];

	tok = new_token(pub, "argv", id);
	cr_assert_eq(ADM(NULL, NULL, &err, "revoke", "--token", tok), 2);
	cr_assert(strstr(err, tok) == NULL, "%s", err);
	cr_assert(strstr(err, "standard input") != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "revoke", tok), 1);
	cr_assert(strstr(err, tok) == NULL, "%s", err);
	free(err);
	cr_assert_eq(verify(tok, NULL, NULL), 0, "still active");
	free(tok);
	free(pub);
}

/* ---- verify ---- */

Test(admin_verify, valid)
{
	char *pub = new_publisher(), *tok, *out = NULL, *err = NULL, id[37];

	tok = new_token(pub, "valid one", id);
	cr_assert_eq(verify(tok, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, id) != NULL, "%s", out);
	cr_assert(strstr(out, pub) != NULL, "%s", out);
	cr_assert(strstr(out, "valid one") != NULL, "%s", out);
	free(out);
	free(err);
	free(tok);
	free(pub);
}

Test(admin_verify, malformed_and_typo)
{
	char *pub = new_publisher(), *tok, *err = NULL, id[37];

	cr_assert_eq(verify("hello", NULL, &err), 1);
	cr_assert(strstr(err, "token invalid: bad format") != NULL, "%s", err);
	free(err);
	cr_assert_eq(ADM("", NULL, &err, "verify"), 1);
	cr_assert(strstr(err, "bad format") != NULL, "%s", err);
	free(err);
	tok = new_token(pub, "typo", id);
	tok[TOK_LEN - 1] = '\0';	/* one character short */
	cr_assert_eq(verify(tok, NULL, &err), 1);
	cr_assert(strstr(err, "bad format") != NULL, "%s", err);
	free(err);
	free(tok);
	tok = new_token(pub, "typo", id);
	typo(tok);
	cr_assert_eq(verify(tok, NULL, &err), 1);
	cr_assert(strstr(err, "token invalid: bad checksum") != NULL, "%s",
	    err);
	free(err);
	free(tok);
	free(pub);
}

Test(admin_verify, checksum_without_database)
{
	char tok[TOK_LEN + 1], *cfg, *err = NULL;

	cfg = tmp_config("socket", "socket = /nonexistent/mysqld.sock", NULL,
	    NULL);
	cr_assert_eq(tok_generate(tok, NULL), PAT_OK);
	typo(tok);
	{
		char *in = with_nl(tok);

		cr_assert_eq(ADMC(cfg, in, NULL, &err, "verify"), 1);
		cr_assert(strstr(err, "bad checksum") != NULL, "%s", err);
		free(err);
		/* the twin: a well-formed token needs the database */
		typo(tok);
		free(in);
	}
	cr_assert_eq(tok_generate(tok, NULL), PAT_OK);
	{
		char *in = with_nl(tok);

		cr_assert_eq(ADMC(cfg, in, NULL, &err, "verify"), 1);
		cr_assert(strstr(err, "bad checksum") == NULL, "%s", err);
		cr_assert(strstr(err, "token invalid") == NULL, "%s", err);
		cr_assert(strstr(err, "database") != NULL, "%s", err);
		free(err);
		free(in);
	}
	rm_config(cfg);
}

Test(admin_verify, unknown_expired_wrong_secret)
{
	char *pub = new_publisher(), *tok, *err = NULL, *sql = NULL, id[37];
	char fresh[TOK_LEN + 1], *wrong;

	cr_assert_eq(tok_generate(fresh, NULL), PAT_OK);
	cr_assert_eq(verify(fresh, NULL, &err), 1);
	cr_assert(strstr(err, "token invalid: unknown token") != NULL, "%s",
	    err);
	free(err);

	tok = new_token(pub, "expiring", id);
	wrong = strdup(tok);
	other_secret(wrong);
	cr_assert_eq(verify(wrong, NULL, &err), 1);
	cr_assert(strstr(err, "secret does not match") != NULL, "%s", err);
	free(err);
	free(wrong);
	cr_assert_eq(verify(tok, NULL, &err), 0, "%s", err);
	free(err);

	cr_assert(asprintf(&sql, "UPDATE personal_access_tokens SET "
	    "expires_at = '2020-01-01 00:00:00' WHERE id = '%s'", id) > 0);
	cr_assert_eq(ts_sql(sql), 0);
	cr_assert_eq(verify(tok, NULL, &err), 1);
	cr_assert(strstr(err, "token invalid: expired") != NULL, "%s", err);
	free(err);
	free(sql);
	free(tok);
	free(pub);
}

/* ---- the operator's story, from an empty publisher ---- */

Test(admin_story, bootstrap_create_verify_revoke_show)
{
	struct pat_config *cfg = ts_config(1);
	struct jwt_keys *keys = NULL;
	struct jwt_policy pol;
	struct jwt_claims cl;
	struct json_object *o, *evs, *v;
	char *pub = ts_unique_id("story"), *user = ts_unique_id("alice");
	char *out = NULL, *err = NULL, *tok, ebuf[256], id[37];
	size_t i, n;
	int created = 0, revoked = 0;

	cr_assert_eq(ADM(NULL, NULL, &err, "publisher", "add", pub, "--name",
	    "Story Inc."), 0, "%s", err);
	free(err);
	cr_assert_eq(ADM(NULL, NULL, &err, "member", "add", pub, user,
	    "--role", "owner"), 0, "%s", err);
	free(err);

	cr_assert_eq(ADM(NULL, &out, &err, "jwt", "--sub", user), 0, "%s", err);
	chomp(out);
	cr_assert_eq(jwt_keys_new(cfg->hs256_secret, cfg->hs256_secret_len,
	    NULL, NULL, &keys, ebuf, sizeof(ebuf)), PAT_OK);
	pol.issuer = cfg->issuer;
	pol.audience = cfg->audience;
	pol.leeway = 60;
	cr_assert_eq(jwt_verify(keys, &pol, out, strlen(out), time(NULL), &cl,
	    NULL), PAT_OK);
	cr_assert_str_eq(cl.sub, user);
	jwt_keys_free(keys);
	free(out);
	free(err);

	tok = new_token(pub, "story token", id);

	cr_assert_eq(ADM(NULL, &out, NULL, "list", "--publisher", pub), 0);
	cr_assert(strstr(out, id) != NULL && strstr(out, "story token"));
	cr_assert(strstr(out, tok) == NULL);
	free(out);

	cr_assert_eq(verify(tok, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, id) != NULL && strstr(out, pub) != NULL);
	free(out);
	free(err);

	cr_assert_eq(ADM(NULL, &out, &err, "revoke", id), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(verify(tok, NULL, &err), 1);
	cr_assert(strstr(err, "revoked") != NULL);
	free(err);

	cr_assert_eq(ADM(NULL, &out, &err, "show", id), 0, "%s", err);
	cr_assert(strstr(out, "revoked by:") != NULL, "%s", out);
	cr_assert(strstr(out, "revoked by operator") != NULL, "%s", out);
	free(out);
	free(err);
	cr_assert_eq(ADM(NULL, &out, NULL, "show", id, "--json"), 0);
	o = parse_json(out);
	cr_assert(json_object_object_get_ex(o, "state", &v));
	cr_assert_str_eq(json_object_get_string(v), "revoked");
	cr_assert(json_object_object_get_ex(o, "events", &evs));
	n = json_object_array_length(evs);
	for (i = 0; i < n; i++) {
		const char *e = json_object_get_string(json_object_object_get(
		    json_object_array_get_idx(evs, i), "event"));

		if (strcmp(e, "created") == 0)
			created = 1;
		if (strcmp(e, "revoked") == 0)
			revoked = (int)i;
	}
	cr_assert(created && revoked > 0, "%s", out);
	json_object_put(o);
	free(out);
	free(tok);
	free(pub);
	free(user);
	cfg_free(cfg);
}

/* ---- on a terminal ---- */

/* Reads from fd into *buf (appending) until want appears or EOF/timeout. */
static int
pty_read_until(int fd, char **buf, size_t *len, const char *want)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char tmp[512];
	ssize_t n;

	for (;;) {
		if (want != NULL && *buf != NULL && strstr(*buf, want) != NULL)
			return 1;
		if (poll(&pfd, 1, 10000) <= 0)
			return 0;
		n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return want == NULL;
		*buf = realloc(*buf, *len + (size_t)n + 1);
		cr_assert_not_null(*buf);
		memcpy(*buf + *len, tmp, (size_t)n);
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
}

/*
 * Runs pat-admin --config ADMIN args on a pseudo-terminal: waits for
 * prompt, types input, returns the exit status and everything shown.
 */
static int
pty_admin(const char *prompt, const char *input, char **shown,
    const char *const *args)
{
	char *argv[MAXARGS], *buf = NULL;
	size_t len = 0;
	int master = -1, status = 0, n = 0;
	pid_t pid;

	argv[n++] = bin();
	argv[n++] = "--config";
	argv[n++] = (char *)ts_env("PAT_TEST_ADMIN_CONFIG");
	for (; *args != NULL; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert(pid >= 0);
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	cr_assert(pty_read_until(master, &buf, &len, prompt),
	    "no prompt \"%s\": %s", prompt, buf ? buf : "");
	cr_assert_eq(write(master, input, strlen(input)),
	    (ssize_t)strlen(input));
	(void)pty_read_until(master, &buf, &len, NULL);
	close(master);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	free(argv[0]);
	*shown = buf ? buf : strdup("");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

Test(admin_tty, revoke_all_asks)
{
	char *pub = new_publisher(), *t1, *shown = NULL, id1[37], q[256];
	const char *args[] = { "revoke", "--publisher", pub, "--all", NULL };

	t1 = new_token(pub, "tty", id1);
	snprintf(q, sizeof(q), "Revoke all 1 active token of publisher %s? "
	    "[y/N]", pub);
	cr_assert_eq(pty_admin(q, "n\n", &shown, args), 1, "%s", shown);
	cr_assert(strstr(shown, "nothing revoked") != NULL, "%s", shown);
	free(shown);
	cr_assert_eq(verify(t1, NULL, NULL), 0, "not revoked");
	cr_assert_eq(pty_admin(q, "y\n", &shown, args), 0, "%s", shown);
	cr_assert(strstr(shown, "revoked 1 token of publisher") != NULL, "%s",
	    shown);
	free(shown);
	cr_assert_eq(verify(t1, NULL, NULL), 1, "revoked");
	free(t1);
	free(pub);
}

Test(admin_tty, verify_hides_input)
{
	char *pub = new_publisher(), *tok, *in, *shown = NULL, id[37];
	const char *args[] = { "verify", NULL };

	tok = new_token(pub, "typed", id);
	in = with_nl(tok);
	cr_assert_eq(pty_admin("(input hidden): ", in, &shown, args), 0, "%s",
	    shown);
	cr_assert(strstr(shown, id) != NULL, "%s", shown);
	cr_assert(strstr(shown, tok) == NULL, "the token was echoed: %s",
	    shown);
	free(shown);
	typo(in);
	cr_assert_eq(pty_admin("(input hidden): ", in, &shown, args), 1);
	cr_assert(strstr(shown, "bad checksum") != NULL, "%s", shown);
	free(shown);
	free(in);
	free(tok);
	free(pub);
}
