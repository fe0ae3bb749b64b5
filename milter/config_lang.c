/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_lang - the per-language parts of the config: language codes,
 * lines given for all or per language (rule lines, the footer), and the
 * language rules with their client networks
 *
 * Exports (to the other config*.c files, see config_loader.h):
 * config_lang_ok, config_check_line, config_lines_get, config_lines_free,
 * config_parse_footer, config_parse_lang_rules, config_lang_rules_free.
 */
#include "config_loader.h"
#include "template.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const langrule_keys[] = {"client", "recipient", "languages",
					    NULL};

/* config_lang_ok - "en", "fr", "pt-BR" */
int config_lang_ok(const char *s)
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

/* config_check_line - one configured template line */
int config_check_line(struct config_loader *ld, const config_setting_t *s,
		      const char *v)
{
	char why[160];

	if (strlen(v) > CONFIG_LINE_MAX)
		return confutil_fail(&ld->src, s,
				     "line longer than %d bytes: it cannot fit "
				     "in an SMTP reply line",
				     CONFIG_LINE_MAX);
	if (!confutil_text_ok(v))
		return confutil_fail(&ld->src, s,
				     "control character in a line");
	if (template_check(v, config_var_known, ld->cfg, why, sizeof(why)) < 0)
		return confutil_fail(&ld->src, s, "%s", why);
	return 0;
}

/*
 * config_lines_get - "lines = [..]" for every language, or
 * "lines = { en = [..]; fr = [..]; }" per language, appended to *out
 */
int config_lines_get(struct config_loader *ld, const config_setting_t *s,
		     const char *name, struct lang_lines **out, size_t *nout)
{
	int groups = config_setting_is_group(s);
	int n = groups ? config_setting_length(s) : 1;

	for (int i = 0; i < n; i++) {
		const config_setting_t *l =
		    groups ? config_setting_get_elem(s, (unsigned)i) : s;
		const char *lang = groups ? config_setting_name(l) : NULL;
		struct lang_lines *ll;

		if (lang && !config_lang_ok(lang))
			return confutil_fail(
			    &ld->src, l, "'%s': \"%s\" is not a language code",
			    name, lang);
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		ll = &(*out)[(*nout)++];
		ll->lang = xstrdup(lang);
		strlist_init(&ll->lines);
		if (confutil_get_strings(&ld->src, l, name, &ll->lines) < 0)
			return -1;
		if (ll->lines.n > REPLY_LINES_MAX - 1)
			return confutil_fail(
			    &ld->src, l,
			    "'%s' has more lines than an SMTP reply can hold",
			    name);
		for (size_t k = 0; k < ll->lines.n; k++) {
			const config_setting_t *e =
			    config_setting_get_elem(l, (unsigned)k);

			if (config_check_line(ld, e ? e : l, ll->lines.v[k]) <
			    0)
				return -1;
		}
	}
	return 1;
}

/* config_lines_free - an array of lang_lines */
void config_lines_free(struct lang_lines *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].lang);
		strlist_release(&v[i].lines);
	}
	free(v);
}

/* config_parse_footer - footer: a later layer's lines replace earlier ones */
int config_parse_footer(struct config_loader *ld, const config_setting_t *s)
{
	struct config *cfg = ld->cfg;

	config_lines_free(cfg->footer, cfg->nfooter);
	cfg->footer = NULL;
	cfg->nfooter = 0;
	return config_lines_get(ld, s, "footer", &cfg->footer, &cfg->nfooter) <
		       0
		   ? -1
		   : 0;
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
			if (!isalnum((unsigned char)*p) && *p != '.' &&
			    *p != '-')
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

/* parse_clients - a language rule's 'client' setting m into lr */
static int parse_clients(struct config_loader *ld, const config_setting_t *m,
			 struct lang_rule *lr)
{
	struct strlist tmp;
	int rc = -1;

	strlist_init(&tmp);
	if (confutil_get_strings(&ld->src, m, "client", &tmp) < 0)
		goto out;
	lr->clients = xcalloc(tmp.n, sizeof(*lr->clients));
	for (size_t k = 0; k < tmp.n; k++, lr->nclients++) {
		if (parse_net(tmp.v[k], &lr->clients[k]) < 0) {
			confutil_fail(&ld->src, m,
				      "'client' \"%s\" is not an address, a "
				      "network or a host name suffix",
				      tmp.v[k]);
			goto out;
		}
	}
	rc = 0;
out:
	strlist_release(&tmp);
	return rc;
}

/* parse_lang_rule - one { client/recipient; languages } group */
static int parse_lang_rule(struct config_loader *ld, const config_setting_t *g)
{
	struct config *cfg = ld->cfg;
	config_setting_t *m;
	struct lang_rule *lr;

	if (!config_setting_is_group(g))
		return confutil_fail(&ld->src, g,
				     "a language rule must be a { group }");
	if (confutil_check_members(&ld->src, g, langrule_keys,
				   "a language rule") < 0)
		return -1;
	cfg->lang_rules = xrealloc(
	    cfg->lang_rules, (cfg->nlang_rules + 1) * sizeof(*cfg->lang_rules));
	lr = &cfg->lang_rules[cfg->nlang_rules++];
	memset(lr, 0, sizeof(*lr));
	strlist_init(&lr->recipients);
	strlist_init(&lr->languages);
	lr->line = confutil_line(g);
	if ((m = config_setting_get_member(g, "languages")) == NULL)
		return confutil_fail(&ld->src, g,
				     "a language rule needs 'languages'");
	if (confutil_get_strings(&ld->src, m, "languages", &lr->languages) < 0)
		return -1;
	if ((m = config_setting_get_member(g, "client")) != NULL &&
	    parse_clients(ld, m, lr) < 0)
		return -1;
	if ((m = config_setting_get_member(g, "recipient")) != NULL &&
	    confutil_get_strings(&ld->src, m, "recipient", &lr->recipients) < 0)
		return -1;
	if (!lr->nclients && !lr->recipients.n)
		return confutil_fail(
		    &ld->src, g,
		    "a language rule needs 'client' or 'recipient'");
	return 0;
}

/* config_lang_rules_free - the language rules of cfg (the array too) */
void config_lang_rules_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nlang_rules; i++) {
		struct lang_rule *lr = &cfg->lang_rules[i];

		for (size_t k = 0; k < lr->nclients; k++)
			free(lr->clients[k].suffix);
		free(lr->clients);
		strlist_release(&lr->recipients);
		strlist_release(&lr->languages);
	}
	free(cfg->lang_rules);
	cfg->lang_rules = NULL;
	cfg->nlang_rules = 0;
}

/*
 * config_parse_lang_rules - language_rules = ( { client/recipient;
 * languages } ); a later layer's list replaces the earlier one
 */
int config_parse_lang_rules(struct config_loader *ld, const config_setting_t *s)
{
	config_lang_rules_free(ld->cfg);
	ld->lang_rules_at = s;
	if (!config_setting_is_list(s))
		return confutil_fail(&ld->src, s,
				     "'language_rules' must be a ( list )");
	for (int i = 0; i < config_setting_length(s); i++)
		if (parse_lang_rule(
			ld, config_setting_get_elem(s, (unsigned)i)) < 0)
			return -1;
	return 0;
}
