/*
 * test_config.c — cfg_load(), cfg_read_secret() and cfg_path().
 *
 * Every test gets its own directory (mkdtemp) holding pat.conf and the
 * secret files it names; Criterion runs each test in its own process.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "config.h"
#include "support.h"

#define SECRET32	"0123456789abcdef0123456789ABCDEF"	/* 32 bytes */
#define SECRET31	"0123456789abcdef0123456789ABCDE"	/* 31 bytes */

/* The [auth] lines every valid file needs. */
#define AUTH_MIN \
	"[auth]\n" \
	"issuer = https://login.example.com/\n" \
	"audience = pat\n" \
	"hs256_secret_file = jwt.secret\n"

static char	dir[PATH_MAX];
static char	confpath[PATH_MAX];
static char	err[1024];

static void
setup(void)
{
	char	tmpl[] = "/tmp/pat-test-config.XXXXXX";

	cr_assert_not_null(mkdtemp(tmpl));
	cr_assert_lt((size_t)snprintf(dir, sizeof(dir), "%s", tmpl),
	    sizeof(dir));
	cr_assert_lt((size_t)snprintf(confpath, sizeof(confpath),
	    "%s/pat.conf", dir), sizeof(confpath));
	err[0] = '\0';
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
teardown(void)
{
	if (dir[0] != '\0')
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(config, .init = setup, .fini = teardown);

/* dir/name, in a static buffer that the next call reuses. */
static const char *
in_dir(const char *name)
{
	static char	p[PATH_MAX];

	cr_assert_lt((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name),
	    sizeof(p));
	return p;
}

/* Writes len bytes of data to dir/name with exactly the given mode. */
static void
put_bytes(const char *name, mode_t mode, const void *data, size_t len)
{
	const char	*p = in_dir(name);
	int		 fd;

	(void)unlink(p);
	cr_assert_neq(fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600), -1,
	    "%s: %s", p, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	cr_assert_eq(fchmod(fd, mode), 0);
	cr_assert_eq(close(fd), 0);
}

static void
put(const char *name, mode_t mode, const char *text)
{
	put_bytes(name, mode, text, strlen(text));
}

/* Writes pat.conf (printf format) and the default 0600 jwt.secret. */
static void
conf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
conf(const char *fmt, ...)
{
	char	text[8192];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(text));
	if (access(in_dir("jwt.secret"), F_OK) != 0)
		put("jwt.secret", 0600, SECRET32 "\n");
	put("pat.conf", 0644, text);
}

static struct pat_config *
load_ok(void)
{
	struct pat_config	*cfg = NULL;
	enum pat_err		 rc;

	rc = cfg_load(confpath, &cfg, err, sizeof(err));
	cr_assert_eq(rc, PAT_OK, "cfg_load: %s: %s", pat_strerror(rc), err);
	cr_assert_not_null(cfg);
	return cfg;
}

/*
 * Expects PAT_ERR_CONFIG, and each NULL-terminated fragment in the message;
 * "@" stands for the config file's path.
 */
static void
load_err(const char *frag, ...)
{
	struct pat_config	*cfg = (struct pat_config *)1;
	char			 want[PATH_MAX + 256];
	const char		*f, *at;
	va_list			 ap;
	enum pat_err		 rc;

	rc = cfg_load(confpath, &cfg, err, sizeof(err));
	cr_assert_eq(rc, PAT_ERR_CONFIG, "got %s (%s)", pat_strerror(rc), err);
	cr_assert_null(cfg);
	va_start(ap, frag);
	for (f = frag; f != NULL; f = va_arg(ap, const char *)) {
		if ((at = strchr(f, '@')) != NULL)
			snprintf(want, sizeof(want), "%.*s%s%s",
			    (int)(at - f), f, confpath, at + 1);
		else
			snprintf(want, sizeof(want), "%s", f);
		cr_assert_not_null(strstr(err, want),
		    "message \"%s\" lacks \"%s\"", err, want);
	}
	va_end(ap);
}

static unsigned
ncpu(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (unsigned)n;
}

/* --- valid files and defaults ------------------------------------------ */

Test(config, minimal_file_gets_every_default)
{
	struct pat_config	*cfg;

	conf(AUTH_MIN);
	cfg = load_ok();
	cr_assert_str_eq(cfg->path, confpath);
	cr_assert_str_eq(cfg->listen, "unix:/run/pat/pat.sock");
	cr_assert_str_eq(cfg->listen, CFG_DEFAULT_LISTEN);
	cr_assert_eq(cfg->threads, ncpu());
	cr_assert_eq(cfg->socket_mode, 0660);
	cr_assert_null(cfg->socket_group);
	cr_assert_eq(cfg->max_hashes, ncpu());
	cr_assert_str_eq(cfg->db_socket, "/run/mysqld/mysqld.sock");
	cr_assert_null(cfg->db_host);
	cr_assert_eq(cfg->db_port, 3306);
	cr_assert_str_eq(cfg->db_name, "pat");
	cr_assert_str_eq(cfg->db_user, "pat");
	cr_assert_null(cfg->db_password);
	cr_assert_eq(cfg->db_connect_timeout, 3);
	cr_assert_eq(cfg->db_read_timeout, 10);
	cr_assert_eq(cfg->db_write_timeout, 10);
	cr_assert_str_eq(cfg->issuer, "https://login.example.com/");
	cr_assert_str_eq(cfg->audience, "pat");
	cr_assert_eq(cfg->leeway_seconds, 60);
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cr_assert_arr_eq(cfg->hs256_secret, SECRET32, 32);
	cr_assert_eq(cfg->hs256_secret[32], '\0');
	cr_assert_null(cfg->jwks_json);
	cr_assert_null(cfg->jwks_path);
	cr_assert_eq(cfg->argon2_memory_kib, 19456);
	cr_assert_eq(cfg->argon2_iterations, 2);
	cr_assert_eq(cfg->argon2_parallelism, 1);
	cr_assert_null(cfg->pepper);
	cr_assert_eq(cfg->pepper_len, 0);
	cr_assert_eq(cfg->max_tokens_per_publisher, 100);
	cfg_free(cfg);
}

Test(config, design_example_with_inline_comments)
{
	struct pat_config	*cfg;

	put("db.password", 0600, "s3cret pass\n");
	put("jwks.json", 0644, "{\"keys\":[]}\n");
	put("pepper", 0600, SECRET32 "pepper\n");
	conf("; pat.conf as in DESIGN section 6\n"
	    "[server]\n"
	    "listen = unix:/run/pat/pat.sock      ; or 127.0.0.1:9000; "
	    "empty = inherit fd 0 (spawn-fcgi)\n"
	    "threads = 0                          ; 0 = number of CPUs\n"
	    "[database]\n"
	    "socket = /run/mysqld/mysqld.sock     ; or host = / port =\n"
	    "name = pat\n"
	    "user = pat\n"
	    "password_file = %s/db.password\n"
	    "[auth]\n"
	    "issuer = https://login.example.com/\n"
	    "audience = pat\n"
	    "leeway_seconds = 60\n"
	    "hs256_secret_file = %s/jwt.secret   ; shared-secret mode, and/or:\n"
	    "jwks_file = %s/jwks.json            ; public keys (RS256/ES256…), "
	    "chosen by kid\n"
	    "[tokens]\n"
	    "argon2_memory_kib = 19456\n"
	    "argon2_iterations = 2\n"
	    "argon2_parallelism = 1\n"
	    "pepper_file = %s/pepper             ; optional\n"
	    "max_tokens_per_publisher = 100\n", dir, dir, dir, dir);
	cfg = load_ok();
	cr_assert_str_eq(cfg->listen, "unix:/run/pat/pat.sock");
	cr_assert_eq(cfg->threads, ncpu());
	cr_assert_str_eq(cfg->db_socket, "/run/mysqld/mysqld.sock");
	cr_assert_str_eq(cfg->db_password, "s3cret pass");
	cr_assert_str_eq(cfg->issuer, "https://login.example.com/");
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cr_assert_str_eq(cfg->jwks_json, "{\"keys\":[]}\n");
	cr_assert_str_eq(cfg->jwks_path, in_dir("jwks.json"));
	cr_assert_eq(cfg->pepper_len, 38);
	cr_assert_arr_eq(cfg->pepper, SECRET32 "pepper", 38);
	cfg_free(cfg);
}

Test(config, every_key_set)
{
	struct pat_config	*cfg;

	conf("[server]\n"
	    "listen = 127.0.0.1:9000\n"
	    "threads = 7\n"
	    "socket_mode = 0600\n"
	    "socket_group = www-data\n"
	    "max_hashes = 3\n"
	    "[database]\n"
	    "host = db.example.com\n"
	    "port = 3307\n"
	    "name = patdb\n"
	    "user = patuser\n"
	    "connect_timeout = 5\n"
	    "read_timeout = 20\n"
	    "write_timeout = 30\n"
	    AUTH_MIN
	    "leeway_seconds = 0\n"
	    "[tokens]\n"
	    "argon2_memory_kib = 65536\n"
	    "argon2_iterations = 3\n"
	    "argon2_parallelism = 4\n"
	    "max_tokens_per_publisher = 5\n");
	cfg = load_ok();
	cr_assert_str_eq(cfg->listen, "127.0.0.1:9000");
	cr_assert_eq(cfg->threads, 7);
	cr_assert_eq(cfg->socket_mode, 0600);
	cr_assert_str_eq(cfg->socket_group, "www-data");
	cr_assert_eq(cfg->max_hashes, 3);
	cr_assert_null(cfg->db_socket);
	cr_assert_str_eq(cfg->db_host, "db.example.com");
	cr_assert_eq(cfg->db_port, 3307);
	cr_assert_str_eq(cfg->db_name, "patdb");
	cr_assert_str_eq(cfg->db_user, "patuser");
	cr_assert_eq(cfg->db_connect_timeout, 5);
	cr_assert_eq(cfg->db_read_timeout, 20);
	cr_assert_eq(cfg->db_write_timeout, 30);
	cr_assert_eq(cfg->leeway_seconds, 0);
	cr_assert_eq(cfg->argon2_memory_kib, 65536);
	cr_assert_eq(cfg->argon2_iterations, 3);
	cr_assert_eq(cfg->argon2_parallelism, 4);
	cr_assert_eq(cfg->max_tokens_per_publisher, 5);
	cfg_free(cfg);
}

Test(config, listen_empty_means_inherit)
{
	struct pat_config	*cfg;

	conf("[server]\nlisten =\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_str_eq(cfg->listen, "");
	cfg_free(cfg);
}

Test(config, listen_bad_values)
{
	static const char *const bad[] = {
		"unix:relative/pat.sock", "unix:", "localhost", ":9000",
		"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1]:9000",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		conf("[server]\nlisten = %s\n" AUTH_MIN, bad[i]);
		load_err("@:2: [server] listen: ", NULL);
	}
	conf("[server]\nlisten = unix:/%0120d\n" AUTH_MIN, 0);
	load_err("@:2: [server] listen: unix socket path is too long", NULL);
}

Test(config, listen_good_values)
{
	static const char *const good[] = {
		"unix:/run/pat/pat.sock", "localhost:9000", "127.0.0.1:65535",
	};
	struct pat_config	*cfg;
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		conf("[server]\nlisten = %s\n" AUTH_MIN, good[i]);
		cfg = load_ok();
		cr_assert_str_eq(cfg->listen, good[i]);
		cfg_free(cfg);
	}
}

Test(config, indented_key_is_a_key_not_a_continuation)
{
	struct pat_config	*cfg;

	conf("[auth]\n"
	    "  issuer = https://login.example.com/\n"
	    "\taudience = pat\n"
	    "    hs256_secret_file = jwt.secret\n");
	cfg = load_ok();
	cr_assert_str_eq(cfg->issuer, "https://login.example.com/");
	cr_assert_str_eq(cfg->audience, "pat");
	cfg_free(cfg);
}

Test(config, indented_continuation_line_refused)
{
	conf(AUTH_MIN "    more issuer text\n");
	load_err("@:5: syntax error", NULL);
}

Test(config, blank_lines_and_comments_keep_line_numbers)
{
	conf("# comment\n"
	    "\n"
	    "; another\n"
	    "[server]\n"
	    "\n"
	    "threads = 1 ; fine\n"
	    "threads = 2\n"
	    AUTH_MIN);
	load_err("@:7: [server] threads: duplicated (first given on line 6)",
	    NULL);
}

/* --- relative paths ---------------------------------------------------- */

Test(config, relative_paths_resolve_against_config_dir)
{
	struct pat_config	*cfg;
	char			 jwks[PATH_MAX];

	cr_assert_eq(mkdir(in_dir("keys"), 0700), 0);
	put("keys/jwt.secret", 0600, SECRET32 "\n");
	put("keys/jwks.json", 0644, "{\"keys\":[]}");
	put("keys/db.password", 0600, "pw");
	put("keys/pepper", 0600, SECRET32);
	conf("[database]\npassword_file = keys/db.password\n"
	    "[auth]\nissuer = i\naudience = a\n"
	    "hs256_secret_file = keys/jwt.secret\n"
	    "jwks_file = ./keys/jwks.json\n"
	    "[tokens]\npepper_file = keys/pepper\n");
	/* Run from elsewhere: the files are found next to the config. */
	cr_assert_eq(chdir("/"), 0);
	cfg = load_ok();
	snprintf(jwks, sizeof(jwks), "%s", in_dir("./keys/jwks.json"));
	cr_assert_str_eq(cfg->jwks_path, jwks);
	cr_assert_str_eq(cfg->db_password, "pw");
	cr_assert_eq(cfg->pepper_len, 32);
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cfg_free(cfg);
}

Test(config, relative_config_path_resolves_against_cwd_dir)
{
	struct pat_config	*cfg = NULL;

	conf(AUTH_MIN);
	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(cfg_load("pat.conf", &cfg, err, sizeof(err)), PAT_OK,
	    "%s", err);
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cfg_free(cfg);
}

Test(config, relative_path_not_resolved_against_cwd)
{
	cr_assert_eq(mkdir(in_dir("sub"), 0700), 0);
	put("jwt.secret", 0600, SECRET32);
	/* The config lives in sub/, the secret only next to the cwd. */
	put("sub/pat.conf", 0644, AUTH_MIN);
	snprintf(confpath, sizeof(confpath), "%s", in_dir("sub/pat.conf"));
	cr_assert_eq(chdir(dir), 0);
	load_err("@:4: [auth] hs256_secret_file: ", "/sub/jwt.secret: ",
	    NULL);
}

/* --- required keys ----------------------------------------------------- */

Test(config, issuer_required)
{
	conf("[auth]\naudience = pat\nhs256_secret_file = jwt.secret\n");
	load_err("@: [auth] issuer: required", NULL);
}

Test(config, audience_required)
{
	conf("[auth]\nissuer = i\nhs256_secret_file = jwt.secret\n");
	load_err("@: [auth] audience: required", NULL);
}

Test(config, empty_required_value_refused)
{
	conf("[auth]\nissuer =\naudience = pat\n"
	    "hs256_secret_file = jwt.secret\n");
	load_err("@:2: [auth] issuer: must not be empty", NULL);
}

Test(config, a_key_source_is_required)
{
	conf("[auth]\nissuer = i\naudience = a\n");
	load_err("@: [auth] hs256_secret_file: required (or jwks_file)", NULL);
}

Test(config, jwks_alone_is_enough)
{
	struct pat_config	*cfg;

	put("jwks.json", 0644, "{\"keys\":[]}");
	conf("[auth]\nissuer = i\naudience = a\njwks_file = jwks.json\n");
	cfg = load_ok();
	cr_assert_null(cfg->hs256_secret);
	cr_assert_str_eq(cfg->jwks_json, "{\"keys\":[]}");
	cfg_free(cfg);
}

/* --- unknown, duplicated, malformed ------------------------------------ */

Test(config, unknown_key)
{
	conf("[server]\nthreads = 2\nthread = 2\n" AUTH_MIN);
	load_err("@:3: [server] thread: unknown key", NULL);
}

Test(config, unknown_section)
{
	conf(AUTH_MIN "[extra]\nfoo = bar\n");
	load_err("@:6: [extra] foo: unknown section", NULL);
}

Test(config, key_outside_section)
{
	conf("threads = 2\n" AUTH_MIN);
	load_err("@:1: [] threads: key outside of any [section]", NULL);
}

Test(config, unknown_names_are_escaped_in_the_message)
{
	conf("[server]\nbad\"\x1b[31m = 1\n" AUTH_MIN);
	load_err("@:2: [server] bad\\x22\\x1b[31m: unknown key", NULL);
}

Test(config, duplicated_key)
{
	conf(AUTH_MIN "audience = other\n");
	load_err("@:5: [auth] audience: duplicated (first given on line 3)",
	    NULL);
}

Test(config, duplicated_key_across_repeated_sections)
{
	conf("[server]\nthreads = 1\n" AUTH_MIN "[server]\nthreads = 1\n");
	load_err("@:8: [server] threads: duplicated", NULL);
}

Test(config, repeated_section_with_new_keys_accepted)
{
	struct pat_config	*cfg;

	conf("[server]\nthreads = 1\n" AUTH_MIN "[server]\nmax_hashes = 1\n");
	cfg = load_ok();
	cr_assert_eq(cfg->threads, 1);
	cr_assert_eq(cfg->max_hashes, 1);
	cfg_free(cfg);
}

Test(config, syntax_errors)
{
	conf("[server\nthreads = 1\n" AUTH_MIN);
	load_err("@:1: syntax error", NULL);
	conf(AUTH_MIN "just some words\n");
	load_err("@:5: syntax error", NULL);
}

Test(config, first_error_wins)
{
	conf("[server]\nthreads = x\nbogus = 1\n" AUTH_MIN);
	load_err("@:2: [server] threads: ", NULL);
	conf("[server]\ngarbage\nbogus = 1\n" AUTH_MIN);
	load_err("@:2: syntax error", NULL);
}

Test(config, long_line_refused)
{
	char	big[400];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	conf(AUTH_MIN "[server]\nsocket_group = %s\n", big);
	load_err("@:6: line too long", NULL);
	/* 150 characters are fine. */
	big[150] = '\0';
	conf(AUTH_MIN "[server]\nsocket_group = %s\n", big);
	cfg_free(load_ok());
}

Test(config, nul_byte_refused)
{
	static const char text[] = AUTH_MIN "[server]\nthreads = 1\0 2\n";

	put_bytes("pat.conf", 0644, text, sizeof(text) - 1);
	put("jwt.secret", 0600, SECRET32);
	load_err("@:6: NUL byte", NULL);
}

Test(config, missing_config_file)
{
	load_err("@: No such file or directory", NULL);
}

Test(config, config_is_a_directory)
{
	snprintf(confpath, sizeof(confpath), "%s", dir);
	load_err("@: not a regular file", NULL);
}

/* --- numbers ----------------------------------------------------------- */

Test(config, bad_numbers_refused)
{
	static const char *const bad[] = {
		"abc", "-1", "+1", "99999999999999999999", "12x", "", "0x10",
		"1 2", "1.5", "1e3", "4294967297",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		conf("[server]\n\nthreads = %s\n" AUTH_MIN, bad[i]);
		load_err("@:3: [server] threads: must be a number in 0..1024",
		    NULL);
	}
}

Test(config, good_numbers_accepted)
{
	static const struct { const char *s; unsigned v; } good[] = {
		{ "12", 12 }, { "012", 12 }, { "1024", 1024 },
		{ "12 ; twelve", 12 },
	};
	struct pat_config	*cfg;
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		conf("[server]\nthreads = %s\n" AUTH_MIN, good[i].s);
		cfg = load_ok();
		cr_assert_eq(cfg->threads, good[i].v, "%s", good[i].s);
		cfg_free(cfg);
	}
	conf("[server]\nthreads = 1025\n" AUTH_MIN);
	load_err("@:2: [server] threads: must be a number in 0..1024", NULL);
	/* No space before ';': not a comment, so trailing junk. */
	conf("[server]\nthreads = 12;twelve\n" AUTH_MIN);
	load_err("@:2: [server] threads: ", NULL);
}

Test(config, threads_and_max_hashes_zero_mean_cpus)
{
	struct pat_config	*cfg;

	conf("[server]\nthreads = 0\nmax_hashes = 0\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->threads, ncpu());
	cr_assert_eq(cfg->max_hashes, ncpu());
	cfg_free(cfg);
	conf("[server]\nthreads = 9\nmax_hashes = 5\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->threads, 9);
	cr_assert_eq(cfg->max_hashes, 5);
	cfg_free(cfg);
}

Test(config, leeway_60_accepted)
{
	struct pat_config	*cfg;

	conf(AUTH_MIN "leeway_seconds = 60\n");
	cfg = load_ok();
	cr_assert_eq(cfg->leeway_seconds, 60);
	cfg_free(cfg);
}

Test(config, leeway_61_refused)
{
	conf(AUTH_MIN "leeway_seconds = 61\n");
	load_err("@:5: [auth] leeway_seconds: must be a number in 0..60",
	    NULL);
	conf(AUTH_MIN "leeway_seconds = -1\n");
	load_err("@:5: [auth] leeway_seconds: ", NULL);
}

Test(config, port_range)
{
	struct pat_config	*cfg;

	conf("[database]\nhost = db\nport = 65535\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->db_port, 65535);
	cfg_free(cfg);
	conf("[database]\nhost = db\nport = 1\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->db_port, 1);
	cfg_free(cfg);
	conf("[database]\nhost = db\nport = 65536\n" AUTH_MIN);
	load_err("@:3: [database] port: must be a number in 1..65535", NULL);
	conf("[database]\nhost = db\nport = 0\n" AUTH_MIN);
	load_err("@:3: [database] port: must be a number in 1..65535", NULL);
}

Test(config, timeouts_range)
{
	struct pat_config	*cfg;

	conf("[database]\nconnect_timeout = 3600\nread_timeout = 1\n"
	    "write_timeout = 1\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->db_connect_timeout, 3600);
	cr_assert_eq(cfg->db_read_timeout, 1);
	cfg_free(cfg);
	conf("[database]\nconnect_timeout = 0\n" AUTH_MIN);
	load_err("@:2: [database] connect_timeout: must be a number in 1..",
	    NULL);
	conf("[database]\nread_timeout = 3601\n" AUTH_MIN);
	load_err("@:2: [database] read_timeout: ", NULL);
	conf("[database]\nwrite_timeout = x\n" AUTH_MIN);
	load_err("@:2: [database] write_timeout: ", NULL);
}

Test(config, socket_mode_is_octal)
{
	struct pat_config	*cfg;

	conf("[server]\nsocket_mode = 0600\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->socket_mode, 0600);
	cfg_free(cfg);
	conf("[server]\nsocket_mode = 770\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->socket_mode, 0770);
	cfg_free(cfg);
	conf("[server]\nsocket_mode = 0680\n" AUTH_MIN);
	load_err("@:2: [server] socket_mode: must be an octal mode in 0..0777",
	    NULL);
	conf("[server]\nsocket_mode = 01000\n" AUTH_MIN);
	load_err("@:2: [server] socket_mode: ", NULL);
	conf("[server]\nsocket_mode = rw\n" AUTH_MIN);
	load_err("@:2: [server] socket_mode: ", NULL);
}

Test(config, argon2_limits)
{
	struct pat_config	*cfg;

	conf(AUTH_MIN "[tokens]\nargon2_memory_kib = 8\n");
	cfg = load_ok();
	cr_assert_eq(cfg->argon2_memory_kib, 8);
	cfg_free(cfg);
	conf(AUTH_MIN "[tokens]\nargon2_memory_kib = 7\n");
	load_err("@:6: [tokens] argon2_memory_kib: must be a number in "
	    "8..4194304", NULL);
	conf(AUTH_MIN "[tokens]\nargon2_iterations = 0\n");
	load_err("@:6: [tokens] argon2_iterations: ", NULL);
	conf(AUTH_MIN "[tokens]\nargon2_parallelism = 0\n");
	load_err("@:6: [tokens] argon2_parallelism: ", NULL);
	conf(AUTH_MIN "[tokens]\nmax_tokens_per_publisher = 0\n");
	load_err("@:6: [tokens] max_tokens_per_publisher: ", NULL);
}

Test(config, argon2_memory_must_cover_lanes)
{
	struct pat_config	*cfg;

	conf(AUTH_MIN "[tokens]\nargon2_memory_kib = 32\n"
	    "argon2_parallelism = 4\n");
	cfg = load_ok();
	cfg_free(cfg);
	conf(AUTH_MIN "[tokens]\nargon2_memory_kib = 31\n"
	    "argon2_parallelism = 4\n");
	load_err("@:6: [tokens] argon2_memory_kib: must be at least 8 x "
	    "argon2_parallelism (32)", NULL);
}

/* --- database socket / host -------------------------------------------- */

Test(config, socket_and_host_exclusive)
{
	conf("[database]\nsocket = /tmp/x.sock\nhost = db\n" AUTH_MIN);
	load_err("@:3: [database] host: socket and host are mutually "
	    "exclusive", NULL);
	conf("[database]\nhost = db\nsocket = /tmp/x.sock\n" AUTH_MIN);
	load_err("@:3: [database] socket: socket and host are mutually "
	    "exclusive", NULL);
}

Test(config, socket_or_host_alone)
{
	struct pat_config	*cfg;

	conf("[database]\nsocket = /tmp/x.sock\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_str_eq(cfg->db_socket, "/tmp/x.sock");
	cr_assert_null(cfg->db_host);
	cfg_free(cfg);
	conf("[database]\nhost = 127.0.0.1\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_null(cfg->db_socket);
	cr_assert_str_eq(cfg->db_host, "127.0.0.1");
	cfg_free(cfg);
}

/* --- secret files ------------------------------------------------------ */

Test(config, secret_0600_and_0400_accepted)
{
	put("jwt.secret", 0600, SECRET32);
	conf(AUTH_MIN);
	cfg_free(load_ok());
	put("jwt.secret", 0400, SECRET32);
	cfg_free(load_ok());
}

Test(config, group_readable_secret_refused)
{
	put("jwt.secret", 0640, SECRET32);
	conf(AUTH_MIN);
	load_err("@:4: [auth] hs256_secret_file: ", "jwt.secret: is group- "
	    "or world-readable", "chmod 600", NULL);
}

Test(config, world_readable_secret_refused)
{
	put("jwt.secret", 0604, SECRET32);
	conf(AUTH_MIN);
	load_err("@:4: [auth] hs256_secret_file: ", "world-readable",
	    "chmod 600", NULL);
}

Test(config, writable_secret_refused)
{
	put("jwt.secret", 0620, SECRET32);
	conf(AUTH_MIN);
	load_err("@:4: [auth] hs256_secret_file: ", "group- or world-writable",
	    "chmod go-w", NULL);
	put("jwt.secret", 0602, SECRET32);
	load_err("@:4: [auth] hs256_secret_file: ", "world-writable", NULL);
}

/* Whoever can write the JWKS can plant a signing key; reading it is fine. */
Test(config, writable_jwks_refused)
{
	put("jwks.json", 0646, "{\"keys\":[]}");
	conf("[auth]\nissuer = i\naudience = a\njwks_file = jwks.json\n");
	load_err("@:4: [auth] jwks_file: ", "world-writable", NULL);
	put("jwks.json", 0664, "{\"keys\":[]}");
	load_err("@:4: [auth] jwks_file: ", "group- or world-writable", NULL);
	put("jwks.json", 0644, "{\"keys\":[]}");
	cfg_free(load_ok());
}

Test(config, secret_message_never_shows_the_secret)
{
	put("jwt.secret", 0644, SECRET32);
	conf(AUTH_MIN);
	load_err("chmod 600", NULL);
	cr_assert_null(strstr(err, "0123456789abcdef"));
}

Test(config, symlinked_secret_refused)
{
	char	target[PATH_MAX];

	put("real.secret", 0600, SECRET32);
	snprintf(target, sizeof(target), "%s", in_dir("real.secret"));
	cr_assert_eq(symlink(target, in_dir("jwt.secret")), 0);
	conf(AUTH_MIN);
	load_err("@:4: [auth] hs256_secret_file: ", "symbolic link", NULL);
}

Test(config, secret_target_named_directly_accepted)
{
	struct pat_config	*cfg;

	put("real.secret", 0600, SECRET32);
	conf("[auth]\nissuer = i\naudience = a\n"
	    "hs256_secret_file = real.secret\n");
	cfg = load_ok();
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cfg_free(cfg);
}

Test(config, missing_secret_file)
{
	conf("[auth]\nissuer = i\naudience = a\n"
	    "hs256_secret_file = nonexistent\n");
	load_err("@:4: [auth] hs256_secret_file: ", "/nonexistent: No such "
	    "file", NULL);
}

Test(config, directory_as_secret_refused)
{
	cr_assert_eq(mkdir(in_dir("jwt.secret"), 0700), 0);
	conf(AUTH_MIN);
	load_err("@:4: [auth] hs256_secret_file: ", "not a regular file",
	    NULL);
}

Test(config, short_secret_refused)
{
	put("jwt.secret", 0600, SECRET31);
	conf(AUTH_MIN);
	load_err("@:4: [auth] hs256_secret_file: ", "too short (31 bytes, "
	    "at least 32", NULL);
	/* The newline is not part of the key: 31 + "\n" is still 31. */
	put("jwt.secret", 0600, SECRET31 "\n");
	load_err("too short (31 bytes", NULL);
	put("jwt.secret", 0600, "");
	load_err("too short (0 bytes", NULL);
}

Test(config, one_trailing_newline_stripped)
{
	struct pat_config	*cfg;

	put("jwt.secret", 0600, SECRET32 "\n");
	conf(AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cr_assert_arr_eq(cfg->hs256_secret, SECRET32, 32);
	cfg_free(cfg);
}

Test(config, second_newline_stays_and_counts)
{
	struct pat_config	*cfg;

	put("jwt.secret", 0600, SECRET31 "\n\n");
	conf(AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cr_assert_arr_eq(cfg->hs256_secret, SECRET31 "\n", 32);
	cfg_free(cfg);
}

Test(config, pepper_checked_like_the_hs256_secret)
{
	struct pat_config	*cfg;

	put("pepper", 0600, SECRET32 "\n");
	conf(AUTH_MIN "[tokens]\npepper_file = pepper\n");
	cfg = load_ok();
	cr_assert_eq(cfg->pepper_len, 32);
	cfg_free(cfg);
	put("pepper", 0640, SECRET32 "\n");
	load_err("@:6: [tokens] pepper_file: ", "chmod 600", NULL);
	put("pepper", 0600, SECRET31 "\n");
	load_err("@:6: [tokens] pepper_file: ", "too short", NULL);
}

Test(config, password_file_needs_one_byte)
{
	struct pat_config	*cfg;

	put("db.password", 0600, "x\n");
	conf("[database]\npassword_file = db.password\n" AUTH_MIN);
	cfg = load_ok();
	cr_assert_str_eq(cfg->db_password, "x");
	cfg_free(cfg);
	put("db.password", 0600, "\n");
	load_err("@:2: [database] password_file: ", "too short (0 bytes, "
	    "at least 1", NULL);
	put("db.password", 0644, "x\n");
	load_err("@:2: [database] password_file: ", "chmod 600", NULL);
}

Test(config, password_with_nul_refused)
{
	put_bytes("db.password", 0600, "ab\0cd", 5);
	conf("[database]\npassword_file = db.password\n" AUTH_MIN);
	load_err("@:2: [database] password_file: ", "NUL byte", NULL);
}

Test(config, secret_size_cap)
{
	static char		 big[64 * 1024 + 1];
	struct pat_config	*cfg;

	memset(big, 'k', sizeof(big));
	put_bytes("jwt.secret", 0600, big, 64 * 1024);
	conf(AUTH_MIN);
	cfg = load_ok();
	cr_assert_eq(cfg->hs256_secret_len, 64 * 1024);
	cfg_free(cfg);
	put_bytes("jwt.secret", 0600, big, sizeof(big));
	load_err("@:4: [auth] hs256_secret_file: ", "larger than 65536", NULL);
}

Test(config, jwks_may_be_world_readable)
{
	struct pat_config	*cfg;

	put("jwks.json", 0644, "{\"keys\":[]}");
	conf(AUTH_MIN "jwks_file = jwks.json\n");
	cfg = load_ok();
	cr_assert_str_eq(cfg->jwks_json, "{\"keys\":[]}");
	cr_assert_eq(cfg->hs256_secret_len, 32);
	cfg_free(cfg);
}

Test(config, jwks_missing_or_empty_refused)
{
	conf(AUTH_MIN "jwks_file = jwks.json\n");
	load_err("@:5: [auth] jwks_file: ", "jwks.json: No such file", NULL);
	put("jwks.json", 0644, "");
	load_err("@:5: [auth] jwks_file: ", "empty", NULL);
}

Test(config, jwks_size_cap)
{
	static char		 big[256 * 1024 + 1];
	struct pat_config	*cfg;

	memset(big, ' ', sizeof(big));
	big[0] = '{';
	put_bytes("jwks.json", 0644, big, 256 * 1024);
	conf(AUTH_MIN "jwks_file = jwks.json\n");
	cfg = load_ok();
	cr_assert_eq(strlen(cfg->jwks_json), 256 * 1024);
	cfg_free(cfg);
	put_bytes("jwks.json", 0644, big, sizeof(big));
	load_err("@:5: [auth] jwks_file: ", "larger than 262144", NULL);
}

/* --- cfg_read_secret directly ------------------------------------------ */

Test(config, read_secret_strips_only_newline)
{
	unsigned char	*s = NULL;
	size_t		 len = 0;

	put("s", 0600, "abc\r\n");
	cr_assert_eq(cfg_read_secret(in_dir("s"), 1, &s, &len, err,
	    sizeof(err)), PAT_OK, "%s", err);
	cr_assert_eq(len, 4);
	cr_assert_str_eq((char *)s, "abc\r");
	cfg_secret_free(s, len);
}

Test(config, read_secret_min_len_boundary)
{
	unsigned char	*s = (unsigned char *)1;
	size_t		 len = 99;

	put("s", 0600, "abcd\n");
	cr_assert_eq(cfg_read_secret(in_dir("s"), 4, &s, &len, err,
	    sizeof(err)), PAT_OK, "%s", err);
	cr_assert_eq(len, 4);
	cfg_secret_free(s, len);
	s = (unsigned char *)1;
	cr_assert_eq(cfg_read_secret(in_dir("s"), 5, &s, &len, err,
	    sizeof(err)), PAT_ERR_CONFIG);
	cr_assert_null(s);
	cr_assert_eq(len, 0);
	cr_assert_not_null(strstr(err, in_dir("s")), "%s", err);
}

Test(config, read_secret_tiny_errbuf)
{
	unsigned char	*s = NULL;
	size_t		 len = 0;
	char		 small[8];

	memset(small, 'Z', sizeof(small));
	cr_assert_eq(cfg_read_secret(in_dir("none"), 1, &s, &len, small,
	    sizeof(small)), PAT_ERR_CONFIG);
	cr_assert_eq(strlen(small), sizeof(small) - 1);
	cr_assert_eq(cfg_read_secret(in_dir("none"), 1, &s, &len, NULL, 0),
	    PAT_ERR_CONFIG);
}

Test(config, free_null_is_noop)
{
	cfg_free(NULL);
	cfg_secret_free(NULL, 10);
}

/* --- cfg_path ---------------------------------------------------------- */

Test(config, path_argument_wins)
{
	cr_assert_eq(setenv("PAT_CONFIG", "/from/env.conf", 1), 0);
	cr_assert_str_eq(cfg_path("/from/arg.conf"), "/from/arg.conf");
}

Test(config, path_from_environment)
{
	cr_assert_eq(setenv("PAT_CONFIG", "/from/env.conf", 1), 0);
	cr_assert_str_eq(cfg_path(NULL), "/from/env.conf");
}

Test(config, path_empty_environment_ignored)
{
	cr_assert_eq(setenv("PAT_CONFIG", "", 1), 0);
	cr_assert_str_eq(cfg_path(NULL), CFG_DEFAULT_PATH);
	cr_assert_eq(unsetenv("PAT_CONFIG"), 0);
	cr_assert_str_eq(cfg_path(NULL), "/etc/pat/pat.conf");
}
