/*
 * config.h — the INI configuration (DESIGN §6), read with inih.
 *
 * Relative file names inside the config (password_file, hs256_secret_file,
 * jwks_file, pepper_file) are taken relative to the config file's directory.
 * Secret files must not be group- or world-readable; their content is the
 * file's bytes with one trailing newline removed.
 */
#ifndef PAT_CONFIG_H
#define PAT_CONFIG_H

#include <stdint.h>
#include "pat.h"

#define CFG_DEFAULT_PATH "/etc/pat/pat.conf"
#define CFG_MIN_SECRET_LEN 32	/* HS256 secret and pepper, bytes */
#define CFG_DEFAULT_LISTEN "unix:/run/pat/pat.sock"	/* [server] listen */
#define CFG_DEFAULT_DB_SOCKET "/run/mysqld/mysqld.sock"	/* neither socket nor host */

struct pat_config {
	char		*path;		/* the file this was loaded from */

	/* [server] */
	char		*listen;	/* "unix:/path", "host:port", or "" (fd 0) */
	unsigned	 threads;	/* 0 = number of CPUs, resolved at load */
	unsigned	 socket_mode;	/* octal, default 0660 */
	char		*socket_group;	/* group of the unix socket, NULL = keep */
	unsigned	 max_hashes;	/* concurrent Argon2 cap; 0 = number of CPUs, resolved at load */

	/* [database] */
	char		*db_socket;	/* NULL when host is used */
	char		*db_host;	/* NULL when socket is used */
	unsigned	 db_port;	/* default 3306 */
	char		*db_name;	/* default "pat" */
	char		*db_user;	/* default "pat" */
	char		*db_password;	/* from password_file, NUL-terminated; NULL if none */
	unsigned	 db_connect_timeout;	/* seconds, default 3 */
	unsigned	 db_read_timeout;	/* seconds, default 10 */
	unsigned	 db_write_timeout;	/* seconds, default 10 */

	/* [auth] */
	char		*issuer;	/* required */
	char		*audience;	/* required */
	unsigned	 leeway_seconds;	/* 0..60, default 60 */
	unsigned char	*hs256_secret;	/* NULL if not configured */
	size_t		 hs256_secret_len;
	char		*jwks_json;	/* content of jwks_file, NULL if none */
	char		*jwks_path;	/* for error messages */

	/* [tokens] */
	uint32_t	 argon2_memory_kib;	/* default 19456 */
	uint32_t	 argon2_iterations;	/* default 2 */
	uint32_t	 argon2_parallelism;	/* default 1 */
	unsigned char	*pepper;	/* NULL if not configured */
	size_t		 pepper_len;
	unsigned	 max_tokens_per_publisher;	/* default 100 */
};

/*
 * Picks the config path: arg if not NULL, else $PAT_CONFIG if set and
 * non-empty, else CFG_DEFAULT_PATH. Returns a pointer that is not owned by
 * the caller.
 */
const char *cfg_path(const char *arg);

/*
 * Loads and validates the file at path. On success *out is a new config the
 * caller frees with cfg_free(). On failure returns PAT_ERR_CONFIG (or
 * PAT_ERR_NOMEM) and writes into errbuf a sentence naming the file, the line
 * and the key at fault, e.g.
 *   "/etc/pat/pat.conf:12: [tokens] argon2_memory_kib: must be 8..4194304".
 * At least one of hs256_secret_file and jwks_file must be given.
 */
enum pat_err cfg_load(const char *path, struct pat_config **out,
    char *errbuf, size_t errlen) PAT_WUR;

/* Wipes secrets (explicit_bzero) and frees everything. NULL is a no-op. */
void cfg_free(struct pat_config *cfg);

/*
 * Reads a secret file: refuses a file that is not a regular file, is group- or
 * world-readable (mode & 077 other than write bits... any of 044), or is
 * shorter than min_len after stripping one trailing newline. The result is
 * NUL-terminated (the NUL not counted in *len) and must be wiped and freed by
 * the caller (cfg_secret_free). errbuf names the file on failure.
 */
enum pat_err cfg_read_secret(const char *path, size_t min_len,
    unsigned char **out, size_t *len, char *errbuf, size_t errlen) PAT_WUR;

/* explicit_bzero(p, len) then free(p). NULL is a no-op. */
void cfg_secret_free(unsigned char *p, size_t len);

#endif
