#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""htmlsite_check - check a help site written by `milter-explain --html`.

usage: htmlsite_check.py SITE_DIR KB_DIR PAIR...   (PAIR: "235-vs-502")

Checks, from the knowledge base's own files rather than from the generator:
every key of the base, the 2/4/5 class forms of every X.s.d key and every
valid 4xx/5xx reply code has a page in each language; each listed
comparison has a page in each language; every page is well-formed enough
(doctype, balanced tags, no stray end tag, lang attribute of its folder);
every relative link and stylesheet resolves to a file; each page links to
itself in the other languages; French pages carry the French headings of
fr/lang.conf; a code page links to its comparisons; every provider source
of KB_DIR/providers/ has a page in each language, with a section (an id)
per rule of its file, linked from the language's index; every link with a
#fragment names an id of its target page. Exit 0 when all hold, 1 with one
line per problem otherwise.
"""
import glob
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit, unquote

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
CODE_RE = re.compile(r'^\s*code\s*=\s*"([^"]+)"\s*;', re.M)
RULE_RE = re.compile(r'\bid\s*=\s*"([a-z0-9-]+)"\s*;')


class Page(HTMLParser):
    """Parse one page: tag balance, links, lang, text of headings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.links = [], [], []
        self.doctype = False
        self.lang = None
        self.headings, self._in_h = [], None
        self.ids = set()

    def handle_decl(self, decl):
        if decl.lower() == "doctype html":
            self.doctype = True

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append((tag, a.get("rel"), a[name]))
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append("duplicate id %r" % a["id"])
            self.ids.add(a["id"])
        if tag in VOID:
            return
        if tag in ("h1", "h2", "h3", "h4"):
            self._in_h = []
        self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.errors.append("self-closed <%s/> at line %d" %
                               (tag, self.getpos()[0]))
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append("end tag of void </%s> at line %d" %
                               (tag, self.getpos()[0]))
            return
        if not self.stack or self.stack[-1][0] != tag:
            top = self.stack[-1][0] if self.stack else "nothing"
            self.errors.append("</%s> closes <%s> at line %d" %
                               (tag, top, self.getpos()[0]))
            return
        self.stack.pop()
        if tag in ("h1", "h2", "h3", "h4") and self._in_h is not None:
            self.headings.append("".join(self._in_h).strip())
            self._in_h = None

    def handle_data(self, data):
        if self._in_h is not None:
            self._in_h.append(data)

    def finish(self):
        self.close()
        if not self.doctype:
            self.errors.append("no <!DOCTYPE html>")
        for tag, pos in self.stack:
            self.errors.append("<%s> of line %d never closed" % (tag, pos[0]))


def kb_keys(kb, lang):
    keys = []
    for path in sorted(glob.glob(os.path.join(kb, lang, "*.conf"))):
        if os.path.basename(path) != "lang.conf":
            with open(path, encoding="utf-8") as f:
                keys += CODE_RE.findall(f.read())
    return keys


def lang_headings(kb, lang):
    with open(os.path.join(kb, lang, "lang.conf"), encoding="utf-8") as f:
        text = f.read()
    head = re.search(r"headings\s*=\s*\{(.*?)\};", text, re.S).group(1)
    return dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', head))


def provider_rules(kb):
    """{source: [rule ids]} from the language-neutral match files."""
    rules = {}
    for path in sorted(glob.glob(os.path.join(kb, "providers", "*.conf"))):
        with open(path, encoding="utf-8") as f:
            rules[os.path.basename(path)[:-5]] = RULE_RE.findall(f.read())
    return rules


def expected_pages(kb, langs):
    pages = set()
    for lang in langs:
        for k in kb_keys(kb, lang):
            pages.add(k)
            m = re.match(r"^X\.(\d+)\.(\d+)$", k)
            if m:
                for c in "245":
                    pages.add("%s.%s.%s" % (c, m.group(1), m.group(2)))
    for c in "45":
        for d in "012345":
            for u in "0123456789":
                pages.add(c + d + u)
    return pages


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    site, kb, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    langs = sorted(d for d in os.listdir(kb)
                   if os.path.isfile(os.path.join(kb, d, "lang.conf")))
    problems = []
    want = expected_pages(kb, langs)
    for lang in langs:
        for key in sorted(want):
            if not os.path.isfile(os.path.join(site, lang, key + ".html")):
                problems.append("%s: no page for %s" % (lang, key))
        for pair in pairs:
            if not os.path.isfile(os.path.join(site, lang, pair + ".html")):
                problems.append("%s: no comparison page %s" % (lang, pair))
    providers = provider_rules(kb)
    for lang in langs:
        for src in providers:
            if not os.path.isfile(os.path.join(site, lang,
                                               "provider-%s.html" % src)):
                problems.append("%s: no provider page %s" % (lang, src))
    files = sorted(glob.glob(os.path.join(site, "**", "*.html"),
                             recursive=True))
    ids, fragments = {}, []
    nlinks = 0
    for path in files:
        rel = os.path.relpath(path, site)
        lang = rel.split(os.sep)[0] if os.sep in rel else None
        p = Page()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        p.finish()
        problems += ["%s: %s" % (rel, e) for e in p.errors]
        if lang and p.lang != lang:
            problems.append("%s: <html lang=%r>, not %r" % (rel, p.lang, lang))
        if not p.lang:
            problems.append("%s: no lang attribute" % rel)
        ids[os.path.abspath(path)] = p.ids
        targets = set()
        for tag, relattr, href in p.links:
            u = urlsplit(href)
            if u.scheme in ("http", "https") or relattr == "canonical":
                continue
            if u.scheme or href.startswith("//"):
                problems.append("%s: link to %s: not relative" % (rel, href))
                continue
            if not u.path:
                continue
            nlinks += 1
            target = os.path.normpath(os.path.join(os.path.dirname(path),
                                                   unquote(u.path)))
            targets.add(os.path.relpath(target, site))
            root = os.path.abspath(site)
            if os.path.commonpath([os.path.abspath(target), root]) != root:
                problems.append("%s: link %s leaves the site" % (rel, href))
            elif not os.path.isfile(target):
                problems.append("%s: broken link %s" % (rel, href))
            elif u.fragment:
                fragments.append((rel, href, os.path.abspath(target),
                                  unquote(u.fragment)))
        if lang:
            name = os.path.basename(path)
            for other in langs:
                if other != lang and os.path.join(other, name) not in targets:
                    problems.append("%s: no link to the %s page" % (rel, other))
            key = name[:-5]
            if key in want and lang == "fr":
                head = lang_headings(kb, "fr")
                for h in ("description", "when", "fix"):
                    if head[h] not in p.headings:
                        problems.append("%s: no French heading %r" %
                                        (rel, head[h]))
            for pair in pairs:
                if key in pair.split("-vs-") and \
                   os.path.join(lang, pair + ".html") not in targets:
                    problems.append("%s: no link to %s" % (rel, pair))
            if name == "index.html":
                for src in providers:
                    if os.path.join(lang, "provider-%s.html" % src) \
                       not in targets:
                        problems.append("%s: no link to provider page %s" %
                                        (rel, src))
            if key.startswith("provider-") and key[9:] in providers:
                for rule in providers[key[9:]]:
                    if rule not in p.ids:
                        problems.append("%s: no section for rule %s" %
                                        (rel, rule))
    for rel, href, target, frag in fragments:
        if frag not in ids.get(target, set()):
            problems.append("%s: link %s: no such id" % (rel, href))
    for line in problems[:200]:
        print("htmlsite_check: " + line)
    if len(problems) > 200:
        print("htmlsite_check: ... and %d more" % (len(problems) - 200))
    print("htmlsite_check: %d pages in %d languages (%d codes, %d provider "
          "pages each), %d internal links, %d problems" %
          (len(files), len(langs), len(want), len(providers), nlinks,
           len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
