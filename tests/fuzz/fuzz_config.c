/*
 * fuzz_config.c — libFuzzer harness for lib/config.h cfg_load (inih and
 * everything around it: the line reader, key table, number parsing, file
 * name resolution, secret-file checks, post-parse checks).
 *
 * At start-up the harness makes a private directory ($TMPDIR or /tmp,
 * pat-fuzz-config.<pid>.XXXXXX; removed at a normal exit, left behind when
 * libFuzzer stops on a crash or a signal) holding the files a config may
 * name, relative to the config's own directory:
 *   jwt.secret, pepper, db.password   mode 0600, valid
 *   short.secret                      0600, shorter than 32 bytes
 *   nul.secret                        0600, a NUL byte inside
 *   world.secret                      0644 (must be refused)
 *   link.secret                       symlink to jwt.secret (refused)
 *   jwks.json                         0644, the fixture JWKS
 *   empty.json                        0644, empty
 *   subdir/                           a directory
 * Each input is written to <dir>/pat.conf and loaded. Oracles:
 *   - PAT_OK yields a config that satisfies DESIGN §6: issuer and audience
 *     set, an HS256 secret (>= 32 bytes, NUL-terminated) or a JWKS, a
 *     pepper of >= 32 bytes if any, exactly one of database socket/host,
 *     leeway <= 60, argon2 memory >= 8 x lanes, threads and max_hashes
 *     resolved to >= 1;
 *   - a failure returns no config and an error that names the file and
 *     never contains a secret file's content;
 *   - a tiny error buffer is never overrun (ASan), and the verdict does not
 *     depend on its size.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "keys.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define PEPPER		"fuzz-only-pepper-0123456789abcdef-0123456789"
#define DB_PASSWORD	"fuzz-only-db-password"
#define NUL_TAIL	"zzz-after-the-nul-0123456789abcdef"

static char	dir[256];
static char	conf[300];

static const struct {
	const char	*name;
	const char	*content;
	size_t		 len;
	mode_t		 mode;
} files[] = {
	{ "jwt.secret", FZ_HS256_SECRET "\n", sizeof(FZ_HS256_SECRET), 0600 },
	{ "pepper", PEPPER, sizeof(PEPPER) - 1, 0600 },
	{ "db.password", DB_PASSWORD "\n", sizeof(DB_PASSWORD), 0600 },
	{ "short.secret", "short\n", 6, 0600 },
	{ "nul.secret", "abc\0" NUL_TAIL, sizeof(NUL_TAIL) + 3, 0600 },
	{ "world.secret", PEPPER, sizeof(PEPPER) - 1, 0644 },
	{ "jwks.json", FZ_JWKS, sizeof(FZ_JWKS) - 1, 0644 },
	{ "empty.json", "", 0, 0644 },
};

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_config: %s: %s\n", what, strerror(errno));
	abort();
}

static void
path_in_dir(char *out, size_t outsz, const char *name)
{
	int	n;

	n = snprintf(out, outsz, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outsz)
		die("path too long");
}

static void
cleanup(void)
{
	char	p[320];
	size_t	i;

	if (dir[0] == '\0')
		return;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path_in_dir(p, sizeof(p), files[i].name);
		(void)unlink(p);
	}
	path_in_dir(p, sizeof(p), "link.secret");
	(void)unlink(p);
	path_in_dir(p, sizeof(p), "subdir");
	(void)rmdir(p);
	(void)unlink(conf);
	(void)rmdir(dir);
}

static void
write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) ==
	    -1)
		die(path);
	if (fchmod(fd, mode) == -1 ||
	    (len > 0 && write(fd, buf, len) != (ssize_t)len) || close(fd) == -1)
		die(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp;
	char		 p[320];
	size_t		 i;
	int		 n;

	(void)argc;
	(void)argv;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	n = snprintf(dir, sizeof(dir), "%s/pat-fuzz-config.%ld.XXXXXX", tmp,
	    (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(dir) || mkdtemp(dir) == NULL)
		die("mkdtemp");
	atexit(cleanup);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path_in_dir(p, sizeof(p), files[i].name);
		write_file(p, files[i].content, files[i].len, files[i].mode);
	}
	path_in_dir(p, sizeof(p), "link.secret");
	if (symlink("jwt.secret", p) == -1)
		die("symlink");
	path_in_dir(p, sizeof(p), "subdir");
	if (mkdir(p, 0700) == -1)
		die("mkdir");
	path_in_dir(conf, sizeof(conf), "pat.conf");
	return 0;
}

/*
 * The byte string needle occurs in hay. Deliberately a plain loop without
 * coverage instrumentation: libFuzzer learns the arguments of strstr,
 * memmem and instrumented comparisons, and would then plant the secret in
 * the config text (even half of it next to an escape sequence such as
 * "\x8d") until an error message quoting that text "leaks" it.
 */
__attribute__((no_sanitize("coverage")))
static int
has(const void *hay, size_t haylen, const char *needle)
{
	const unsigned char	*h = hay;
	size_t			 n = strlen(needle), i, j;

	for (i = 0; n <= haylen && i <= haylen - n; i++) {
		for (j = 0; j < n && h[i + j] == (unsigned char)needle[j]; j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

/*
 * A secret in the error message that the config text did not contain.
 * The secret's first character is left out: log_escape writes a byte as
 * "\xHH", and an H of a-f followed by the rest of the secret typed into the
 * config would look like the whole secret. No escape ends in the second
 * character of any of ours.
 */
static int
leaked(const char *err, const uint8_t *data, size_t size, const char *secret)
{
	const char	*needle = secret + 1;

	return has(err, strlen(err), needle) && !has(data, size, needle);
}

static void
check_ok(const struct pat_config *c)
{
	if (c == NULL || c->path == NULL || strcmp(c->path, conf) != 0)
		abort();
	if (c->issuer == NULL || c->issuer[0] == '\0' ||
	    c->audience == NULL || c->audience[0] == '\0')
		abort();
	if (c->hs256_secret == NULL && c->jwks_json == NULL)
		abort();
	if (c->hs256_secret != NULL &&
	    (c->hs256_secret_len < CFG_MIN_SECRET_LEN ||
	    c->hs256_secret[c->hs256_secret_len] != '\0'))
		abort();
	if (c->pepper != NULL && (c->pepper_len < CFG_MIN_SECRET_LEN ||
	    c->pepper[c->pepper_len] != '\0'))
		abort();
	if (c->jwks_json != NULL && (c->jwks_json[0] == '\0' ||
	    c->jwks_path == NULL))
		abort();
	if ((c->db_socket == NULL) == (c->db_host == NULL))
		abort();
	if (c->db_password != NULL && c->db_password[0] == '\0')
		abort();
	if (c->listen == NULL || c->db_name == NULL || c->db_user == NULL)
		abort();
	if (c->leeway_seconds > 60 || c->threads < 1 || c->max_hashes < 1 ||
	    c->argon2_parallelism < 1 || c->argon2_iterations < 1 ||
	    c->argon2_memory_kib < 8 * c->argon2_parallelism ||
	    c->db_port < 1 || c->db_port > 65535 ||
	    c->socket_mode > 0777 || c->max_tokens_per_publisher < 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pat_config	*cfg = NULL, *cfg2 = NULL;
	char			 err[1024], *tiny = NULL;
	enum pat_err		 rc, rc2;

	write_file(conf, data, size, 0600);

	memset(err, 0x5a, sizeof(err));
	rc = cfg_load(conf, &cfg, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	switch (rc) {
	case PAT_OK:
		check_ok(cfg);
		break;
	case PAT_ERR_CONFIG:
	case PAT_ERR_NOMEM:
		if (cfg != NULL || strncmp(err, conf, strlen(conf)) != 0)
			abort();
		/* No secret file's content in an error message. */
		if (leaked(err, data, size, FZ_HS256_SECRET) ||
		    leaked(err, data, size, PEPPER) ||
		    leaked(err, data, size, DB_PASSWORD) ||
		    leaked(err, data, size, NUL_TAIL))
			abort();
		break;
	default:
		abort();
	}
	cfg_free(cfg);

	/* An exact 8-byte heap buffer: truncation, never an overflow. */
	if ((tiny = malloc(8)) == NULL)
		return 0;
	rc2 = cfg_load(conf, &cfg2, tiny, 8);
	if (rc2 != rc || memchr(tiny, '\0', 8) == NULL)
		abort();
	cfg_free(cfg2);
	free(tiny);
	cfg_free(NULL);
	return 0;
}
