/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlsite - the knowledge base as a static help site (`--html DIR`):
 * the files and the assets
 *
 * Exports: htmlsite_write, htmlsite_strings. Checks the site strings of
 * every language, creates the directories, writes style.css (a constant
 * below), the root index, then each language's index, code pages,
 * comparison pages and provider pages, each built whole in memory by
 * htmlindex.c, htmlcode.c, htmlcompare.c and htmlprovider.c on the page
 * set of htmlpage.c, and written whole.
 *
 * Links inside DIR are never followed (DIR itself, the caller's choice,
 * is): a language directory is opened with O_NOFOLLOW and refused when
 * it is a symbolic link; each page is written to a new temporary file
 * beside it (O_EXCL|O_NOFOLLOW) and renamed into place, which replaces
 * a link planted at the page's name instead of writing through it.
 */
#include "htmlsite.h"
#include "hash.h"
#include "htmlcode.h"
#include "htmlcompare.h"
#include "htmlindex.h"
#include "htmlpage.h"
#include "htmlprovider.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* clang-format off */
const char *const htmlsite_strings[] = {
	"title", "intro", "languages", "all_codes", "filter", "filter_hint",
	"no_match", "reply_codes", "enhanced_codes", "class_defaults",
	"comparisons", "compare_with", "class_forms", "general_form",
	"general_note", "related", "on_the_wire", "key_differences",
	"same_for_both", "meaning", "class", "outcome", "retry", "area", "vs",
	"generated", "answers", "who_acts", "next_step",
	"providers", "provider_intro", "provider_help", "match", "cite",
	"class_2", "class_3", "class_4", "class_5",
	"outcome_2", "outcome_3", "outcome_4", "outcome_5",
	"retry_2", "retry_3", "retry_4", "retry_5",
	"enhanced_2", "enhanced_4", "enhanced_5", "enhanced_x",
	"area_0", "area_1", "area_2", "area_3", "area_4", "area_5",
	"subject_0", "subject_1", "subject_2", "subject_3", "subject_4",
	"subject_5", "subject_6", "subject_7", NULL};
/* clang-format on */

static const char site_css[] =
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;font:17px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif;color:#1b1f24;background:#fff;overflow-wrap:anywhere}\n"
    ".top,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}\n"
    ".top nav{display:flex;flex-wrap:wrap;justify-content:space-between;"
    "gap:.4rem 1.5rem;padding:.7rem 0;border-bottom:1px solid #d0d7de}\n"
    ".langs a{margin-left:.8rem}\n"
    "a{color:#0a58a8}\n"
    "h1{font-size:1.7rem;line-height:1.25;margin:1.2rem 0 .9rem}\n"
    "h2{font-size:1.3rem;margin:1.7rem 0 .5rem}\n"
    "h3{font-size:1.08rem;margin:1.1rem 0 .3rem}\n"
    "h4{font-size:1rem;margin:.8rem 0 .2rem}\n"
    ".code{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,"
    "monospace;font-weight:700}\n"
    ".facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;"
    "margin:0;padding:.8rem 1rem;background:#f3f5f8;border-left:5px solid "
    "#57606a}\n"
    ".facts dt{font-weight:600}.facts dd{margin:0}\n"
    ".note{padding:.6rem 1rem;background:#fff8e1;border-left:5px solid "
    "#b35900}\n"
    "ul.codes,ul.links{list-style:none;margin:0;padding:0}\n"
    "ul.codes li{border-bottom:1px solid #e6e9ed}\n"
    "ul.codes a{display:block;padding:.45rem .2rem;text-decoration:none}\n"
    "ul.codes a:hover,ul.codes a:focus{background:#eef4fb}\n"
    "ul.codes .code{display:inline-block;min-width:4.2em;color:#1b1f24}\n"
    "ul.links li{margin:.3rem 0}\n"
    "ul.wire{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
    "font-size:.92rem;background:#f3f5f8;padding:.6rem 1rem .6rem 2rem}\n"
    ".filter{margin:1rem 0}.filter label{display:block;font-weight:600}\n"
    ".filter input{width:100%;max-width:30rem;font-size:1.1rem;padding:.5rem;"
    "border:2px solid #57606a;border-radius:4px}\n"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}\n"
    ".card{padding:.2rem 1rem .6rem;background:#f3f5f8;border-top:5px solid "
    "#57606a}\n"
    ".card h2,.card h3{margin-top:.6rem}\n"
    ".k2{border-color:#1a7f37}.k3{border-color:#0a58a8}"
    ".k4{border-color:#b35900}.k5{border-color:#cf222e}\n"
    ".diff dt{font-weight:600;margin-top:.7rem}.diff dd{margin:.2rem 0 0 "
    "1rem}\n"
    "footer{margin-top:2.5rem;padding:1rem;color:#57606a;font-size:.9rem;"
    "border-top:1px solid #d0d7de}\n"
    "[hidden]{display:none!important}\n"
    ".count{color:#57606a;font-weight:400}\n"
    "section.rule{border-top:1px solid #d0d7de;margin-top:1.8rem}\n"
    "code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
    "font-size:.9rem;background:#f3f5f8;padding:0 .2rem}\n"
    "@media (max-width:40rem){body{font-size:16px}h1{font-size:1.4rem}"
    ".pair,.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.4rem}}\n";

/* check_strings - every language has every site string and no unknown one */
static int check_strings(const struct site *s)
{
	for (size_t i = 0; i < s->nlangs; i++) {
		const struct kb_lang *l = s->langs[i];
		size_t k;

		for (k = 0; htmlsite_strings[k]; k++)
			if (hash_get(l->head.site, htmlsite_strings[k]) == NULL)
				break;
		if (htmlsite_strings[k]) {
			snprintf(s->err, s->errlen,
				 "language \"%s\": lang.conf has no "
				 "site.%s, which the help site needs (see "
				 "conf/kb/README.md)",
				 l->code, htmlsite_strings[k]);
			return -1;
		}
		if (hash_count(l->head.site) != k) {
			snprintf(
			    s->err, s->errlen,
			    "language \"%s\": lang.conf's site "
			    "group has strings the help site does not know; it "
			    "takes exactly those of conf/kb/README.md",
			    l->code);
			return -1;
		}
	}
	return 0;
}

/* site_mkdir - mkdir -p path; -1 with "path: reason" in the site's err */
static int site_mkdir(const struct site *s, const char *path)
{
	char *p = xstrdup(path);
	struct stat st;
	int rc = -1;

	for (char *q = p + 1;; q++) {
		char c = *q;

		if (c != '/' && c != '\0')
			continue;
		*q = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			snprintf(s->err, s->errlen, "%s: %s", p,
				 strerror(errno));
			goto out;
		}
		*q = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(s->err, s->errlen, "%s: not a directory", path);
		goto out;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

/*
 * site_subdir - the directory name inside the one open as dfd, created
 * if missing and opened without following a link; its descriptor, or -1
 * with "DIR/name: reason" in err (a symbolic link is refused: a page
 * written through it would land outside DIR)
 */
static int site_subdir(const struct site *s, int dfd, const char *name)
{
	struct stat st;
	int fd;

	if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST) {
		snprintf(s->err, s->errlen, "%s/%s: %s", s->dir, name,
			 strerror(errno));
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		snprintf(s->err, s->errlen,
			 "%s/%s: a symbolic link; refused (the site is "
			 "written only into directories inside %s: remove "
			 "the link)",
			 s->dir, name, s->dir);
	else
		snprintf(s->err, s->errlen, "%s/%s: %s", s->dir, name,
			 errno == ENOTDIR ? "not a directory" : strerror(errno));
	return -1;
}

/*
 * site_tmpfile - a new file ".name.XXXXXX" (a random suffix) in the
 * directory dfd, created exclusively and never through a link; its
 * descriptor with its name in tmp, or -1 with errno set
 */
static int site_tmpfile(int dfd, const char *name, char *tmp, size_t tmplen)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[6];

	for (int tries = 0; tries < 100; tries++) {
		struct timespec ts;
		int fd;

		if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (size_t i = 0; i < sizeof(r); i++)
				r[i] = (unsigned char)(ts.tv_nsec >> (i * 5)) ^
				       (unsigned char)(getpid() + tries);
		}
		snprintf(tmp, tmplen, ".%s.%c%c%c%c%c%c", name,
			 set[r[0] % 36], set[r[1] % 36], set[r[2] % 36],
			 set[r[3] % 36], set[r[4] % 36], set[r[5] % 36]);
		fd = openat(dfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/*
 * site_write - b into the file name of the directory dfd (DIR[/lang]),
 * whole: written to a temporary file beside it, then renamed over it, so
 * that a link planted at name is replaced, never followed; -1 with the
 * reason in err
 */
static int site_write(const struct site *s, int dfd, const char *lang,
		      const char *name, const struct buf *b)
{
	char tmp[128];
	int fd, rc = -1;

	fd = site_tmpfile(dfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		goto out;
	errno = 0;
	if (write(fd, b->s, b->len) != (ssize_t)b->len) {
		close(fd);
		goto out;
	}
	if (close(fd) == 0 && renameat(dfd, tmp, dfd, name) == 0)
		rc = 0;
out:
	if (rc < 0) {
		int e = errno ? errno : EIO;

		if (fd >= 0)
			unlinkat(dfd, tmp, 0);
		snprintf(s->err, s->errlen, "%s/%s%s%s: %s", s->dir,
			 lang ? lang : "", lang ? "/" : "", name, strerror(e));
	}
	return rc;
}

/* write_lang - every page of one language, into DIR (open as dfd)/lang */
static int write_lang(const struct site *s, int dfd, const struct kb_lang *l,
		      struct buf *o)
{
	char name[32];
	int rc = -1, lfd;

	if ((lfd = site_subdir(s, dfd, l->code)) < 0)
		return -1;
	buf_reset(o);
	htmlindex_lang(s, o, l);
	if (site_write(s, lfd, l->code, "index.html", o) < 0)
		goto out;
	for (size_t i = 0; i < s->npages; i++) {
		buf_reset(o);
		htmlcode_page(s, o, l, s->pages[i]);
		snprintf(name, sizeof(name), "%s.html", s->pages[i]->key);
		if (site_write(s, lfd, l->code, name, o) < 0)
			goto out;
	}
	for (size_t i = 0; i < s->cfg->ncompare; i++) {
		const struct help_pair *hp = &s->cfg->compare[i];

		buf_reset(o);
		htmlcompare_page(s, o, l, hp);
		snprintf(name, sizeof(name), "%s-vs-%s.html", hp->a, hp->b);
		if (site_write(s, lfd, l->code, name, o) < 0)
			goto out;
	}
	for (size_t i = 0; s->cfg->providers && i < s->cfg->providers->nsources;
	     i++) {
		const struct provider_source *src = s->cfg->providers->sources[i];
		char file[96];

		buf_reset(o);
		htmlprovider_page(s, o, l, src);
		htmlprovider_file(src, file, sizeof(file));
		if (site_write(s, lfd, l->code, file, o) < 0)
			goto out;
	}
	rc = 0;
out:
	close(lfd);
	return rc;
}

/* htmlsite_write - see htmlsite.h */
int htmlsite_write(const struct config *cfg, const char *dir, char *err,
		   size_t errlen)
{
	struct site s;
	struct buf o;
	int rc = -1, dfd = -1;

	buf_init(&o);
	if (htmlpage_init(&s, cfg, dir, err, errlen) < 0 ||
	    check_strings(&s) < 0 || site_mkdir(&s, dir) < 0)
		goto out;
	/* DIR itself is the caller's choice, followed as given */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	buf_adds(&o, site_css);
	if (site_write(&s, dfd, NULL, "style.css", &o) < 0)
		goto out;
	buf_reset(&o);
	htmlindex_root(&s, &o);
	if (site_write(&s, dfd, NULL, "index.html", &o) < 0)
		goto out;
	for (size_t i = 0; i < s.nlangs; i++)
		if (write_lang(&s, dfd, s.langs[i], &o) < 0)
			goto out;
	rc = 0;
out:
	if (dfd >= 0)
		close(dfd);
	htmlpage_release(&s);
	buf_release(&o);
	return rc;
}
