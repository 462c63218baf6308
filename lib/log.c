/*
 * log.c — one line per event on stderr: "prog[pid]: LEVEL func: message".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	2048

static char		log_prog[64] = "pat";
static enum log_level	log_min = LOG_LVL_INFO;

static const char *
log_level_name(enum log_level lvl)
{
	switch (lvl) {
	case LOG_LVL_ERROR:	return "ERROR";
	case LOG_LVL_WARN:	return "WARN";
	case LOG_LVL_INFO:	return "INFO";
	case LOG_LVL_DEBUG:	return "DEBUG";
	}
	return "?";
}

void
log_init(const char *progname, enum log_level min)
{
	if (progname != NULL && *progname != '\0')
		log_escape(log_prog, sizeof(log_prog), progname,
		    strlen(progname));
	log_min = min;
}

/*
 * Replaces every control character of msg (in place, bounded by size) by
 * "\xHH", so that a message can never span two lines whatever a careless
 * caller passed unescaped. Other bytes are left alone: escaped text from
 * log_escape() contains no control characters and stays as it is.
 */
static void
log_defang(char *msg, size_t size)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 tmp[LOG_LINE_MAX];
	size_t			 i, o;
	unsigned char		 c;

	if (size > sizeof(tmp))
		size = sizeof(tmp);
	for (i = 0; msg[i] != '\0'; i++) {
		c = (unsigned char)msg[i];
		if (c < 0x20 || c == 0x7f)
			break;
	}
	if (msg[i] == '\0')
		return;
	o = 0;
	for (i = 0; msg[i] != '\0'; i++) {
		c = (unsigned char)msg[i];
		if (c < 0x20 || c == 0x7f) {
			if (o + 4 >= size)
				break;
			tmp[o++] = '\\';
			tmp[o++] = 'x';
			tmp[o++] = hex[c >> 4];
			tmp[o++] = hex[c & 0xf];
		} else {
			if (o + 1 >= size)
				break;
			tmp[o++] = (char)c;
		}
	}
	tmp[o] = '\0';
	memcpy(msg, tmp, o + 1);
}

void
log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
{
	char	 msg[LOG_LINE_MAX];
	va_list	 ap;
	int	 n;

	if (lvl > log_min)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unformattable message)");
	else if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	log_defang(msg, sizeof(msg));
	fprintf(stderr, "%s[%ld]: %s %s: %s\n", log_prog, (long)getpid(),
	    log_level_name(lvl), func != NULL ? func : "?", msg);
}

char *
log_escape(char *dst, size_t dstsz, const char *src, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o, need, room;
	unsigned char		 c;
	int			 plain;

	if (dst == NULL || dstsz == 0)
		return dst;
	if (src == NULL) {
		src = "(null)";
		len = strlen(src);
	}
	len = strnlen(src, len);

	/* Does the whole escaped string fit? */
	need = 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)src[i];
		plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
		need += plain ? 1 : 4;
	}
	room = dstsz - 1;
	if (need > room)
		room = room >= 3 ? room - 3 : 0;

	o = 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)src[i];
		plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
		if (o + (plain ? 1 : 4) > room)
			break;
		if (plain)
			dst[o++] = (char)c;
		else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	if (i < len) {
		/* Truncated: as much of "..." as the buffer holds. */
		for (need = 0; need < 3 && o < dstsz - 1; need++)
			dst[o++] = '.';
	}
	dst[o] = '\0';
	return dst;
}
