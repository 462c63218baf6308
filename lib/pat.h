/*
 * pat.h — status codes shared by every libpat module.
 *
 * Library functions return an enum pat_err; only the HTTP layer (cgi-bin/)
 * and pat-admin turn a status into an HTTP code or an exit status.
 */
#ifndef PAT_H
#define PAT_H

#include <stddef.h>

#define PAT_WUR __attribute__((warn_unused_result))

enum pat_err {
	PAT_OK = 0,
	PAT_ERR_NOMEM,		/* allocation failed */
	PAT_ERR_IO,		/* a file could not be read */
	PAT_ERR_CONFIG,		/* bad configuration (message in errbuf) */
	PAT_ERR_RANDOM,		/* getrandom(2) failed */
	PAT_ERR_FORMAT,		/* input is not of the expected shape */
	PAT_ERR_CHECKSUM,	/* token checksum does not match */
	PAT_ERR_MISMATCH,	/* secret does not match its hash */
	PAT_ERR_HASH,		/* Argon2 itself failed */
	PAT_ERR_JWT,		/* JWT rejected (reason given separately) */
	PAT_ERR_DB,		/* database unavailable or failed */
	PAT_ERR_NOTFOUND,	/* no such row */
	PAT_ERR_EXISTS,		/* unique key already taken */
	PAT_ERR_ALREADY,	/* state change already done (e.g. revoked) */
	PAT_ERR_LIMIT,		/* per-publisher token cap reached */
	PAT_ERR_INVALID,	/* a value fails validation */
	PAT_ERR_TOOBIG,		/* input over its size limit */
	PAT_ERR_FORBIDDEN	/* not permitted (banned, not an owner) */
};

/* Returns a static, human-readable sentence for err. Never NULL. */
const char *pat_strerror(enum pat_err err);

/*
 * Fills buf with len bytes from getrandom(2), looping on EINTR and short
 * reads. Returns PAT_OK or PAT_ERR_RANDOM.
 */
enum pat_err pat_random(void *buf, size_t len) PAT_WUR;

/*
 * Formats a message into errbuf (NULL or errlen 0: nothing), never
 * overflowing it; a truncated message is still a useful message.
 */
void pat_errf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
