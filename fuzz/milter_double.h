/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * milter_double - a test double of libmilter for fuzz_callbacks
 *
 * Defines the libmilter entry points that milter/callbacks.c calls
 * (smfi_register, smfi_getpriv, smfi_setpriv, smfi_getsymval,
 * smfi_setreply, smfi_setmlreply) and double_command, which hands one
 * raw command (command byte, payload) to the registered callbacks the
 * way libmilter 8.17 does: the payload in a buffer of exactly its length,
 * passed on through cmdbuf_adopt as cmdbuf_hook.c does (unless the input
 * asks for an unhooked read: then the callback must not read it), the
 * connect and HELO checks libmilter makes, and its macro decoder (a
 * value without its NUL is dropped). The reply setters check more than
 * libmilter: a reply class of 4 or 5, an enhanced code of the same
 * class, at most 32 lines, each printable US-ASCII with '%' doubled and
 * short enough for a 512-octet SMTP line.
 *
 * Include it once, from the fuzz target only.
 */
#ifndef MILTER_EXPLAIN_MILTER_DOUBLE_H
#define MILTER_EXPLAIN_MILTER_DOUBLE_H

#include "cmdbuf.h"
#include "fuzz.h"

#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#define DOUBLE_LINES_MAX 32
#define DOUBLE_LINE_OCTETS 512 /* SMTP line, code and CRLF included */

/* one session, as libmilter's context */
struct smfi_str {
	void *priv;
	char *macro_buf; /* the latest SMFIC_MACRO payload */
	char **macros;   /* name, value, ..., NULL; into macro_buf */
	int replies;     /* replies set since the last command */
	char first[DOUBLE_LINE_OCTETS]; /* the first line of the latest */
};

static struct smfiDesc double_desc;
static int double_registered;

/* smfi_register - remember the filter description */
int smfi_register(struct smfiDesc desc)
{
	double_desc = desc;
	double_registered = 1;
	return MI_SUCCESS;
}

/* smfi_settimeout - accept any timeout libmilter would */
int smfi_settimeout(int seconds)
{
	FUZZ_CHECK(seconds > 0);
	return MI_SUCCESS;
}

/* smfi_getpriv - the session's private pointer */
void *smfi_getpriv(SMFICTX *ctx)
{
	return ctx ? ctx->priv : NULL;
}

/* smfi_setpriv - set it */
int smfi_setpriv(SMFICTX *ctx, void *priv)
{
	if (ctx == NULL)
		return MI_FAILURE;
	ctx->priv = priv;
	return MI_SUCCESS;
}

/* smfi_getsymval - a macro of the latest SMFIC_MACRO, "x" or "{x}" */
char *smfi_getsymval(SMFICTX *ctx, char *name)
{
	for (char **s = ctx->macros; s && s[0] && s[1]; s += 2) {
		size_t n = strlen(s[0]);

		if (strcmp(s[0], name) == 0 ||
		    (n == 3 && s[0][0] == '{' && s[0][2] == '}' &&
		     strlen(name) == 1 && s[0][1] == name[0]))
			return s[1];
	}
	return NULL;
}

/* double_check_line - one reply line: printable, '%' doubled, short */
static void double_check_line(const char *line, size_t codes)
{
	size_t n = strlen(line);

	FUZZ_CHECK(codes + n + 2 <= DOUBLE_LINE_OCTETS);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(line[i] >= 0x20 && line[i] <= 0x7e);
		if (line[i] == '%') {
			FUZZ_CHECK(line[i + 1] == '%');
			i++;
		}
	}
}

/* double_check_codes - "550" and "5.5.2" of one class; their octets */
static size_t double_check_codes(const char *rcode, const char *xcode)
{
	FUZZ_CHECK(rcode && strlen(rcode) == 3);
	FUZZ_CHECK(rcode[0] == '4' || rcode[0] == '5');
	FUZZ_CHECK(rcode[1] >= '0' && rcode[1] <= '9');
	FUZZ_CHECK(rcode[2] >= '0' && rcode[2] <= '9');
	FUZZ_CHECK(xcode && xcode[0] == rcode[0] && xcode[1] == '.');
	return 3 + 1 + strlen(xcode) + 1; /* "550-5.5.2 " */
}

/* smfi_setreply - check a one-line reply */
int smfi_setreply(SMFICTX *ctx, char *rcode, char *xcode, char *message)
{
	double_check_line(message, double_check_codes(rcode, xcode));
	snprintf(ctx->first, sizeof(ctx->first), "%s", message);
	ctx->replies++;
	return MI_SUCCESS;
}

/* smfi_setmlreply - check a reply of up to 32 lines */
int smfi_setmlreply(SMFICTX *ctx, const char *rcode, const char *xcode, ...)
{
	size_t codes = double_check_codes(rcode, xcode);
	const char *line;
	int n = 0;
	va_list ap;

	va_start(ap, xcode);
	while ((line = va_arg(ap, const char *)) != NULL) {
		FUZZ_CHECK(++n <= DOUBLE_LINES_MAX);
		double_check_line(line, codes);
		if (n == 1)
			snprintf(ctx->first, sizeof(ctx->first), "%s", line);
	}
	va_end(ap);
	FUZZ_CHECK(n >= 1);
	ctx->replies++;
	return MI_SUCCESS;
}

/* double_payload - a copy of the payload of exactly len bytes */
static char *double_payload(const uint8_t *p, size_t len)
{
	char *buf = malloc(len ? len : 1);

	if (buf == NULL)
		abort();
	memcpy(buf, p, len);
	return buf;
}

/* double_macros - libmilter's st_macros: NUL-separated pairs */
static void double_macros(SMFICTX *ctx, char *buf, size_t len)
{
	size_t n = 0, k = 0;

	free(ctx->macros);
	free(ctx->macro_buf);
	ctx->macro_buf = buf;
	ctx->macros = NULL;
	for (size_t i = 1; i < len; i++)
		n += buf[i] == '\0';
	if (n == 0)
		return;
	ctx->macros = calloc(n + 1, sizeof(char *));
	if (ctx->macros == NULL)
		abort();
	/* as libmilter's dec_argv: a string without its NUL is dropped */
	ctx->macros[k++] = buf + 1;
	for (size_t i = 1; i < len && k < n; i++)
		if (buf[i] == '\0')
			ctx->macros[k++] = buf + i + 1;
}

/* double_connect - libmilter's st_connectinfo checks, then the callback */
static sfsistat double_connect(SMFICTX *ctx, char *buf, size_t len)
{
	size_t i = 0;
	struct sockaddr_storage ss;
	struct sockaddr *sa = NULL;
	char family;

	while (i < len && buf[i] != '\0')
		i++;
	if (i + 1 >= len)
		return SMFIS_CONTINUE; /* libmilter ends the session */
	family = buf[++i];
	memset(&ss, 0, sizeof(ss));
	if (family != 'U') {
		i += 3; /* family and port */
		if (i >= len || buf[len - 1] != '\0')
			return SMFIS_CONTINUE;
		if (family == '4' &&
		    inet_pton(AF_INET, buf + i,
			      &((struct sockaddr_in *)&ss)->sin_addr) == 1)
			ss.ss_family = AF_INET;
		else if (family == '6' &&
			 inet_pton(AF_INET6, buf + i,
				   &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
			ss.ss_family = AF_INET6;
		else
			return SMFIS_CONTINUE;
		sa = (struct sockaddr *)&ss;
	}
	return double_desc.xxfi_connect(ctx, buf, sa);
}

/*
 * double_command - one command with its payload, as libmilter runs it;
 * hooked: the buffer went through cmdbuf_adopt. Returns the callback's
 * answer (SMFIS_CONTINUE for a command without one).
 */
static sfsistat double_command(SMFICTX *ctx, char cmd, const uint8_t *p,
			       size_t len, int hooked)
{
	char *buf = double_payload(p, len);
	sfsistat rc = SMFIS_CONTINUE;
	unsigned long f[4];

	if (hooked && (buf = cmdbuf_adopt(buf, len)) == NULL)
		abort();
	ctx->replies = 0;
	switch (cmd) {
	case 'O': /* the MTA offers every step, or none of the no-replies */
		rc = double_desc.xxfi_negotiate(
		    ctx, 0x1ff, len && (buf[0] & 1) ? 0xfff : 0x3fffff, 0, 0,
		    &f[0], &f[1], &f[2], &f[3]);
		break;
	case 'C':
		rc = double_connect(ctx, buf, len);
		break;
	case 'H':
		if (len && buf[len - 1] == '\0')
			rc = double_desc.xxfi_helo(ctx, buf);
		break;
	case 'D':
		double_macros(ctx, buf, len);
		return SMFIS_CONTINUE; /* the buffer is the session's now */
	case 'U':
		rc = double_desc.xxfi_unknown(ctx, buf);
		break;
	case 'T':
		rc = double_desc.xxfi_data(ctx);
		break;
	default:
		rc = double_desc.xxfi_close(ctx);
		break;
	}
	FUZZ_CHECK(ctx->replies <= 1);
	free(buf);
	return rc;
}

/* double_end - the end of a session: close, then drop the macros */
static void double_end(SMFICTX *ctx)
{
	double_desc.xxfi_close(ctx);
	free(ctx->macros);
	free(ctx->macro_buf);
	memset(ctx, 0, sizeof(*ctx));
}

#endif
