/*
 * config.c — the INI configuration (DESIGN §6), parsed with inih.
 *
 * Every key is described once in cfg_keys[]: its section, name, kind and
 * limits. The inih handler looks the key up there, refuses unknown and
 * duplicated keys and bad values, and remembers the line of each key so that
 * the checks done after parsing (required keys, secret files) can name it.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "log.h"

#define CFG_SECRET_MAX	(64 * 1024)	/* secret files, bytes */
#define CFG_JWKS_MAX	(256 * 1024)	/* jwks_file, bytes */
#define CFG_FILE_MAX	(1024 * 1024)	/* the config file itself */
#define CFG_SUN_PATH_MAX 107		/* sizeof(sun_path) - 1 */

enum cfg_kind {
	CK_STR,		/* non-empty string, char * in struct pat_config */
	CK_LISTEN,	/* "unix:/path", "host:port" or "" */
	CK_UINT,	/* decimal unsigned in [min, max] */
	CK_U32,		/* decimal uint32_t in [min, max] */
	CK_OCTAL,	/* octal unsigned in [min, max] */
	CK_FILE		/* file name, resolved against the config's directory */
};

/* Indexes of the keys that the post-parse checks refer to. */
enum cfg_key_id {
	K_LISTEN, K_THREADS, K_SOCKET_MODE, K_SOCKET_GROUP, K_MAX_HASHES,
	K_DB_SOCKET, K_DB_HOST, K_DB_PORT, K_DB_NAME, K_DB_USER,
	K_DB_PASSWORD_FILE, K_DB_CONNECT_TIMEOUT, K_DB_READ_TIMEOUT,
	K_DB_WRITE_TIMEOUT,
	K_ISSUER, K_AUDIENCE, K_LEEWAY, K_HS256_FILE, K_JWKS_FILE,
	K_ARGON2_MEMORY, K_ARGON2_ITERATIONS, K_ARGON2_PARALLELISM,
	K_PEPPER_FILE, K_MAX_TOKENS,
	K__COUNT
};

struct cfg_key {
	enum cfg_key_id	 id;
	const char	*section;
	const char	*name;
	enum cfg_kind	 kind;
	size_t		 off;	/* offset in struct pat_config; unused for CK_FILE */
	unsigned long	 min;
	unsigned long	 max;
};

#define OFF(f)	offsetof(struct pat_config, f)

static const struct cfg_key cfg_keys[] = {
	{ K_LISTEN, "server", "listen", CK_LISTEN, OFF(listen), 0, 0 },
	{ K_THREADS, "server", "threads", CK_UINT, OFF(threads), 0, 1024 },
	{ K_SOCKET_MODE, "server", "socket_mode", CK_OCTAL, OFF(socket_mode),
	    0, 0777 },
	{ K_SOCKET_GROUP, "server", "socket_group", CK_STR,
	    OFF(socket_group), 0, 0 },
	{ K_MAX_HASHES, "server", "max_hashes", CK_UINT, OFF(max_hashes),
	    0, 1024 },

	{ K_DB_SOCKET, "database", "socket", CK_STR, OFF(db_socket), 0, 0 },
	{ K_DB_HOST, "database", "host", CK_STR, OFF(db_host), 0, 0 },
	{ K_DB_PORT, "database", "port", CK_UINT, OFF(db_port), 1, 65535 },
	{ K_DB_NAME, "database", "name", CK_STR, OFF(db_name), 0, 0 },
	{ K_DB_USER, "database", "user", CK_STR, OFF(db_user), 0, 0 },
	{ K_DB_PASSWORD_FILE, "database", "password_file", CK_FILE, 0, 0, 0 },
	{ K_DB_CONNECT_TIMEOUT, "database", "connect_timeout", CK_UINT,
	    OFF(db_connect_timeout), 1, 3600 },
	{ K_DB_READ_TIMEOUT, "database", "read_timeout", CK_UINT,
	    OFF(db_read_timeout), 1, 3600 },
	{ K_DB_WRITE_TIMEOUT, "database", "write_timeout", CK_UINT,
	    OFF(db_write_timeout), 1, 3600 },

	{ K_ISSUER, "auth", "issuer", CK_STR, OFF(issuer), 0, 0 },
	{ K_AUDIENCE, "auth", "audience", CK_STR, OFF(audience), 0, 0 },
	{ K_LEEWAY, "auth", "leeway_seconds", CK_UINT, OFF(leeway_seconds),
	    0, 60 },
	{ K_HS256_FILE, "auth", "hs256_secret_file", CK_FILE, 0, 0, 0 },
	{ K_JWKS_FILE, "auth", "jwks_file", CK_FILE, 0, 0, 0 },

	{ K_ARGON2_MEMORY, "tokens", "argon2_memory_kib", CK_U32,
	    OFF(argon2_memory_kib), 8, 4194304 },
	{ K_ARGON2_ITERATIONS, "tokens", "argon2_iterations", CK_U32,
	    OFF(argon2_iterations), 1, 100 },
	{ K_ARGON2_PARALLELISM, "tokens", "argon2_parallelism", CK_U32,
	    OFF(argon2_parallelism), 1, 16 },
	{ K_PEPPER_FILE, "tokens", "pepper_file", CK_FILE, 0, 0, 0 },
	{ K_MAX_TOKENS, "tokens", "max_tokens_per_publisher", CK_UINT,
	    OFF(max_tokens_per_publisher), 1, 100000 },
};

/* Parser state shared by the line reader and the inih handler. */
struct cfg_state {
	struct pat_config	*cfg;
	const char		*path;
	FILE			*fp;
	char			*line;		/* getline buffer */
	size_t			 linecap;
	int			 lineno;	/* line inih is working on */
	int			 seen[K__COUNT];	/* line of each key, 0 = absent */
	char			*file[K__COUNT];	/* CK_FILE values, resolved */
	int			 err_line;	/* line of the first error, 0 = none */
	enum pat_err		 err;
	char			*errbuf;
	size_t			 errlen;
};


/*
 * "FILE:LINE: [section] key: what" (or "FILE: [section] key: what" when
 * line is 0) for a known key.
 */
static void
cfg_key_err(struct cfg_state *st, int line, enum cfg_key_id id,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
cfg_key_err(struct cfg_state *st, int line, enum cfg_key_id id,
    const char *fmt, ...)
{
	char	 what[512], where[64];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(where, sizeof(where), ":%d", line);
	else
		where[0] = '\0';
	pat_errf(st->errbuf, st->errlen, "%s%s: [%s] %s: %s", st->path, where,
	    cfg_keys[id].section, cfg_keys[id].name, what);
	if (st->err == PAT_OK)
		st->err = PAT_ERR_CONFIG;
	st->err_line = line;
}

/* Returns 1 if s is a decimal (or octal) number in [min, max]. */
static int
cfg_parse_ulong(const char *s, int base, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long	 v;
	char		*end = NULL;

	/* strtoul accepts leading blanks and a sign: refuse both. */
	if (!isdigit((unsigned char)s[0]))
		return 0;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno != 0 || end == s || *end != '\0')
		return 0;
	if (v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/* Returns NULL if s is a valid listen value, else what is wrong. */
static const char *
cfg_check_listen(const char *s)
{
	const char	*colon;
	unsigned long	 port;

	if (*s == '\0')
		return NULL;
	if (strncmp(s, "unix:", 5) == 0) {
		if (s[5] != '/')
			return "unix socket path must be absolute";
		if (strlen(s + 5) > CFG_SUN_PATH_MAX)
			return "unix socket path is too long";
		return NULL;
	}
	/* libfcgi takes IPv4 "host:port" only, split at the first colon. */
	if ((colon = strchr(s, ':')) == NULL || colon == s)
		return "must be unix:/path, host:port, or empty";
	if (!cfg_parse_ulong(colon + 1, 10, 1, 65535, &port))
		return "port must be a number in 1..65535";
	return NULL;
}

/*
 * Returns the malloc'd file name value resolved against the directory of
 * the config file at cfgpath (unchanged when absolute), or NULL.
 */
static char *
cfg_resolve(const char *cfgpath, const char *value)
{
	const char	*slash;
	char		*p = NULL;
	size_t		 dirlen, sz;
	int		 n;

	if (value[0] == '/')
		return strdup(value);
	if ((slash = strrchr(cfgpath, '/')) == NULL) {
		cfgpath = ".";
		dirlen = 1;
	} else
		dirlen = (size_t)(slash - cfgpath);
	sz = dirlen + 1 + strlen(value) + 1;
	if ((p = malloc(sz)) == NULL)
		return NULL;
	n = snprintf(p, sz, "%.*s/%s", (int)dirlen, cfgpath, value);
	if (n < 0 || (size_t)n >= sz) {
		free(p);
		return NULL;
	}
	return p;
}

static const struct cfg_key *
cfg_key_find(const char *section, const char *name, int *section_known)
{
	size_t	 i;

	*section_known = 0;
	for (i = 0; i < sizeof(cfg_keys) / sizeof(cfg_keys[0]); i++) {
		if (strcmp(cfg_keys[i].section, section) != 0)
			continue;
		*section_known = 1;
		if (strcmp(cfg_keys[i].name, name) == 0)
			return &cfg_keys[i];
	}
	return NULL;
}

/* inih handler: returns nonzero on success, 0 on error. */
static int
cfg_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct cfg_state	*st = user;
	const struct cfg_key	*k;
	const char		*why;
	char			 esec[128], ename[128], **sp, *dup = NULL;
	unsigned long		 v;
	int			 known;

	/* Only the first error is reported; inih keeps calling. */
	if (st->err != PAT_OK)
		return 0;

	if ((k = cfg_key_find(section, name, &known)) == NULL) {
		log_escape(esec, sizeof(esec), section, strlen(section));
		log_escape(ename, sizeof(ename), name, strlen(name));
		pat_errf(st->errbuf, st->errlen, "%s:%d: [%s] %s: %s",
		    st->path, st->lineno, esec, ename,
		    *section == '\0' ? "key outside of any [section]" :
		    known ? "unknown key" : "unknown section");
		st->err = PAT_ERR_CONFIG;
		st->err_line = st->lineno;
		return 0;
	}
	if (st->seen[k->id] != 0) {
		cfg_key_err(st, st->lineno, k->id,
		    "duplicated (first given on line %d)", st->seen[k->id]);
		return 0;
	}
	st->seen[k->id] = st->lineno;

	switch (k->kind) {
	case CK_LISTEN:
	case CK_STR:
		if (k->kind == CK_LISTEN) {
			if ((why = cfg_check_listen(value)) != NULL) {
				cfg_key_err(st, st->lineno, k->id, "%s", why);
				return 0;
			}
		} else if (*value == '\0') {
			cfg_key_err(st, st->lineno, k->id, "must not be empty");
			return 0;
		}
		if ((dup = strdup(value)) == NULL)
			goto nomem;
		sp = (char **)(void *)((char *)st->cfg + k->off);
		free(*sp);
		*sp = dup;
		break;
	case CK_UINT:
	case CK_U32:
	case CK_OCTAL:
		if (!cfg_parse_ulong(value, k->kind == CK_OCTAL ? 8 : 10,
		    k->min, k->max, &v)) {
			if (k->kind == CK_OCTAL)
				cfg_key_err(st, st->lineno, k->id,
				    "must be an octal mode in %lo..0%lo",
				    k->min, k->max);
			else
				cfg_key_err(st, st->lineno, k->id,
				    "must be a number in %lu..%lu",
				    k->min, k->max);
			return 0;
		}
		if (k->kind == CK_U32)
			*(uint32_t *)(void *)((char *)st->cfg + k->off) =
			    (uint32_t)v;
		else
			*(unsigned *)(void *)((char *)st->cfg + k->off) =
			    (unsigned)v;
		break;
	case CK_FILE:
		if (*value == '\0') {
			cfg_key_err(st, st->lineno, k->id, "must not be empty");
			return 0;
		}
		if ((dup = cfg_resolve(st->path, value)) == NULL)
			goto nomem;
		st->file[k->id] = dup;
		break;
	}
	return 1;
nomem:
	cfg_key_err(st, st->lineno, k->id, "out of memory");
	st->err = PAT_ERR_NOMEM;
	return 0;
}

/*
 * inih line reader. Counts lines, refuses lines longer than inih's buffer
 * (instead of letting inih cut them in two) and NUL bytes, and removes
 * leading blanks so that inih never treats an indented line as the
 * continuation of the previous value.
 */
static char *
cfg_reader(char *str, int num, void *stream)
{
	struct cfg_state	*st = stream;
	ssize_t			 n;
	size_t			 skip;

	if (st->err != PAT_OK || num < 2)
		return NULL;
	if ((n = getline(&st->line, &st->linecap, st->fp)) < 0) {
		if (ferror(st->fp)) {
			pat_errf(st->errbuf, st->errlen, "%s:%d: read error: %s",
			    st->path, st->lineno + 1, strerror(errno));
			st->err = PAT_ERR_CONFIG;
			st->err_line = st->lineno + 1;
		}
		return NULL;
	}
	st->lineno++;
	if (memchr(st->line, '\0', (size_t)n) != NULL) {
		pat_errf(st->errbuf, st->errlen, "%s:%d: NUL byte in line",
		    st->path, st->lineno);
		st->err = PAT_ERR_CONFIG;
		st->err_line = st->lineno;
		return NULL;
	}
	skip = strspn(st->line, " \t");
	n -= (ssize_t)skip;
	if (n > num - 3) {
		pat_errf(st->errbuf, st->errlen,
		    "%s:%d: line too long (at most %d characters)",
		    st->path, st->lineno, num - 3);
		st->err = PAT_ERR_CONFIG;
		st->err_line = st->lineno;
		return NULL;
	}
	memcpy(str, st->line + skip, (size_t)n + 1);
	return str;
}

static struct pat_config *
cfg_new(void)
{
	struct pat_config	*cfg = NULL;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return NULL;
	cfg->threads = 0;
	cfg->socket_mode = 0660;
	cfg->max_hashes = 0;
	cfg->db_port = 3306;
	cfg->db_connect_timeout = 3;
	cfg->db_read_timeout = 10;
	cfg->db_write_timeout = 10;
	cfg->leeway_seconds = 60;
	cfg->argon2_memory_kib = 19456;
	cfg->argon2_iterations = 2;
	cfg->argon2_parallelism = 1;
	cfg->max_tokens_per_publisher = 100;
	if ((cfg->listen = strdup(CFG_DEFAULT_LISTEN)) == NULL ||
	    (cfg->db_name = strdup("pat")) == NULL ||
	    (cfg->db_user = strdup("pat")) == NULL) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static unsigned
cfg_ncpu(void)
{
	long	 n;

	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	if (n > 1024)
		return 1024;
	return (unsigned)n;
}

/*
 * Opens path (O_NOFOLLOW when nofollow), checks that it is a regular file
 * and, when secret, that it is not group- or world-readable, and reads at
 * most cap bytes into a new buffer of exactly the file's size plus a NUL.
 * Temporary buffers are wiped.
 */
static enum pat_err
cfg_read_file(const char *path, size_t cap, int secret, unsigned char **out,
    size_t *len, char *errbuf, size_t errlen)
{
	struct stat	 sb;
	unsigned char	*buf = NULL, *res = NULL;
	size_t		 have = 0;
	ssize_t		 n;
	enum pat_err	 rc = PAT_ERR_CONFIG;
	int		 fd = -1, flags;

	*out = NULL;
	*len = 0;
	flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	if (secret)
		flags |= O_NOFOLLOW;
	if ((fd = open(path, flags)) == -1) {
		if (errno == ELOOP && secret)
			pat_errf(errbuf, errlen, "%s: is a symbolic link; "
			    "name the file itself", path);
		else
			pat_errf(errbuf, errlen, "%s: %s", path,
			    strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) == -1) {
		pat_errf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		pat_errf(errbuf, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (secret && (sb.st_mode & 044) != 0) {
		pat_errf(errbuf, errlen, "%s: is group- or world-readable "
		    "(mode %03o); run chmod 600 %s", path,
		    (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	/* Secrets and the JWKS (whoever can write it can plant a signing
	 * key) must not be writable by anyone but their owner. */
	if ((sb.st_mode & 022) != 0) {
		pat_errf(errbuf, errlen, "%s: is group- or world-writable "
		    "(mode %03o); run chmod go-w %s", path,
		    (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	if ((buf = malloc(cap + 1)) == NULL) {
		rc = PAT_ERR_NOMEM;
		pat_errf(errbuf, errlen, "%s: out of memory", path);
		goto out;
	}
	/* Read up to cap + 1 bytes: one more than allowed means too big. */
	while (have < cap + 1) {
		n = read(fd, buf + have, cap + 1 - have);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			pat_errf(errbuf, errlen, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if (have > cap) {
		pat_errf(errbuf, errlen, "%s: larger than %zu bytes", path, cap);
		goto out;
	}
	if ((res = malloc(have + 1)) == NULL) {
		rc = PAT_ERR_NOMEM;
		pat_errf(errbuf, errlen, "%s: out of memory", path);
		goto out;
	}
	memcpy(res, buf, have);
	res[have] = '\0';
	*out = res;
	*len = have;
	res = NULL;
	rc = PAT_OK;
out:
	if (buf != NULL) {
		explicit_bzero(buf, cap + 1);
		free(buf);
	}
	if (fd != -1)
		close(fd);
	return rc;
}

enum pat_err
cfg_read_secret(const char *path, size_t min_len, unsigned char **out,
    size_t *len, char *errbuf, size_t errlen)
{
	unsigned char	*buf = NULL;
	size_t		 n = 0;
	enum pat_err	 rc;

	*out = NULL;
	*len = 0;
	rc = cfg_read_file(path, CFG_SECRET_MAX, 1, &buf, &n, errbuf, errlen);
	if (rc != PAT_OK)
		goto out;
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n < min_len) {
		pat_errf(errbuf, errlen, "%s: too short (%zu bytes, at least "
		    "%zu required)", path, n, min_len);
		rc = PAT_ERR_CONFIG;
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
out:
	/* On failure n may be one short of the allocation: wipe its NUL too. */
	cfg_secret_free(buf, n + 1);
	return rc;
}

void
cfg_secret_free(unsigned char *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

const char *
cfg_path(const char *arg)
{
	const char	*env;

	if (arg != NULL)
		return arg;
	if ((env = secure_getenv("PAT_CONFIG")) != NULL && *env != '\0')
		return env;
	return CFG_DEFAULT_PATH;
}

/* Reads the secret file of key id into *out; errors name the key. */
static enum pat_err
cfg_load_secret(struct cfg_state *st, enum cfg_key_id id, size_t min_len,
    unsigned char **out, size_t *len)
{
	char		 why[768];
	enum pat_err	 rc;

	why[0] = '\0';
	rc = cfg_read_secret(st->file[id], min_len, out, len, why, sizeof(why));
	if (rc != PAT_OK) {
		cfg_key_err(st, st->seen[id], id, "%s", why);
		st->err = rc;
	}
	return rc;
}

/* The checks and file reads that need the whole file. */
static enum pat_err
cfg_finish(struct cfg_state *st)
{
	struct pat_config	*cfg = st->cfg;
	unsigned char		*buf = NULL;
	size_t			 len = 0;
	char			 why[768];
	enum pat_err		 rc;

	if (cfg->issuer == NULL) {
		cfg_key_err(st, 0, K_ISSUER, "required");
		goto out;
	}
	if (cfg->audience == NULL) {
		cfg_key_err(st, 0, K_AUDIENCE, "required");
		goto out;
	}
	if (st->file[K_HS256_FILE] == NULL && st->file[K_JWKS_FILE] == NULL) {
		cfg_key_err(st, 0, K_HS256_FILE, "required (or jwks_file)");
		goto out;
	}
	if (cfg->db_socket != NULL && cfg->db_host != NULL) {
		if (st->seen[K_DB_SOCKET] > st->seen[K_DB_HOST])
			cfg_key_err(st, st->seen[K_DB_SOCKET], K_DB_SOCKET,
			    "socket and host are mutually exclusive");
		else
			cfg_key_err(st, st->seen[K_DB_HOST], K_DB_HOST,
			    "socket and host are mutually exclusive");
		goto out;
	}
	if (cfg->argon2_memory_kib < 8 * cfg->argon2_parallelism) {
		cfg_key_err(st, st->seen[K_ARGON2_MEMORY], K_ARGON2_MEMORY,
		    "must be at least 8 x argon2_parallelism (%u)",
		    8 * (unsigned)cfg->argon2_parallelism);
		goto out;
	}
	if (cfg->db_socket == NULL && cfg->db_host == NULL &&
	    (cfg->db_socket = strdup(CFG_DEFAULT_DB_SOCKET)) == NULL) {
		st->err = PAT_ERR_NOMEM;
		pat_errf(st->errbuf, st->errlen, "%s: out of memory", st->path);
		goto out;
	}

	if (st->file[K_DB_PASSWORD_FILE] != NULL) {
		if (cfg_load_secret(st, K_DB_PASSWORD_FILE, 1, &buf, &len) !=
		    PAT_OK)
			goto out;
		if (strlen((char *)buf) != len) {
			cfg_key_err(st, st->seen[K_DB_PASSWORD_FILE],
			    K_DB_PASSWORD_FILE, "%s: contains a NUL byte",
			    st->file[K_DB_PASSWORD_FILE]);
			cfg_secret_free(buf, len + 1);
			buf = NULL;
			goto out;
		}
		cfg->db_password = (char *)buf;
		buf = NULL;
	}
	if (st->file[K_HS256_FILE] != NULL &&
	    cfg_load_secret(st, K_HS256_FILE, CFG_MIN_SECRET_LEN,
	    &cfg->hs256_secret, &cfg->hs256_secret_len) != PAT_OK)
		goto out;
	if (st->file[K_PEPPER_FILE] != NULL &&
	    cfg_load_secret(st, K_PEPPER_FILE, CFG_MIN_SECRET_LEN,
	    &cfg->pepper, &cfg->pepper_len) != PAT_OK)
		goto out;
	if (st->file[K_JWKS_FILE] != NULL) {
		why[0] = '\0';
		rc = cfg_read_file(st->file[K_JWKS_FILE], CFG_JWKS_MAX, 0,
		    &buf, &len, why, sizeof(why));
		if (rc == PAT_OK && (len == 0 || strlen((char *)buf) != len)) {
			snprintf(why, sizeof(why), "%s: %s",
			    st->file[K_JWKS_FILE], len == 0 ? "empty" :
			    "contains a NUL byte");
			rc = PAT_ERR_CONFIG;
		}
		if (rc != PAT_OK) {
			free(buf);
			buf = NULL;
			cfg_key_err(st, st->seen[K_JWKS_FILE], K_JWKS_FILE,
			    "%s", why);
			st->err = rc;
			goto out;
		}
		cfg->jwks_json = (char *)buf;
		buf = NULL;
		cfg->jwks_path = st->file[K_JWKS_FILE];
		st->file[K_JWKS_FILE] = NULL;
	}

	if (cfg->threads == 0)
		cfg->threads = cfg_ncpu();
	if (cfg->max_hashes == 0)
		cfg->max_hashes = cfg_ncpu();
out:
	return st->err;
}

enum pat_err
cfg_load(const char *path, struct pat_config **out, char *errbuf,
    size_t errlen)
{
	struct cfg_state	 st;
	struct stat		 sb;
	size_t			 i;
	int			 fd = -1, r;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	st.path = path;
	st.errbuf = errbuf;
	st.errlen = errlen;
	st.err = PAT_OK;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		pat_errf(errbuf, errlen, "%s: %s", path, strerror(errno));
		st.err = PAT_ERR_CONFIG;
		goto out;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		pat_errf(errbuf, errlen, "%s: not a regular file", path);
		st.err = PAT_ERR_CONFIG;
		goto out;
	}
	if (sb.st_size > CFG_FILE_MAX) {
		pat_errf(errbuf, errlen, "%s: larger than %d bytes", path,
		    CFG_FILE_MAX);
		st.err = PAT_ERR_CONFIG;
		goto out;
	}
	if ((st.fp = fdopen(fd, "r")) == NULL) {
		pat_errf(errbuf, errlen, "%s: %s", path, strerror(errno));
		st.err = PAT_ERR_NOMEM;
		goto out;
	}
	fd = -1;
	if ((st.cfg = cfg_new()) == NULL ||
	    (st.cfg->path = strdup(path)) == NULL) {
		pat_errf(errbuf, errlen, "%s: out of memory", path);
		st.err = PAT_ERR_NOMEM;
		goto out;
	}

	r = ini_parse_stream(cfg_reader, &st, cfg_handler, &st);
	if (st.err != PAT_OK && (r <= 0 || r == st.err_line))
		goto out;
	if (r == -2) {
		pat_errf(errbuf, errlen, "%s: out of memory", path);
		st.err = PAT_ERR_NOMEM;
		goto out;
	}
	if (r != 0) {
		/* inih's own error (before any of ours): a malformed line. */
		pat_errf(errbuf, errlen, "%s:%d: syntax error: expected "
		    "[section] or key = value", path, r);
		st.err = PAT_ERR_CONFIG;
		goto out;
	}
	(void)cfg_finish(&st);
out:
	for (i = 0; i < K__COUNT; i++)
		free(st.file[i]);
	free(st.line);
	if (st.fp != NULL)
		fclose(st.fp);
	if (fd != -1)
		close(fd);
	if (st.err != PAT_OK) {
		cfg_free(st.cfg);
		return st.err;
	}
	*out = st.cfg;
	return PAT_OK;
}

void
cfg_free(struct pat_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->listen);
	free(cfg->socket_group);
	free(cfg->db_socket);
	free(cfg->db_host);
	free(cfg->db_name);
	free(cfg->db_user);
	if (cfg->db_password != NULL)
		cfg_secret_free((unsigned char *)cfg->db_password,
		    strlen(cfg->db_password));
	free(cfg->issuer);
	free(cfg->audience);
	cfg_secret_free(cfg->hs256_secret, cfg->hs256_secret_len);
	free(cfg->jwks_json);
	free(cfg->jwks_path);
	cfg_secret_free(cfg->pepper, cfg->pepper_len);
	explicit_bzero(cfg, sizeof(*cfg));
	free(cfg);
}
