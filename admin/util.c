/*
 * util.c — what pat-admin's commands share: configuration and database on
 * demand, option parsing, the operator's name, reading a token from stdin,
 * times, JSON output and aligned tables.
 */
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "json.h"
#include "log.h"
#include "token.h"
#include "valid.h"

void
adm_free(struct adm *a)
{
	if (a == NULL)
		return;
	db_close(a->db);
	a->db = NULL;
	if (a->db_global)
		db_global_end();
	a->db_global = 0;
	cfg_free(a->cfg);
	a->cfg = NULL;
}

int
adm_config(struct adm *a)
{
	char errbuf[1024];
	const char *path;
	enum pat_err e;

	if (a->cfg != NULL)
		return ADM_OK;
	path = cfg_path(a->config_arg);
	errbuf[0] = '\0';
	e = cfg_load(path, &a->cfg, errbuf, sizeof(errbuf));
	if (e != PAT_OK) {
		a->cfg = NULL;
		if (errbuf[0] == '\0')
			warnx("%s: %s", path, pat_strerror(e));
		else if (strstr(errbuf, path) == NULL)
			warnx("%s: %s", path, errbuf);
		else
			warnx("%s", errbuf);
		return ADM_FAIL;
	}
	return ADM_OK;
}

int
adm_db(struct adm *a)
{
	enum pat_err e;

	if (a->db != NULL)
		return ADM_OK;
	if (adm_config(a) != ADM_OK)
		return ADM_FAIL;
	if (!a->db_global) {
		if ((e = db_global_init()) != PAT_OK)
			return adm_fail("database library", e);
		a->db_global = 1;
	}
	if ((e = db_open(a->cfg, &a->db)) != PAT_OK) {
		a->db = NULL;
		warnx("cannot connect to the database %s as %s (see %s)",
		    a->cfg->db_name ? a->cfg->db_name : "?",
		    a->cfg->db_user ? a->cfg->db_user : "?", a->cfg->path);
		return ADM_FAIL;
	}
	return ADM_OK;
}

/* Keeps printable ASCII only, so the name is safe in the database. */
static int
adm_login_ok(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return i <= ADM_LOGIN_MAX;
}

const char *
adm_login(struct adm *a)
{
	char buf[256];
	struct passwd *pw;

	if (a->login[0] != '\0')
		return a->login;
	if (getlogin_r(buf, sizeof(buf)) == 0 && adm_login_ok(buf)) {
		memcpy(a->login, buf, strlen(buf) + 1);	/* <= ADM_LOGIN_MAX */
		return a->login;
	}
	errno = 0;
	pw = getpwuid(geteuid());
	if (pw != NULL && adm_login_ok(pw->pw_name)) {
		memcpy(a->login, pw->pw_name, strlen(pw->pw_name) + 1);
		return a->login;
	}
	(void)snprintf(a->login, sizeof(a->login), "uid:%u",
	    (unsigned)geteuid());
	return a->login;
}

const char *
adm_actor(struct adm *a)
{
	int n;

	if (a->actor[0] == '\0') {
		n = snprintf(a->actor, sizeof(a->actor), "%s%s",
		    ADM_ACTOR_PREFIX, adm_login(a));
		if (n < 0 || (size_t)n >= sizeof(a->actor))	/* cannot be */
			a->actor[0] = '\0';
	}
	return a->actor;
}

void
adm_getopt_reset(void)
{
	optind = 0;	/* glibc: full re-initialisation */
	opterr = 0;
}

/* Prints an option as typed, cut at '=' so that a value never shows. */
static void
adm_badopt(const char *topic, const char *what, const char *arg, int opt)
{
	char esc[ADM_ESC_MAX];
	size_t n;

	if (arg != NULL && arg[0] == '-' && arg[1] == '-') {
		n = strcspn(arg, "=");
		warnx("%s: %s %s", topic, what,
		    log_escape(esc, sizeof(esc), arg, n));
	} else if (opt > 0 && opt < 0x80)
		warnx("%s: %s -%c", topic, what, opt);
	else
		warnx("%s: %s", topic, what);
}

int
adm_getopt(struct adm *a, const char *topic, int argc, char **argv,
    const char *shortopts, const struct option *longopts)
{
	char opts[64];
	int ch;

	/* ':' first (after a '+'): a missing argument is reported as ':' */
	if (shortopts[0] == '+') {
		if (snprintf(opts, sizeof(opts), "+:%s", shortopts + 1) >=
		    (int)sizeof(opts))
			return '?';
	} else if (snprintf(opts, sizeof(opts), ":%s", shortopts) >=
	    (int)sizeof(opts))
		return '?';
	for (;;) {
		opterr = 0;
		ch = getopt_long(argc, argv, opts, longopts, NULL);
		switch (ch) {
		case ADM_OPT_CONFIG:
			a->config_arg = optarg;
			continue;
		case ADM_OPT_HELP:
			adm_help(topic);
			return 'h';
		case ':':
			adm_badopt(topic, "option needs an argument:",
			    argv[optind - 1], optopt);
			return '?';
		case '?':
			adm_badopt(topic, "unknown option",
			    optind > 0 && optind <= argc ? argv[optind - 1] :
			    NULL, optopt);
			return '?';
		default:
			return ch;
		}
	}
}

int
adm_usage(const char *topic)
{
	const char *s = adm_synopsis(topic);
	const char *nl;
	int first = 1;

	while (*s != '\0') {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		fprintf(stderr, "%s %s %.*s\n", first ? "usage:" : "      ",
		    ADM_PROGNAME, (int)(nl - s), s);
		first = 0;
		s = *nl ? nl + 1 : nl;
	}
	fprintf(stderr, "Run '%s %s%s--help' for details.\n", ADM_PROGNAME,
	    topic, *topic ? " " : "");
	return ADM_USAGE;
}

char *
adm_esc(char *buf, size_t bufsz, const char *s)
{
	return log_escape(buf, bufsz, s, s ? strlen(s) : 0);
}

int
adm_fail(const char *what, enum pat_err e)
{
	if (e == PAT_ERR_DB)
		warnx("%s: database error (see the message above)", what);
	else
		warnx("%s: %s", what, pat_strerror(e));
	return ADM_FAIL;
}

static int
adm_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

int
adm_read_token(char *buf, size_t cap, size_t *len, int *toolong)
{
	struct termios old, quiet;
	int tty, echo_off = 0, rc = ADM_FAIL;
	size_t n = 0, start;
	ssize_t r;
	char extra;

	*len = 0;
	*toolong = 0;
	if (cap < 2)
		return ADM_FAIL;
	tty = isatty(STDIN_FILENO);
	if (tty) {
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			quiet.c_lflag |= ECHONL;
			if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
				echo_off = 1;
		}
		fprintf(stderr, "Token%s: ", echo_off ? " (input hidden)" : "");
		fflush(stderr);
	}
	while (n < cap - 1) {
		r = read(STDIN_FILENO, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		n += (size_t)r;
		if (tty && memchr(buf, '\n', n) != NULL)
			break;
	}
	if (n == cap - 1 && !(tty && memchr(buf, '\n', n) != NULL)) {
		do
			r = read(STDIN_FILENO, &extra, 1);
		while (r < 0 && errno == EINTR);
		if (r > 0) {
			explicit_bzero(&extra, sizeof(extra));
			*toolong = 1;
			goto out;
		}
	}
	if (tty) {
		char *nl = memchr(buf, '\n', n);

		if (nl != NULL) {
			explicit_bzero(nl, n - (size_t)(nl - buf));
			n = (size_t)(nl - buf);
		}
	}
	while (n > 0 && adm_isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	for (start = 0; start < n && adm_isspace((unsigned char)buf[start]);
	    start++)
		;
	if (start > 0) {
		memmove(buf, buf + start, n - start);
		explicit_bzero(buf + n - start, start);
		n -= start;
	}
	buf[n] = '\0';
	*len = n;
	rc = ADM_OK;
out:
	if (echo_off)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (rc != ADM_OK) {
		explicit_bzero(buf, cap);
		*len = 0;
	}
	return rc;
}

int
adm_confirm(const char *question)
{
	char line[64];
	size_t n = 0;
	ssize_t r;
	char c;
	int yes;

	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	for (;;) {
		r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n < sizeof(line) - 1)
			line[n++] = c;
	}
	line[n] = '\0';
	while (n > 0 && adm_isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	yes = strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
	return yes;
}

void
adm_time(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		(void)snprintf(out, 32, "-");
}

struct json_object *
adm_json_time(int64_t t)
{
	char buf[21];

	if (t == 0)
		return NULL;
	js_time_rfc3339((long long)t, buf);
	return json_object_new_string(buf);
}

int
adm_json_print(struct json_object *obj)
{
	const char *s;
	int rc = ADM_FAIL;

	if (obj == NULL) {
		warnx("out of memory");
		return ADM_FAIL;
	}
	s = json_object_to_json_string_ext(obj,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL)
		warnx("out of memory");
	else if (printf("%s\n", s) < 0)
		warn("stdout");
	else
		rc = ADM_OK;
	json_object_put(obj);
	return rc;
}

/* Length in bytes of the UTF-8 sequence starting with c (1 if invalid). */
static size_t
adm_u8len(unsigned char c)
{
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	if (c >= 0xe0)
		return c <= 0xef ? 3 : 1;
	if (c >= 0xc2)
		return 2;
	return 1;
}

char *
adm_display(char *out, size_t outsz, const char *s, size_t maxchars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, chars = 0, k, need;
	const char *rep;

	if (outsz == 0)
		return out;
	if (s == NULL)
		p = (const unsigned char *)"";
	while (*p != '\0') {
		if (maxchars > 0 && chars == maxchars) {
			if (o + sizeof("…") <= outsz) {
				memcpy(out + o, "…", sizeof("…") - 1);
				o += sizeof("…") - 1;
			}
			break;
		}
		rep = NULL;
		k = 1;
		if (*p == '\n')
			rep = "\\n";
		else if (*p == '\r')
			rep = "\\r";
		else if (*p == '\t')
			rep = "\\t";
		else if (*p < 0x20 || *p == 0x7f)
			rep = "?";
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			rep = "?";	/* C1 control */
			k = 2;
		} else if (*p >= 0x80) {
			k = adm_u8len(*p);
			for (need = 1; need < k; need++)
				if ((p[need] & 0xc0) != 0x80)
					break;
			if (need < k || k == 1) {
				rep = "?";
				k = 1;
			}
		}
		if (rep == NULL) {
			if (o + k >= outsz)
				break;
			memcpy(out + o, p, k);
			o += k;
		} else {
			if (o + strlen(rep) >= outsz)
				break;
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		}
		p += k;
		chars++;
	}
	out[o] = '\0';
	return out;
}

struct adm_table {
	size_t	  ncols;
	size_t	  nrows;
	size_t	  cap;
	char	**cells;	/* nrows * ncols */
};

struct adm_table *
adm_table_new(size_t ncols)
{
	struct adm_table *t;

	if (ncols == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->ncols = ncols;
	return t;
}

int
adm_table_add(struct adm_table *t, const char *const *cells)
{
	char **p;
	size_t i, ncap;

	if (t->nrows == t->cap) {
		ncap = t->cap ? t->cap * 2 : 16;
		if (ncap > SIZE_MAX / t->ncols / sizeof(char *) ||
		    (p = reallocarray(t->cells, ncap * t->ncols,
		    sizeof(char *))) == NULL) {
			warnx("out of memory");
			return ADM_FAIL;
		}
		t->cells = p;
		t->cap = ncap;
	}
	for (i = 0; i < t->ncols; i++) {
		p = &t->cells[t->nrows * t->ncols + i];
		if ((*p = strdup(cells[i] ? cells[i] : "")) == NULL) {
			warnx("out of memory");
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return ADM_FAIL;
		}
	}
	t->nrows++;
	return ADM_OK;
}

/* Display width: the number of UTF-8 code points (no wide characters). */
static size_t
adm_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void
adm_table_print(const struct adm_table *t, FILE *fp)
{
	size_t *w, r, c, cw;
	const char *cell;

	if (t == NULL || t->nrows == 0)
		return;
	if ((w = calloc(t->ncols, sizeof(*w))) == NULL)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			cw = adm_width(t->cells[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < t->nrows; r++) {
		size_t last = t->ncols;	/* no padding after the last cell */

		while (last > 1 && t->cells[r * t->ncols + last - 1][0] == '\0')
			last--;
		for (c = 0; c < last; c++) {
			cell = t->cells[r * t->ncols + c];
			fputs(cell, fp);
			if (c + 1 < last)
				fprintf(fp, "%*s", (int)(w[c] - adm_width(cell) +
				    2), "");
		}
		fputc('\n', fp);
	}
	free(w);
}

void
adm_table_free(struct adm_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

int
adm_write_secret(const char *s, size_t len)
{
	size_t off = 0;
	ssize_t n;

	if (fflush(stdout) != 0) {
		if (errno != EPIPE)
			warn("stdout");
		return ADM_FAIL;
	}
	while (off < len + 1) {
		if (off < len)
			n = write(STDOUT_FILENO, s + off, len - off);
		else
			n = write(STDOUT_FILENO, "\n", 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (errno != EPIPE)
				warn("stdout");
			return ADM_FAIL;
		}
		off += (size_t)n;
	}
	return ADM_OK;
}

int
adm_publisher(struct adm *a, const char *id, struct db_publisher *out)
{
	struct db_publisher p;
	char esc[ADM_ESC_MAX];
	enum pat_err e = PAT_ERR_NOTFOUND;

	if (val_publisher_id(id, strlen(id)))
		e = db_publisher_get(a->db, id, &p);
	if (e == PAT_ERR_NOTFOUND) {
		warnx("no such publisher: %s", adm_esc(esc, sizeof(esc), id));
		return ADM_FAIL;
	}
	if (e != PAT_OK)
		return adm_fail("publisher", e);
	if (out != NULL)
		*out = p;
	return ADM_OK;
}

int
adm_is_token(const char *s)
{
	return strncmp(s, TOK_PREFIX, TOK_PREFIX_LEN) == 0;
}
