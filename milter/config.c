/*
 * config - the validated, immutable configuration snapshot
 *
 * Exports: config_load, config_free, config_var, config_var_known,
 * config_default_file. Loading keeps every parsed file open until the
 * snapshot is complete, so that each error can name its file and line.
 */
#include "config.h"
#include "confutil.h"
#include "hash.h"
#include "template.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/milter-explain"
#endif

#define INCLUDE_MAX 64

/* built-in template variables; the session or the MTA fills them */
static const char *const builtin_vars[] = {
	"client_address", "client_name", "client_port", "helo_name", "command",
	"queue_id", "server_name", "localtime", "code", "enhanced_code",
	"help_url", NULL};

static const char *const top_keys[] = {
	"knowledge_base", "languages", "language_rules", "milter_socket",
	"socketmap_socket", "user", "pid_file", "helpdesk", "help_url",
	"help_compare", "variables", "line_width", "max_lines", "utf8", "on_error", "socketmap",
	"footer", "rules", "guidance", "include", NULL};
static const char *const rule_keys[] = {
	"name", "enabled", "code", "enhanced", "pattern", "commands", "reply",
	"text", "mode", "lines", "append", NULL};
static const char *const sockmap_keys[] = {"max_clients", "idle_timeout", NULL};
static const char *const langrule_keys[] = {"client", "recipient", "languages",
					    NULL};

/* config_default_file - $(sysconfdir)/milter-explain.conf */
const char *config_default_file(void)
{
	return SYSCONFDIR "/milter-explain.conf";
}

/* loader state: the files, in layer order, and the snapshot being built */
struct loader {
	config_t files[INCLUDE_MAX];
	char *names[INCLUDE_MAX];
	size_t nfiles;
	struct config *cfg;
	const char *file; /* of the setting being read */
	char *err;
	size_t errlen;
	int order;
	const config_setting_t *compare; /* help_compare of the last layer */
};

/* fail - "file:line: message" */
static int fail(struct loader *ld, const config_setting_t *s, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));
static int fail(struct loader *ld, const config_setting_t *s, const char *fmt,
		...)
{
	va_list ap;
	const char *file = s && config_setting_source_file(s)
				   ? config_setting_source_file(s) : ld->file;
	int n = snprintf(ld->err, ld->errlen, "%s:%d: ", file,
			 s ? config_setting_source_line(s) : 0);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ld->errlen)
		vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* check_members - every member of group g has a name in names */
static int check_members(struct loader *ld, const config_setting_t *g,
			 const char *const *names, const char *what)
{
	config_setting_t *m = confutil_unknown_member(g, names);
	const char *name = m ? config_setting_name(m) : NULL;

	if (m == NULL)
		return 0;
	return fail(ld, m, "unknown setting '%s'%s%s", name ? name : "?",
		    what ? " in " : "", what ? what : "");
}

/* resolve - a path relative to the directory of the file naming it */
static char *resolve(const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	struct buf b;

	if (path[0] == '/' || slash == NULL)
		return xstrdup(path);
	buf_init(&b);
	buf_addn(&b, file, (size_t)(slash - file) + 1);
	buf_adds(&b, path);
	return b.s; /* the caller frees it */
}

/* get_string - string setting: 0 absent, 1 found (*out replaced), -1 bad */
static int get_string(struct loader *ld, const config_setting_t *g,
		      const char *name, char **out, int path)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *v;

	if (s == NULL)
		return 0;
	if ((v = config_setting_get_string(s)) == NULL)
		return fail(ld, s, "'%s' must be a string", name);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return fail(ld, s, "'%s' has a control character", name);
	free(*out);
	*out = path && *v ? resolve(config_setting_source_file(s)
					    ? config_setting_source_file(s)
					    : ld->file, v)
		       : xstrdup(v);
	return 1;
}

/* get_int - integer setting within [lo, hi] */
static int get_int(struct loader *ld, const config_setting_t *g,
		   const char *name, int lo, int hi, int *out)
{
	config_setting_t *s = config_setting_get_member(g, name);
	int v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return fail(ld, s, "'%s' must be a whole number", name);
	v = config_setting_get_int(s);
	if (v < lo || v > hi)
		return fail(ld, s, "'%s' must be between %d and %d", name, lo, hi);
	*out = v;
	return 1;
}

/* get_strings - array or list of strings, or a single string */
static int get_strings(struct loader *ld, const config_setting_t *s,
		       const char *name, struct strlist *out)
{
	strlist_release(out);
	if (config_setting_get_string(s)) {
		strlist_add(out, config_setting_get_string(s));
		return 1;
	}
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail(ld, s, "'%s' must be a string or a list of strings", name);
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_get_string(e) == NULL)
			return fail(ld, e, "'%s' must hold strings only", name);
		strlist_add(out, config_setting_get_string(e));
	}
	return 1;
}

/* lang_ok - "en", "fr", "pt-BR" */
static int lang_ok(const char *s)
{
	size_t i = 0;

	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (s[i] == '-')
		for (i++; isalnum((unsigned char)s[i]); i++)
			;
	return s[i] == '\0';
}

/* check_line - one configured template line */
static int check_line(struct loader *ld, const config_setting_t *s,
		      const char *v)
{
	char why[160];

	if (strlen(v) > CONFIG_LINE_MAX)
		return fail(ld, s, "line longer than %d bytes: it cannot fit in an "
			    "SMTP reply line", CONFIG_LINE_MAX);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return fail(ld, s, "control character in a line");
	if (template_check(v, config_var_known, ld->cfg, why, sizeof(why)) < 0)
		return fail(ld, s, "%s", why);
	return 0;
}

/*
 * get_lang_lines - "lines = [..]" for every language, or
 * "lines = { en = [..]; fr = [..]; }" per language
 */
static int get_lang_lines(struct loader *ld, const config_setting_t *s,
			  const char *name, struct lang_lines **out, size_t *nout)
{
	int groups = config_setting_is_group(s);
	int n = groups ? config_setting_length(s) : 1;

	for (int i = 0; i < n; i++) {
		const config_setting_t *l = groups ? config_setting_get_elem(s, (unsigned)i) : s;
		const char *lang = groups ? config_setting_name(l) : NULL;
		struct lang_lines *ll;

		if (lang && !lang_ok(lang))
			return fail(ld, l, "'%s': \"%s\" is not a language code", name,
				    lang);
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		ll = &(*out)[(*nout)++];
		ll->lang = xstrdup(lang);
		strlist_init(&ll->lines);
		if (get_strings(ld, l, name, &ll->lines) < 0)
			return -1;
		if (ll->lines.n > REPLY_LINES_MAX - 1)
			return fail(ld, l, "'%s' has more lines than an SMTP reply "
				    "can hold", name);
		for (size_t k = 0; k < ll->lines.n; k++) {
			const config_setting_t *e = config_setting_get_elem(l, (unsigned)k);

			if (check_line(ld, e ? e : l, ll->lines.v[k]) < 0)
				return -1;
		}
	}
	return 1;
}

/* lang_lines_free - an array of lang_lines */
static void lang_lines_free(struct lang_lines *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].lang);
		strlist_release(&v[i].lines);
	}
	free(v);
}

/* rule_free - one rule */
static void rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->file);
	free(r->pattern);
	if (r->has_re)
		regfree(&r->re);
	strlist_release(&r->commands);
	free(r->text);
	lang_lines_free(r->lines, r->nlines);
	lang_lines_free(r->append, r->nappend);
	free(r);
}

/* parse_code_setting - 550, "550" or "5XX" */
static int parse_code_setting(struct loader *ld, const config_setting_t *s,
			      struct rule *r)
{
	const char *v = config_setting_get_string(s);
	char tmp[16];

	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		snprintf(tmp, sizeof(tmp), "%d", config_setting_get_int(s));
		v = tmp;
	}
	if (v == NULL)
		return fail(ld, s, "'code' must be a reply code such as 550 or \"5XX\"");
	if (strlen(v) == 3 && (v[0] == '4' || v[0] == '5') &&
	    (strcmp(v + 1, "XX") == 0 || strcmp(v + 1, "xx") == 0)) {
		r->code_class = v[0] - '0';
		return 0;
	}
	if (smtpcode_parse_basic(v, strlen(v), &r->code) < 0)
		return fail(ld, s, "impossible reply code %s: a code is 2xx to 5xx "
			    "with a second digit of 0 to 5", v);
	if (r->code < 400)
		return fail(ld, s, "reply code %s is not a rejection: guidance goes "
			    "on 4xx and 5xx replies only", v);
	return 0;
}

/* rule_class - the reply class a rule is bound to, or 0 */
static int rule_class(const struct rule *r)
{
	if (r->has_reply)
		return r->reply.code / 100;
	if (r->code)
		return r->code / 100;
	return r->code_class;
}

/* parse_rule - one member of a rules list */
static int parse_rule(struct loader *ld, const config_setting_t *g,
		      struct rule **out)
{
	struct rule *r = xcalloc(1, sizeof(*r));
	config_setting_t *s;
	char *mode = NULL;
	int rc = -1, enabled = 1;

	strlist_init(&r->commands);
	r->file = xstrdup(config_setting_source_file(g) ? config_setting_source_file(g) : ld->file);
	r->line = config_setting_source_line(g);
	r->order = ld->order++;
	if (!config_setting_is_group(g)) {
		fail(ld, g, "a rule must be a { group }");
		goto out;
	}
	if (check_members(ld, g, rule_keys, "a rule") < 0)
		goto out;
	if (get_string(ld, g, "name", &r->name, 0) <= 0 || r->name[0] == '\0') {
		fail(ld, g, "every rule needs a 'name' (later files override rules "
		     "by name)");
		goto out;
	}
	if ((s = config_setting_get_member(g, "enabled")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
			fail(ld, s, "'enabled' must be true or false");
			goto out;
		}
		enabled = config_setting_get_bool(s);
	}
	if (!enabled) { /* it only removes an earlier rule of the same name */
		r->specificity = -1;
		rc = 0;
		goto out;
	}
	if ((s = config_setting_get_member(g, "code")) != NULL &&
	    parse_code_setting(ld, s, r) < 0)
		goto out;
	if ((s = config_setting_get_member(g, "enhanced")) != NULL) {
		const char *v = config_setting_get_string(s);

		if (v == NULL || smtpcode_parse_enhanced(v, strlen(v), &r->enh) < 0) {
			fail(ld, s, "'enhanced' must be an enhanced status code such as "
			     "\"5.1.1\" or \"X.1.1\"");
			goto out;
		}
		if (r->enh.cls == 2) {
			fail(ld, s, "enhanced code %s is not a failure", v);
			goto out;
		}
		r->has_enh = 1;
	}
	if (get_string(ld, g, "pattern", &r->pattern, 0) < 0)
		goto out;
	if (r->pattern) {
		int e = regcomp(&r->re, r->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);

		if (e != 0) {
			char why[128];

			regerror(e, &r->re, why, sizeof(why));
			fail(ld, config_setting_get_member(g, "pattern"),
			     "bad pattern: %s", why);
			goto out;
		}
		r->has_re = 1;
	}
	if ((s = config_setting_get_member(g, "commands")) != NULL) {
		if (get_strings(ld, s, "commands", &r->commands) < 0)
			goto out;
		for (size_t i = 0; i < r->commands.n; i++) {
			char *c = r->commands.v[i];

			if (c[0] == '\0' || strlen(c) > 32) {
				fail(ld, s, "a command is 1 to 32 characters");
				goto out;
			}
			for (char *p = c; *p; p++) {
				if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
				    strcmp(c, "*") != 0) {
					fail(ld, s, "command \"%s\": letters, digits, '-' "
					     "and '_' only, or \"*\"", c);
					goto out;
				}
				*p = (char)toupper((unsigned char)*p);
			}
		}
	}
	if ((s = config_setting_get_member(g, "reply")) != NULL) {
		const char *v = config_setting_get_string(s);
		size_t text;

		if (v == NULL ||
		    smtpcode_parse_reply(v, strlen(v), &r->reply, &text) < 0 ||
		    v[text] != '\0' || r->reply.cls == 0 || strlen(v) < 9) {
			fail(ld, s, "'reply' must be a code and an enhanced code, such "
			     "as \"502 5.5.1\"");
			goto out;
		}
		if (r->reply.code < 400) {
			fail(ld, s, "'reply' %d is not a rejection", r->reply.code);
			goto out;
		}
		if (r->reply.cls != r->reply.code / 100) {
			fail(ld, s, "'reply' %s: the enhanced code must have the class "
			     "of the reply code (%d.x.x)", v, r->reply.code / 100);
			goto out;
		}
		r->has_reply = 1;
	}
	if (r->commands.n && !r->has_reply) {
		fail(ld, g, "rule '%s' names commands but no 'reply' code to answer "
		     "them with", r->name);
		goto out;
	}
	if (r->has_reply && !r->commands.n) {
		fail(ld, g, "rule '%s': 'reply' is for command rules only",
		     r->name);
		goto out;
	}
	if (r->has_enh && r->enh.cls && rule_class(r) && r->enh.cls != rule_class(r)) {
		fail(ld, config_setting_get_member(g, "enhanced"),
		     "enhanced code %d.%d.%d does not fit reply class %dxx",
		     r->enh.cls, r->enh.subject, r->enh.detail, rule_class(r));
		goto out;
	}
	if (r->has_reply && (r->code || r->code_class || r->has_enh)) {
		fail(ld, g, "rule '%s': a command rule matches on 'commands' only",
		     r->name);
		goto out;
	}
	if (!r->commands.n && !r->code && !r->code_class && !r->has_enh &&
	    !r->pattern) {
		fail(ld, g, "rule '%s' matches nothing: give commands, code, "
		     "enhanced or pattern", r->name);
		goto out;
	}
	if (get_string(ld, g, "text", &r->text, 0) < 0)
		goto out;
	if (r->text && check_line(ld, config_setting_get_member(g, "text"), r->text) < 0)
		goto out;
	if (r->text && !r->has_reply) {
		fail(ld, config_setting_get_member(g, "text"),
		     "'text' is the first line of a command rule's reply");
		goto out;
	}
	if (get_string(ld, g, "mode", &mode, 0) < 0)
		goto out;
	if (mode && strcmp(mode, "replace") == 0)
		r->mode = MODE_REPLACE;
	else if (mode && strcmp(mode, "append") != 0) {
		fail(ld, config_setting_get_member(g, "mode"),
		     "'mode' is \"append\" or \"replace\"");
		goto out;
	}
	if ((s = config_setting_get_member(g, "lines")) != NULL &&
	    get_lang_lines(ld, s, "lines", &r->lines, &r->nlines) < 0)
		goto out;
	if ((s = config_setting_get_member(g, "append")) != NULL &&
	    get_lang_lines(ld, s, "append", &r->append, &r->nappend) < 0)
		goto out;
	r->specificity = (r->has_re ? 8 : 0) + (r->commands.n ? 8 : 0) +
			 (r->has_enh ? (r->enh.cls ? 4 : 3) : 0) +
			 (r->code ? 2 : r->code_class ? 1 : 0);
	rc = 0;
out:
	free(mode);
	if (rc < 0) {
		rule_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}

/* add_rule - add or replace (by name) a rule of the snapshot */
static void add_rule(struct config *cfg, struct rule *r)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		if (strcmp(cfg->rules[i]->name, r->name) == 0) {
			rule_free(cfg->rules[i]);
			cfg->rules[i] = r;
			return;
		}
	}
	cfg->rules = xrealloc(cfg->rules, (cfg->nrules + 1) * sizeof(*cfg->rules));
	cfg->rules[cfg->nrules++] = r;
}

/* bucket_add - append to the bucket of key */
static void bucket_add(struct hash *h, const char *key, struct rule *r)
{
	struct rule_bucket *b = hash_get(h, key);

	if (b == NULL) {
		b = xcalloc(1, sizeof(*b));
		hash_put(h, key, b);
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n++] = r;
}

/* rule_cmp - most specific first, then the order of definition */
static int rule_cmp(const void *a, const void *b)
{
	const struct rule *x = *(struct rule *const *)a, *y = *(struct rule *const *)b;

	if (x->specificity != y->specificity)
		return y->specificity - x->specificity;
	return x->order - y->order;
}

/* sort_bucket - hash_walk callback */
static void sort_bucket(const char *key, void *v, void *ctx)
{
	struct rule_bucket *b = v;

	(void)key;
	(void)ctx;
	qsort(b->v, b->n, sizeof(*b->v), rule_cmp);
}

/* free_bucket - hash_walk callback */
static void free_bucket(const char *key, void *v, void *ctx)
{
	struct rule_bucket *b = v;

	(void)key;
	(void)ctx;
	free(b->v);
	free(b);
}

/*
 * index_rules - the lookup structure: reply rules by "code|enhanced" with
 * "*" for what a rule leaves open ("550|5.1.1", "5XX|X.1.1", "*|*"), command
 * rules by command name; a match then reads a few small buckets whatever
 * the number of rules.
 */
static void index_rules(struct config *cfg)
{
	cfg->rule_index = hash_new();
	cfg->command_index = hash_new();
	for (size_t i = 0; i < cfg->nrules; i++) {
		struct rule *r = cfg->rules[i];
		char key[64], c[16], e[40];

		if (r->specificity < 0)
			continue;
		if (r->commands.n) {
			for (size_t k = 0; k < r->commands.n; k++)
				bucket_add(cfg->command_index, r->commands.v[k], r);
			continue;
		}
		if (r->code)
			snprintf(c, sizeof(c), "%d", r->code);
		else if (r->code_class)
			snprintf(c, sizeof(c), "%dXX", r->code_class);
		else
			strcpy(c, "*");
		if (r->has_enh)
			smtpcode_enhanced_str(&r->enh, e, sizeof(e));
		else
			strcpy(e, "*");
		snprintf(key, sizeof(key), "%s|%s", c, e);
		bucket_add(cfg->rule_index, key, r);
	}
	hash_walk(cfg->rule_index, sort_bucket, NULL);
	hash_walk(cfg->command_index, sort_bucket, NULL);
}

/* parse_net - "192.0.2.0/24", "2001:db8::/32", "192.0.2.1" or ".example.fr" */
static int parse_net(const char *s, struct net_match *m)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	int max;

	memset(m, 0, sizeof(*m));
	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, m->addr) == 1) {
		m->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, m->addr) == 1) {
		m->family = AF_INET6;
		max = 128;
	} else {
		if (slash || !*s)
			return -1;
		for (const char *p = s; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
				return -1;
		m->suffix = xstrdup(s);
		return 0;
	}
	m->prefix = max;
	if (slash) {
		char *end;
		long v = strtol(slash + 1, &end, 10);

		if (*end || end == slash + 1 || v < 0 || v > max)
			return -1;
		m->prefix = (int)v;
	}
	return 0;
}

/* parse_lang_rules - language_rules = ( { client/recipient; languages } ) */
static int parse_lang_rules(struct loader *ld, const config_setting_t *s)
{
	struct config *cfg = ld->cfg;

	if (!config_setting_is_list(s))
		return fail(ld, s, "'language_rules' must be a ( list )");
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i), *m;
		struct lang_rule *lr;
		struct strlist tmp;

		if (!config_setting_is_group(g))
			return fail(ld, g, "a language rule must be a { group }");
		if (check_members(ld, g, langrule_keys, "a language rule") < 0)
			return -1;
		cfg->lang_rules = xrealloc(cfg->lang_rules,
					   (cfg->nlang_rules + 1) * sizeof(*cfg->lang_rules));
		lr = &cfg->lang_rules[cfg->nlang_rules++];
		memset(lr, 0, sizeof(*lr));
		strlist_init(&lr->recipients);
		strlist_init(&lr->languages);
		lr->line = config_setting_source_line(g);
		if ((m = config_setting_get_member(g, "languages")) == NULL)
			return fail(ld, g, "a language rule needs 'languages'");
		if (get_strings(ld, m, "languages", &lr->languages) < 0)
			return -1;
		strlist_init(&tmp);
		if ((m = config_setting_get_member(g, "client")) != NULL) {
			if (get_strings(ld, m, "client", &tmp) < 0) {
				strlist_release(&tmp);
				return -1;
			}
			lr->clients = xcalloc(tmp.n, sizeof(*lr->clients));
			for (size_t k = 0; k < tmp.n; k++, lr->nclients++) {
				if (parse_net(tmp.v[k], &lr->clients[k]) < 0) {
					fail(ld, m, "'client' \"%s\" is not an address, a "
					     "network or a host name suffix", tmp.v[k]);
					strlist_release(&tmp);
					return -1;
				}
			}
			strlist_release(&tmp);
		}
		if ((m = config_setting_get_member(g, "recipient")) != NULL &&
		    get_strings(ld, m, "recipient", &lr->recipients) < 0)
			return -1;
		if (!lr->nclients && !lr->recipients.n)
			return fail(ld, g, "a language rule needs 'client' or "
				    "'recipient'");
	}
	return 0;
}

/* config_var - a site variable (helpdesk included) */
const char *config_var(const struct config *cfg, const char *name, size_t len)
{
	for (size_t i = 0; i < cfg->nvars; i++)
		if (strlen(cfg->vars[i].name) == len &&
		    memcmp(cfg->vars[i].name, name, len) == 0)
			return cfg->vars[i].value;
	return NULL;
}

/* config_var_known - built-in or site variable */
int config_var_known(const char *name, size_t len, void *ctx)
{
	const struct config *cfg = ctx;

	for (size_t i = 0; builtin_vars[i]; i++)
		if (strlen(builtin_vars[i]) == len &&
		    memcmp(builtin_vars[i], name, len) == 0)
			return 1;
	return config_var(cfg, name, len) != NULL;
}

/* set_var - define or redefine a site variable */
static void set_var(struct config *cfg, const char *name, const char *value)
{
	for (size_t i = 0; i < cfg->nvars; i++) {
		if (strcmp(cfg->vars[i].name, name) == 0) {
			free(cfg->vars[i].value);
			cfg->vars[i].value = xstrdup(value);
			return;
		}
	}
	cfg->vars = xrealloc(cfg->vars, (cfg->nvars + 1) * sizeof(*cfg->vars));
	cfg->vars[cfg->nvars].name = xstrdup(name);
	cfg->vars[cfg->nvars++].value = xstrdup(value);
}

/* read_file - parse one layer into ld->files[ld->nfiles] */
static int read_file(struct loader *ld, const char *path)
{
	config_t *cf;

	if (ld->nfiles == INCLUDE_MAX) {
		snprintf(ld->err, ld->errlen, "%s: more than %d included files", path,
			 INCLUDE_MAX);
		return -1;
	}
	cf = &ld->files[ld->nfiles];
	config_init(cf);
	ld->names[ld->nfiles++] = xstrdup(path);
	if (!config_read_file(cf, path)) {
		if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
			snprintf(ld->err, ld->errlen, "%s:0: cannot read: %s", path,
				 strerror(errno ? errno : ENOENT));
		else
			snprintf(ld->err, ld->errlen, "%s:%d: %s",
				 config_error_file(cf) ? config_error_file(cf) : path,
				 config_error_line(cf), config_error_text(cf));
		return -1;
	}
	return 0;
}

/* read_includes - the files that the main file's include patterns name */
static int read_includes(struct loader *ld)
{
	config_setting_t *s = config_lookup(&ld->files[0], "include");
	struct strlist pats;
	int rc = -1;

	if (s == NULL)
		return 0;
	strlist_init(&pats);
	ld->file = ld->names[0];
	if (get_strings(ld, s, "include", &pats) < 0)
		goto out;
	for (size_t i = 0; i < pats.n; i++) {
		char *pat = resolve(ld->names[0], pats.v[i]);
		glob_t g;
		int grc = glob(pat, 0, NULL, &g);
		int wild = strpbrk(pats.v[i], "*?[") != NULL;

		if (grc == GLOB_NOMATCH && !wild) {
			fail(ld, s, "include \"%s\": no such file", pat);
			free(pat);
			goto out;
		}
		if (grc != 0 && grc != GLOB_NOMATCH) {
			fail(ld, s, "include \"%s\": cannot read the directory", pat);
			free(pat);
			goto out;
		}
		for (size_t k = 0; grc == 0 && k < g.gl_pathc; k++) {
			if (read_file(ld, g.gl_pathv[k]) < 0) {
				globfree(&g);
				free(pat);
				goto out;
			}
			if (config_lookup(&ld->files[ld->nfiles - 1], "include")) {
				fail(ld, config_lookup(&ld->files[ld->nfiles - 1], "include"),
				     "'include' is allowed in the main file only");
				globfree(&g);
				free(pat);
				goto out;
			}
		}
		if (grc == 0)
			globfree(&g);
		free(pat);
	}
	rc = 0;
out:
	strlist_release(&pats);
	return rc;
}

/* value_ok - a site value: no control characters, no '$' */
static int value_ok(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f || *v == '$')
			return 0;
	return 1;
}

/* apply_vars - pass 1 over a layer: helpdesk and variables */
static int apply_vars(struct loader *ld, config_setting_t *root)
{
	config_setting_t *s;
	char *v = NULL;

	if (check_members(ld, root, top_keys, NULL) < 0)
		return -1;
	if (get_string(ld, root, "helpdesk", &v, 0) < 0)
		return -1;
	if (v) {
		set_var(ld->cfg, "helpdesk", v);
		free(v);
	}
	if ((s = config_setting_get_member(root, "variables")) == NULL)
		return 0;
	if (!config_setting_is_group(s))
		return fail(ld, s, "'variables' must be a { group } of strings");
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(e), *val;

		if ((val = config_setting_get_string(e)) == NULL)
			return fail(ld, e, "variable '%s' must be a string", name);
		for (const char *p = name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			      *p == '_'))
				return fail(ld, e, "variable name '%s': use a-z, 0-9 "
					    "and '_'", name);
		for (size_t k = 0; builtin_vars[k]; k++)
			if (strcmp(builtin_vars[k], name) == 0)
				return fail(ld, e, "'%s' is a built-in variable", name);
		if (strlen(val) > 200 || !value_ok(val))
			return fail(ld, e, "variable '%s': at most 200 printable "
				    "characters, no '$'", name);
		set_var(ld->cfg, name, val);
	}
	return 0;
}

/* apply_settings - pass 2 over a layer: everything but variables */
static int apply_settings(struct loader *ld, config_setting_t *root)
{
	struct config *cfg = ld->cfg;
	config_setting_t *s;
	char *v = NULL;
	int rc;

	if (get_string(ld, root, "knowledge_base", &cfg->kb_dir, 1) < 0 ||
	    get_string(ld, root, "milter_socket", &cfg->milter_socket, 0) < 0 ||
	    get_string(ld, root, "socketmap_socket", &cfg->socketmap_socket, 0) < 0 ||
	    get_string(ld, root, "user", &cfg->user, 0) < 0 ||
	    get_string(ld, root, "pid_file", &cfg->pid_file, 1) < 0 ||
	    get_string(ld, root, "help_url", &cfg->help_url, 0) < 0 ||
	    get_int(ld, root, "line_width", 40, CONFIG_LINE_MAX, &cfg->line_width) < 0 ||
	    get_int(ld, root, "max_lines", 2, REPLY_LINES_MAX, &cfg->max_lines) < 0)
		return -1;
	if (cfg->help_url && (!value_ok(cfg->help_url) || strlen(cfg->help_url) > 200 ||
			      strchr(cfg->help_url, ' ')))
		return fail(ld, config_setting_get_member(root, "help_url"),
			    "'help_url': at most 200 printable characters, no space, "
			    "no '$'");
	if ((s = config_setting_get_member(root, "help_compare")) != NULL)
		ld->compare = s; /* checked once the knowledge base is loaded */
	if ((s = config_setting_get_member(root, "utf8")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fail(ld, s, "'utf8' must be true or false");
		cfg->utf8 = config_setting_get_bool(s);
	}
	if ((rc = get_string(ld, root, "on_error", &v, 0)) < 0)
		return -1;
	if (rc > 0) {
		if (strcmp(v, "continue") == 0)
			cfg->on_error = ON_ERROR_CONTINUE;
		else if (strcmp(v, "tempfail") == 0)
			cfg->on_error = ON_ERROR_TEMPFAIL;
		else {
			free(v);
			return fail(ld, config_setting_get_member(root, "on_error"),
				    "'on_error' is \"continue\" or \"tempfail\"");
		}
		free(v);
	}
	if ((s = config_setting_get_member(root, "socketmap")) != NULL) {
		if (!config_setting_is_group(s))
			return fail(ld, s, "'socketmap' must be a { group }");
		if (check_members(ld, s, sockmap_keys, "socketmap") < 0 ||
		    get_int(ld, s, "max_clients", 1, 65536,
			    &cfg->socketmap_max_clients) < 0 ||
		    get_int(ld, s, "idle_timeout", 1, 86400,
			    &cfg->socketmap_idle_timeout) < 0)
			return -1;
	}
	if ((s = config_setting_get_member(root, "languages")) != NULL) {
		if (get_strings(ld, s, "languages", &cfg->languages) < 0)
			return -1;
		if (cfg->languages.n == 0)
			return fail(ld, s, "'languages' needs at least one language");
		for (size_t i = 0; i < cfg->languages.n; i++)
			if (!lang_ok(cfg->languages.v[i]))
				return fail(ld, s, "\"%s\" is not a language code",
					    cfg->languages.v[i]);
	}
	if ((s = config_setting_get_member(root, "language_rules")) != NULL) {
		/* a later layer's list replaces the earlier one */
		for (size_t i = 0; i < cfg->nlang_rules; i++) {
			struct lang_rule *lr = &cfg->lang_rules[i];

			for (size_t k = 0; k < lr->nclients; k++)
				free(lr->clients[k].suffix);
			free(lr->clients);
			strlist_release(&lr->recipients);
			strlist_release(&lr->languages);
		}
		cfg->nlang_rules = 0;
		if (parse_lang_rules(ld, s) < 0)
			return -1;
	}
	if ((s = config_setting_get_member(root, "footer")) != NULL) {
		lang_lines_free(cfg->footer, cfg->nfooter);
		cfg->footer = NULL;
		cfg->nfooter = 0;
		if (get_lang_lines(ld, s, "footer", &cfg->footer, &cfg->nfooter) < 0)
			return -1;
	}
	if ((s = config_setting_get_member(root, "rules")) != NULL) {
		if (!config_setting_is_list(s))
			return fail(ld, s, "'rules' must be a ( list ) of { groups }");
		for (int i = 0; i < config_setting_length(s); i++) {
			struct rule *r;

			if (parse_rule(ld, config_setting_get_elem(s, (unsigned)i), &r) < 0)
				return -1;
			add_rule(cfg, r);
		}
	}
	return 0;
}

/* apply_guidance - pass 3 over a layer: the site's knowledge-base overrides */
static int apply_guidance(struct loader *ld, config_setting_t *root)
{
	config_setting_t *s = config_setting_get_member(root, "guidance");
	struct config *cfg = ld->cfg;

	if (s == NULL)
		return 0;
	if (!config_setting_is_list(s))
		return fail(ld, s, "'guidance' must be a ( list ) of { entries }");
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i), *l;
		struct strlist langs;
		int rc = 0;

		strlist_init(&langs);
		if ((l = config_setting_get_member(g, "lang")) != NULL) {
			if (get_strings(ld, l, "lang", &langs) < 0)
				return -1;
		} else {
			for (size_t k = 0; k < cfg->kb->n; k++)
				strlist_add(&langs, cfg->kb->langs[k]->code);
		}
		for (size_t k = 0; rc == 0 && k < langs.n; k++)
			rc = kb_merge_setting(cfg->kb, langs.v[k], ld->file, g,
					      config_var_known, cfg, ld->err, ld->errlen);
		strlist_release(&langs);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* check_langs - every language the config names has a knowledge base */
static int check_langs(struct loader *ld)
{
	struct config *cfg = ld->cfg;
	const char *missing = NULL;

	for (size_t i = 0; !missing && i < cfg->languages.n; i++)
		if (!kb_lang_get(cfg->kb, cfg->languages.v[i]))
			missing = cfg->languages.v[i];
	for (size_t i = 0; !missing && i < cfg->nlang_rules; i++)
		for (size_t k = 0; !missing && k < cfg->lang_rules[i].languages.n; k++)
			if (!kb_lang_get(cfg->kb, cfg->lang_rules[i].languages.v[k]))
				missing = cfg->lang_rules[i].languages.v[k];
	for (size_t i = 0; !missing && i < cfg->nrules; i++) {
		struct rule *r = cfg->rules[i];

		for (size_t k = 0; !missing && k < r->nlines; k++)
			if (r->lines[k].lang && !kb_lang_get(cfg->kb, r->lines[k].lang))
				missing = r->lines[k].lang;
		for (size_t k = 0; !missing && k < r->nappend; k++)
			if (r->append[k].lang && !kb_lang_get(cfg->kb, r->append[k].lang))
				missing = r->append[k].lang;
	}
	if (missing) {
		snprintf(ld->err, ld->errlen, "%s:0: language \"%s\" is not in the "
			 "knowledge base %s", ld->names[0], missing, cfg->kb_dir);
		return -1;
	}
	return 0;
}

/* the comparisons of the help site when the config names none */
static const char *const default_compare[][2] = {
	{"235", "502"}, {"235", "500"}, {"250", "502"}, {"235", "252"},
	{"235", "250"}, {"550", "554"}, {"450", "550"}, {"421", "451"},
	{"500", "502"}, {"501", "504"}};

/* compare_missing - the language lacking an entry for code, or NULL */
static const char *compare_missing(const struct config *cfg, const char *code)
{
	for (size_t i = 0; i < cfg->kb->n; i++)
		if (kb_get(cfg->kb->langs[i], code) == NULL)
			return cfg->kb->langs[i]->code;
	return NULL;
}

/*
 * check_compare - help_compare = ( ["235", "502"], ... ): pairs of distinct
 * reply codes, each with an entry in every language, no pair twice; without
 * the setting, the default pairs whose codes the base explains
 */
static int check_compare(struct loader *ld)
{
	struct config *cfg = ld->cfg;
	const config_setting_t *s = ld->compare;
	int n = s ? config_setting_length(s) : (int)(sizeof(default_compare) /
						     sizeof(default_compare[0]));

	if (s && !config_setting_is_list(s) && !config_setting_is_array(s))
		return fail(ld, s, "'help_compare' must be a ( list ) of "
			    "[\"code\", \"code\"] pairs");
	cfg->compare = xcalloc((size_t)n + 1, sizeof(*cfg->compare));
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = s ? config_setting_get_elem(s, (unsigned)i) : NULL;
		const char *a = e ? NULL : default_compare[i][0];
		const char *b = e ? NULL : default_compare[i][1];
		const char *miss;
		int code;

		if (e) {
			if (!config_setting_is_array(e) || config_setting_length(e) != 2 ||
			    !(a = config_setting_get_string_elem(e, 0)) ||
			    !(b = config_setting_get_string_elem(e, 1)) ||
			    smtpcode_parse_basic(a, strlen(a), &code) < 0 ||
			    smtpcode_parse_basic(b, strlen(b), &code) < 0)
				return fail(ld, e, "'help_compare': each pair is two reply "
					    "codes, such as [\"550\", \"554\"]");
			if (strcmp(a, b) == 0)
				return fail(ld, e, "'help_compare': %s compared with itself",
					    a);
			if ((miss = compare_missing(cfg, a)) != NULL ||
			    (miss = compare_missing(cfg, b)) != NULL)
				return fail(ld, e, "'help_compare': %s is not in the "
					    "knowledge base (language \"%s\")",
					    compare_missing(cfg, a) ? a : b, miss);
		} else if (compare_missing(cfg, a) || compare_missing(cfg, b)) {
			continue;
		}
		for (size_t k = 0; k < cfg->ncompare; k++) {
			const struct help_pair *p = &cfg->compare[k];

			if ((!strcmp(p->a, a) && !strcmp(p->b, b)) ||
			    (!strcmp(p->a, b) && !strcmp(p->b, a)))
				return fail(ld, e, "'help_compare': %s and %s are "
					    "compared twice", a, b);
		}
		memcpy(cfg->compare[cfg->ncompare].a, a, 4);
		memcpy(cfg->compare[cfg->ncompare++].b, b, 4);
	}
	return 0;
}

/* config_load - see config.h */
struct config *config_load(const char *file, char *err, size_t errlen)
{
	struct loader ld;
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	int ok = 0;

	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.err = err;
	ld.errlen = errlen;
	ld.file = file;
	cfg->file = xstrdup(file);
	strlist_init(&cfg->languages);
	strlist_add(&cfg->languages, "en");
	cfg->line_width = 72;
	cfg->max_lines = REPLY_LINES_MAX;
	cfg->socketmap_max_clients = 1024;
	cfg->socketmap_idle_timeout = 600;
	set_var(cfg, "helpdesk", "the postmaster of the receiving site");

	if (read_file(&ld, file) < 0 || read_includes(&ld) < 0)
		goto out;
	for (size_t i = 0; i < ld.nfiles; i++) {
		ld.file = ld.names[i];
		if (apply_vars(&ld, config_root_setting(&ld.files[i])) < 0)
			goto out;
	}
	for (size_t i = 0; i < ld.nfiles; i++) {
		ld.file = ld.names[i];
		if (apply_settings(&ld, config_root_setting(&ld.files[i])) < 0)
			goto out;
	}
	if (cfg->kb_dir == NULL)
		cfg->kb_dir = xstrdup(PKGDATADIR "/kb");
	cfg->kb = kb_new();
	if (kb_load_all(cfg->kb, cfg->kb_dir, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < ld.nfiles; i++) {
		ld.file = ld.names[i];
		if (apply_guidance(&ld, config_root_setting(&ld.files[i])) < 0)
			goto out;
	}
	if (check_langs(&ld) < 0 || check_compare(&ld) < 0)
		goto out;
	index_rules(cfg);
	ok = 1;
out:
	for (size_t i = 0; i < ld.nfiles; i++) {
		config_destroy(&ld.files[i]);
		free(ld.names[i]);
	}
	if (!ok) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* config_free - see config.h */
void config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->file);
	free(cfg->kb_dir);
	kb_free(cfg->kb);
	strlist_release(&cfg->languages);
	free(cfg->milter_socket);
	free(cfg->socketmap_socket);
	free(cfg->user);
	free(cfg->pid_file);
	free(cfg->help_url);
	free(cfg->compare);
	for (size_t i = 0; i < cfg->nvars; i++) {
		free(cfg->vars[i].name);
		free(cfg->vars[i].value);
	}
	free(cfg->vars);
	lang_lines_free(cfg->footer, cfg->nfooter);
	for (size_t i = 0; i < cfg->nrules; i++)
		rule_free(cfg->rules[i]);
	free(cfg->rules);
	hash_walk(cfg->rule_index, free_bucket, NULL);
	hash_free(cfg->rule_index);
	hash_walk(cfg->command_index, free_bucket, NULL);
	hash_free(cfg->command_index);
	for (size_t i = 0; i < cfg->nlang_rules; i++) {
		struct lang_rule *lr = &cfg->lang_rules[i];

		for (size_t k = 0; k < lr->nclients; k++)
			free(lr->clients[k].suffix);
		free(lr->clients);
		strlist_release(&lr->recipients);
		strlist_release(&lr->languages);
	}
	free(cfg->lang_rules);
	free(cfg);
}
