/*
 * test_log.c — log_escape() and the lines log_msg() writes to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "log.h"
#include "support.h"

/* log_escape of a NUL-terminated string into a buffer of dstsz bytes. */
static const char *
esc(char *dst, size_t dstsz, const char *src)
{
	return log_escape(dst, dstsz, src, strlen(src));
}

Test(log_escape, plain_text_unchanged)
{
	char	buf[64];

	cr_assert_str_eq(esc(buf, sizeof(buf), "publisher-1 ok/~"),
	    "publisher-1 ok/~");
	cr_assert_str_eq(esc(buf, sizeof(buf), ""), "");
}

Test(log_escape, control_characters)
{
	char	buf[64];

	cr_assert_str_eq(esc(buf, sizeof(buf), "a\nb"), "a\\x0ab");
	cr_assert_str_eq(esc(buf, sizeof(buf), "\r\t\x1b[1m"),
	    "\\x0d\\x09\\x1b[1m");
	cr_assert_str_eq(esc(buf, sizeof(buf), "del\x7f"), "del\\x7f");
	/* Space and tilde are the printable edges and stay as they are. */
	cr_assert_str_eq(esc(buf, sizeof(buf), " ~"), " ~");
}

Test(log_escape, quote_and_backslash)
{
	char	buf[64];

	cr_assert_str_eq(esc(buf, sizeof(buf), "say \"hi\""),
	    "say \\x22hi\\x22");
	cr_assert_str_eq(esc(buf, sizeof(buf), "C:\\x"), "C:\\x5cx");
	/* An attacker's literal "\x0a" cannot pass for an escaped newline. */
	cr_assert_str_eq(esc(buf, sizeof(buf), "\\x0a"), "\\x5cx0a");
}

Test(log_escape, high_bytes)
{
	char	buf[64];

	cr_assert_str_eq(esc(buf, sizeof(buf), "caf\xc3\xa9"),
	    "caf\\xc3\\xa9");
	cr_assert_str_eq(esc(buf, sizeof(buf), "\xff\x80"), "\\xff\\x80");
}

Test(log_escape, len_bounds_the_source)
{
	char	buf[64];

	/* Only len bytes are read: src need not be NUL-terminated. */
	cr_assert_str_eq(log_escape(buf, sizeof(buf), "abcdef", 3), "abc");
	cr_assert_str_eq(log_escape(buf, sizeof(buf), "abcdef", 0), "");
	/* A NUL before len ends the copy. */
	cr_assert_str_eq(log_escape(buf, sizeof(buf), "ab\0cd", 5), "ab");
	cr_assert_str_eq(log_escape(buf, sizeof(buf), NULL, 5), "(null)");
}

Test(log_escape, exact_fit_is_not_truncated)
{
	char	buf[6];

	cr_assert_str_eq(esc(buf, sizeof(buf), "abcde"), "abcde");
	cr_assert_str_eq(esc(buf, 6, "a\n"), "a\\x0a");
}

Test(log_escape, one_too_many_is_truncated)
{
	char	buf[6];

	cr_assert_str_eq(esc(buf, sizeof(buf), "abcdef"), "ab...");
	cr_assert_str_eq(esc(buf, 6, "a\n!"), "a...");
}

Test(log_escape, escape_sequence_never_split)
{
	char	buf[16];
	size_t	sz;

	/* Every size from 1 to 16: no partial "\x", always NUL-terminated. */
	for (sz = 1; sz <= sizeof(buf); sz++) {
		memset(buf, 'Z', sizeof(buf));
		esc(buf, sz, "\n\n\n\n\n");
		cr_assert(strlen(buf) < sz, "size %zu: %s", sz, buf);
		cr_assert_null(strchr(buf, 'Z'));
		if (sz > 4 + 3)
			cr_assert(strncmp(buf, "\\x0a", 4) == 0, "%s", buf);
		else
			cr_assert(strchr(buf, '\\') == NULL, "size %zu: %s",
			    sz, buf);
	}
	cr_assert_str_eq(esc(buf, 12, "\n\n\n\n\n"), "\\x0a\\x0a...");
}

Test(log_escape, tiny_buffers)
{
	char	buf[4];

	memset(buf, 'Z', sizeof(buf));
	cr_assert_eq(log_escape(buf, 0, "abc", 3), buf);
	cr_assert_eq(buf[0], 'Z', "dstsz 0 must not write");
	cr_assert_null(log_escape(NULL, 0, "abc", 3));

	cr_assert_str_eq(esc(buf, 1, "abc"), "");
	cr_assert_str_eq(esc(buf, 1, ""), "");
	cr_assert_str_eq(esc(buf, 2, "abc"), ".");
	cr_assert_str_eq(esc(buf, 2, "a"), "a");
	cr_assert_str_eq(esc(buf, 3, "abc"), "..");
	cr_assert_str_eq(esc(buf, 3, "ab"), "ab");
	cr_assert_str_eq(esc(buf, 4, "abcd"), "...");
	cr_assert_str_eq(esc(buf, 4, "abc"), "abc");
}

/*
 * Runs fn with stderr going into a pipe and returns what was written
 * (malloc'd, NUL-terminated).
 */
static char *
capture_stderr(void (*fn)(void))
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 65536;
	ssize_t	 n;
	int	 p[2], saved;

	cr_assert_eq(pipe(p), 0);
	cr_assert_neq(saved = dup(STDERR_FILENO), -1);
	fflush(stderr);
	cr_assert_neq(dup2(p[1], STDERR_FILENO), -1);
	close(p[1]);
	fn();
	fflush(stderr);
	cr_assert_neq(dup2(saved, STDERR_FILENO), -1);
	close(saved);
	cr_assert_not_null(buf = malloc(cap));
	while (len < cap - 1 &&
	    (n = read(p[0], buf + len, cap - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		cr_assert_gt(n, 0);
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(p[0]);
	return buf;
}

static void
emit_escaped(void)
{
	const char	*user = "evil\n\"pub\"\\";
	char		 e[64];

	log_init("pat-test", LOG_LVL_INFO);
	log_warn("publisher %s rejected", log_escape(e, sizeof(e), user,
	    strlen(user)));
}

Test(log_msg, line_format_and_escaping)
{
	char	*out, want[256];

	out = capture_stderr(emit_escaped);
	snprintf(want, sizeof(want), "pat-test[%ld]: WARN emit_escaped: "
	    "publisher evil\\x0a\\x22pub\\x22\\x5c rejected\n", (long)getpid());
	cr_assert_str_eq(out, want);
	free(out);
}

static void
emit_raw_newline(void)
{
	log_init("pat-test", LOG_LVL_INFO);
	log_error("a careless %s", "caller\nFAKE: line\r");
}

Test(log_msg, raw_control_characters_never_split_the_line)
{
	char	*out;

	out = capture_stderr(emit_raw_newline);
	cr_assert_not_null(strstr(out, "ERROR emit_raw_newline: a careless "
	    "caller\\x0aFAKE: line\\x0d\n"), "%s", out);
	cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "%s", out);
	free(out);
}

static void
emit_levels_info(void)
{
	log_init("pat-test", LOG_LVL_INFO);
	log_error("e");
	log_warn("w");
	log_info("i");
	log_debug("d");
}

static void
emit_levels_error(void)
{
	log_init("pat-test", LOG_LVL_ERROR);
	log_error("e");
	log_warn("w");
	log_info("i");
	log_debug("d");
}

static void
emit_levels_debug(void)
{
	log_init("pat-test", LOG_LVL_DEBUG);
	log_error("e");
	log_warn("w");
	log_info("i");
	log_debug("d");
}

Test(log_msg, level_filter)
{
	char	*out;

	out = capture_stderr(emit_levels_info);
	cr_assert_not_null(strstr(out, "ERROR emit_levels_info: e\n"));
	cr_assert_not_null(strstr(out, "WARN emit_levels_info: w\n"));
	cr_assert_not_null(strstr(out, "INFO emit_levels_info: i\n"));
	cr_assert_null(strstr(out, "DEBUG"), "%s", out);
	free(out);

	out = capture_stderr(emit_levels_error);
	cr_assert_not_null(strstr(out, "ERROR emit_levels_error: e\n"));
	cr_assert_null(strstr(out, "WARN"), "%s", out);
	cr_assert_null(strstr(out, "INFO"), "%s", out);
	cr_assert_null(strstr(out, "DEBUG"), "%s", out);
	free(out);

	out = capture_stderr(emit_levels_debug);
	cr_assert_not_null(strstr(out, "DEBUG emit_levels_debug: d\n"));
	cr_assert_not_null(strstr(out, "INFO emit_levels_debug: i\n"));
	free(out);
}

static void
emit_long(void)
{
	char	*big;

	cr_assert_not_null(big = malloc(10000));
	memset(big, 'x', 9999);
	big[9999] = '\0';
	log_init("pat-test", LOG_LVL_INFO);
	log_info("%s", big);
	free(big);
}

Test(log_msg, long_message_is_one_truncated_line)
{
	char	*out;
	size_t	 len;

	out = capture_stderr(emit_long);
	len = strlen(out);
	cr_assert_gt(len, 1000);
	cr_assert_lt(len, 4096);
	cr_assert_str_eq(out + len - 5, "x...\n");
	cr_assert_eq(strchr(out, '\n'), out + len - 1);
	free(out);
}
