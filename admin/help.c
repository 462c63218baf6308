/*
 * help.c — pat-admin's help pages, shaped like man pages (NAME, SYNOPSIS,
 * DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLE), one per command.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

struct adm_page {
	const char	*topic;		/* "" = the tool itself */
	const char	*summary;	/* the NAME line */
	const char	*synopsis;	/* lines, without "pat-admin " */
	const char	*body;
};

#define EXIT_STATUS_STD \
"EXIT STATUS\n" \
"       0 on success, 1 on failure (including \"no such ...\"), 2 on a usage\n" \
"       error.\n\n"

static const struct adm_page pages[] = {
{ "", "the operator's tool for pat, the personal access token service",
"[--config FILE] COMMAND [ARGS...]\n"
"--help\n"
"COMMAND --help",
"DESCRIPTION\n"
"       pat-admin manages the tokens, publishers, members and users of a pat\n"
"       registry directly in its database, with the [database] account of\n"
"       the configuration. Results go to standard output (tables, or JSON\n"
"       with --json); messages go to standard error.\n"
"\n"
"       Tokens and secrets are never taken from the command line: commands\n"
"       that need a token read it from standard input.\n"
"\n"
"COMMANDS\n"
"       list       tokens, newest first\n"
"       show       one token with its audit events\n"
"       revoke     revoke tokens by id, by publisher, or by value (leaked)\n"
"       create     create a token; prints it once\n"
"       verify     check a token read from standard input\n"
"       publisher  add, list, ban, unban publishers\n"
"       member     add or remove a publisher's members\n"
"       user       ban or unban users\n"
"       jwt        mint a short-lived HS256 JWT (local use and tests)\n"
"\n"
"OPTIONS\n"
"       --config FILE\n"
"              The configuration file (also accepted after the command).\n"
"              Default: $PAT_CONFIG, else " CFG_DEFAULT_PATH ".\n"
"       --help Show this page; COMMAND --help shows the command's page.\n"
"\n"
"ENVIRONMENT\n"
"       PAT_CONFIG  the configuration file when --config is not given.\n"
"\n"
EXIT_STATUS_STD
"EXAMPLE\n"
"       pat-admin publisher add acme --name \"Acme Inc.\"\n"
"       pat-admin member add acme alice --role owner\n"
"       TOKEN=$(pat-admin create --publisher acme --name ci)\n"
"       printf '%s\\n' \"$TOKEN\" | pat-admin verify\n"
},
{ "list", "list personal access tokens",
"list [--publisher P] [--state active|revoked|all] [--json]",
"DESCRIPTION\n"
"       Lists tokens, newest first, as a table whose times are UTC. The\n"
"       token column is masked (pat_ and the first characters of the\n"
"       selector); a token's value is never shown again after creation.\n"
"\n"
"OPTIONS\n"
"       --publisher P\n"
"              Only the tokens of publisher P (which must exist).\n"
"       --state active|revoked|all\n"
"              Which tokens: not revoked (the default), revoked, or all.\n"
"       --json An array of objects with the keys id, publisherId, name,\n"
"              description, createdAt, lastUsedAt, expiresAt, revokedAt\n"
"              (RFC 3339 UTC, or null) and token (masked).\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
EXIT_STATUS_STD
"EXAMPLE\n"
"       pat-admin list --publisher acme --state all\n"
"       pat-admin list --json | jq -r '.[].id'\n"
},
{ "show", "show one token and its audit events",
"show ID [--json]",
"DESCRIPTION\n"
"       Shows every stored field of the token with id ID (but never the\n"
"       token itself, which is not stored) and its audit events (created,\n"
"       verified, revoked, ...), oldest first. Times are UTC.\n"
"\n"
"OPTIONS\n"
"       --json The list keys plus createdBy, revokedBy, revokedReason,\n"
"              state and events (objects with event, actor, detail, at).\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
"EXIT STATUS\n"
"       0 on success, 1 if there is no such token or on failure, 2 on a\n"
"       usage error.\n"
"\n"
"EXAMPLE\n"
"       pat-admin show 3b241101-e2bb-4255-8caf-4136c566a962\n"
},
{ "revoke", "revoke personal access tokens",
"revoke [--publisher P] [--reason R] ID...\n"
"revoke --publisher P --all [--yes] [--reason R]\n"
"revoke --token - [--reason R]",
"DESCRIPTION\n"
"       Revokes tokens. Revocation is a soft delete: the token keeps its\n"
"       row and audit trail, with the time, the operator (\"" ADM_ACTOR_PREFIX "\"\n"
"       and the login name) and the reason, and never verifies again. Revoking a token that is\n"
"       already revoked is not an error.\n"
"\n"
"       With IDs, revokes each token by id; with --publisher as well, only\n"
"       if it belongs to that publisher.\n"
"\n"
"       With --publisher P --all, revokes every active token of P. It asks\n"
"       for confirmation on a terminal; when standard input is not a\n"
"       terminal, --yes is required.\n"
"\n"
"       With --token -, reads a token from standard input (for instance one\n"
"       found leaked in public), checks its format and checksum, finds it by\n"
"       its selector and verifies its secret against the stored hash before\n"
"       revoking it. The token is never accepted on the command line.\n"
"\n"
"OPTIONS\n"
"       --publisher P\n"
"              Restrict to publisher P (required with --all).\n"
"       --all  Every active token of the publisher.\n"
"       --yes  Do not ask for confirmation.\n"
"       --token -\n"
"              Read the token from standard input; only \"-\" is accepted.\n"
"       --reason R\n"
"              Recorded with the revocation, at most 255 bytes. Default:\n"
"              \"" ADM_DEFAULT_REASON "\".\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
"EXIT STATUS\n"
"       0 if every token is now revoked, 1 if a token does not exist, the\n"
"       token read is invalid, or on failure, 2 on a usage error (including\n"
"       --all without --yes when standard input is not a terminal).\n"
"\n"
"EXAMPLE\n"
"       pat-admin revoke 3b241101-e2bb-4255-8caf-4136c566a962 --reason leaked\n"
"       pat-admin revoke --publisher acme --all --yes\n"
"       pat-admin revoke --token - < leaked.txt\n"
},
{ "create", "create a personal access token",
"create --publisher P --name N [--description D]",
"DESCRIPTION\n"
"       Creates a token for publisher P, which must exist and be active,\n"
"       with the same rules as the HTTP API: the name is 1 to 100\n"
"       characters without control characters, the description at most\n"
"       2000 characters, and the publisher may hold at most\n"
"       max_tokens_per_publisher active tokens. Only the Argon2id hash of\n"
"       the token's secret is stored; created_by is \"" ADM_ACTOR_PREFIX "\"\n"
"       followed by the operator's login name.\n"
"\n"
"       The token alone is printed on standard output, once; it cannot be\n"
"       shown again. Everything else goes to standard error.\n"
"\n"
"OPTIONS\n"
"       --publisher P\n"
"              The publisher's id.\n"
"       --name N\n"
"              The token's name.\n"
"       --description D\n"
"              The token's description (default empty).\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
EXIT_STATUS_STD
"EXAMPLE\n"
"       TOKEN=$(pat-admin create --publisher acme --name \"CI deploy\")\n"
},
{ "verify", "check a personal access token",
"verify",
"DESCRIPTION\n"
"       Reads one token from standard input (surrounding white space is\n"
"       ignored; on a terminal the input is hidden) and checks it: format\n"
"       and checksum first, without the database, then its selector, its\n"
"       secret against the stored hash, revocation and expiry. A valid\n"
"       token's id, publisher and name are printed and a \"verified\" audit\n"
"       event is recorded; otherwise the reason is printed on standard\n"
"       error: bad format, bad checksum, unknown token, secret does not\n"
"       match, revoked, expired.\n"
"\n"
"OPTIONS\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
"EXIT STATUS\n"
"       0 if the token is valid, 1 if it is not or on failure, 2 on a usage\n"
"       error.\n"
"\n"
"EXAMPLE\n"
"       printf '%s\\n' \"$TOKEN\" | pat-admin verify\n"
},
{ "publisher", "manage publishers",
"publisher add ID [--name NAME]\n"
"publisher list [--json]\n"
"publisher ban ID\n"
"publisher unban ID",
"DESCRIPTION\n"
"       add    Adds publisher ID (^[a-z][a-z0-9-]*$, at most 64 bytes),\n"
"              active, named NAME (default: ID).\n"
"       list   Lists publishers by id; --json gives objects with id, name,\n"
"              status and createdAt.\n"
"       ban    Bans a publisher: its owners can no longer create, list or\n"
"              revoke tokens through the API. Its tokens are not revoked;\n"
"              use revoke --publisher ID --all for that.\n"
"       unban  Makes a banned publisher active again.\n"
"\n"
"OPTIONS\n"
"       --name NAME\n"
"              The display name, 1 to 100 characters.\n"
"       --json JSON output (list).\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
EXIT_STATUS_STD
"EXAMPLE\n"
"       pat-admin publisher add acme --name \"Acme Inc.\"\n"
},
{ "member", "manage the members of a publisher",
"member add PUBLISHER USER [--role owner|member]\n"
"member remove PUBLISHER USER",
"DESCRIPTION\n"
"       add    Makes USER (the JWT sub: 1 to 255 printable ASCII bytes) a\n"
"              member of PUBLISHER with the given role (default member),\n"
"              creating the user if new; changes the role of an existing\n"
"              member. Only owners may manage tokens through the API.\n"
"       remove Removes USER from PUBLISHER.\n"
"\n"
"OPTIONS\n"
"       --role owner|member\n"
"              The role (add).\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
EXIT_STATUS_STD
"EXAMPLE\n"
"       pat-admin member add acme alice --role owner\n"
},
{ "user", "ban or unban users",
"user ban USER\n"
"user unban USER",
"DESCRIPTION\n"
"       ban    Bans USER: the API refuses all of their requests. Their\n"
"              tokens are not revoked.\n"
"       unban  Makes USER active again.\n"
"\n"
"OPTIONS\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
EXIT_STATUS_STD
"EXAMPLE\n"
"       pat-admin user ban mallory\n"
},
{ "jwt", "mint a short-lived HS256 JWT",
"jwt --sub USER [--ttl SECONDS]",
"DESCRIPTION\n"
"       Prints a JWT for subject USER signed with the configured\n"
"       [auth] hs256_secret_file and carrying the configured issuer and\n"
"       audience, for local use and tests. The secret never leaves the\n"
"       configuration's secret file.\n"
"\n"
"OPTIONS\n"
"       --sub USER\n"
"              The subject (user id).\n"
"       --ttl SECONDS\n"
"              Lifetime, 1 to 86400 (default 600).\n"
"       --config FILE\n"
"              The configuration file (default: $PAT_CONFIG, else\n"
"              " CFG_DEFAULT_PATH ").\n"
"       --help Show this page.\n"
"\n"
"EXIT STATUS\n"
"       0 on success, 1 on failure (including no HS256 secret configured),\n"
"       2 on a usage error.\n"
"\n"
"EXAMPLE\n"
"       curl -H \"Authorization: Bearer $(pat-admin jwt --sub alice)\" ...\n"
},
};

static const struct adm_page *
adm_page(const char *topic)
{
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(pages[i].topic, topic) == 0)
			return &pages[i];
	return &pages[0];
}

const char *
adm_synopsis(const char *topic)
{
	return adm_page(topic)->synopsis;
}

void
adm_help(const char *topic)
{
	const struct adm_page *p = adm_page(topic);
	const char *s = p->synopsis, *nl;

	printf("NAME\n       %s%s%s - %s\n\nSYNOPSIS\n", ADM_PROGNAME,
	    *p->topic ? " " : "", p->topic, p->summary);
	while (*s != '\0') {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		printf("       %s %s%.*s\n", ADM_PROGNAME,
		    *p->topic ? "[--config FILE] " : "", (int)(nl - s), s);
		s = *nl ? nl + 1 : nl;
	}
	printf("\n%s", p->body);
}
