#include <sys/random.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "pat.h"

const char *
pat_strerror(enum pat_err err)
{
	switch (err) {
	case PAT_OK:		return "success";
	case PAT_ERR_NOMEM:	return "out of memory";
	case PAT_ERR_IO:	return "file could not be read";
	case PAT_ERR_CONFIG:	return "configuration error";
	case PAT_ERR_RANDOM:	return "random number generator failed";
	case PAT_ERR_FORMAT:	return "malformed input";
	case PAT_ERR_CHECKSUM:	return "checksum mismatch";
	case PAT_ERR_MISMATCH:	return "secret does not match";
	case PAT_ERR_HASH:	return "password hashing failed";
	case PAT_ERR_JWT:	return "invalid JWT";
	case PAT_ERR_DB:	return "database error";
	case PAT_ERR_NOTFOUND:	return "not found";
	case PAT_ERR_EXISTS:	return "already exists";
	case PAT_ERR_ALREADY:	return "already done";
	case PAT_ERR_LIMIT:	return "limit reached";
	case PAT_ERR_INVALID:	return "invalid value";
	case PAT_ERR_TOOBIG:	return "input too large";
	case PAT_ERR_FORBIDDEN:	return "not permitted";
	}
	return "unknown error";
}

enum pat_err
pat_random(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return PAT_ERR_RANDOM;
		}
		if (n == 0)
			return PAT_ERR_RANDOM;
		p += n;
		len -= (size_t)n;
	}
	return PAT_OK;
}

void
pat_errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}
