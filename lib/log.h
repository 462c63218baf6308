/*
 * log.h — the daemon's logging: one line per event on stderr (journald
 * picks it up), "pat-fcgi[pid]: LEVEL func: message". Arguments are
 * formatted with printf rules; every %s argument that can carry user data
 * must go through log_escape() first. No secret is ever logged.
 */
#ifndef PAT_LOG_H
#define PAT_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Sets the program name shown in each line and the minimum level. */
void log_init(const char *progname, enum log_level min);

void log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(...)	log_msg(LOG_LVL_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __func__, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __func__, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __func__, __VA_ARGS__)

/*
 * Copies at most len bytes of src into dst (size dstsz, always
 * NUL-terminated), escaping control characters, backslash, double quote and
 * non-ASCII bytes as \xHH, and truncating with "..." if it does not fit.
 * Copying also stops at a NUL byte of src; src NULL is written as "(null)".
 * An escape sequence is never cut in half. dstsz 0 writes nothing.
 * Returns dst.
 */
char *log_escape(char *dst, size_t dstsz, const char *src, size_t len);

#endif
