/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_memo - the memo of rendered guidance: a hit gives what rendering
 * gives, the two most recent renderings always stay, another config or
 * memo_forget empties it, and no memo at all still works
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "memo.h"

static struct config *cfg, *other;
static char path1[64], path2[64];

/* setup - two configs: two snapshots for the same memo */
static int setup(void **state)
{
	char err[512];

	(void)state;
	cfg = tu_load("languages = [\"en\", \"fr\"];\n", err, sizeof(err), path1,
		      sizeof(path1));
	other = tu_load("languages = [\"fr\"];\n", err, sizeof(err), path2,
			sizeof(path2));
	return cfg && other ? 0 : -1;
}

/* teardown - free them */
static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	config_free(other);
	unlink(path1);
	unlink(path2);
	return 0;
}

/* req_for - a request with status 5.s.d, the given budget and target */
static struct guidance_req req_for(int subject, int detail, int max_lines,
				   enum guidance_target target)
{
	struct guidance_req req;

	memset(&req, 0, sizeof(req));
	req.st = (struct smtp_status){550, 5, subject, detail};
	req.rule_state = RULE_MATCHED;
	req.target = target;
	req.max_lines = max_lines;
	return req;
}

/* same_as_built - e holds exactly what guidance_build gives for req */
static void same_as_built(const struct config *c, const struct memo_entry *e,
			  const struct guidance_req *req)
{
	struct strlist lines;
	struct buf footer;

	strlist_init(&lines);
	buf_init(&footer);
	guidance_build(c, req, &lines);
	assert_int_equal(e->lines.n, lines.n);
	for (size_t i = 0; i < lines.n; i++)
		assert_string_equal(e->lines.v[i], lines.v[i]);
	if (req->target == TARGET_FOOTER) {
		guidance_footer(&footer, &lines);
		assert_string_equal(e->footer.s, footer.s);
	}
	buf_release(&footer);
	strlist_release(&lines);
}

/* render - memo_render, checked against guidance_build; was it a hit */
static int render(struct memo *m, const struct config *c,
		  const struct guidance_req *req)
{
	struct memo_entry tmp = {0};
	unsigned long h0, h1, m0;
	const struct memo_entry *e;

	memo_stats(m, &h0, &m0);
	e = memo_render(m, c, req, &tmp);
	same_as_built(c, e, req);
	memo_tmp_release(&tmp);
	memo_stats(m, &h1, &m0);
	return h1 > h0;
}

/* test_hit - the same inputs twice: one rendering, then a hit */
static void test_hit(void **state)
{
	struct memo *m = memo_new();
	struct guidance_req a = req_for(1, 1, 6, TARGET_FOOTER);
	struct guidance_req b = req_for(1, 1, 5, TARGET_FOOTER);
	unsigned long hits, misses;

	(void)state;
	assert_false(render(m, cfg, &a));
	assert_true(render(m, cfg, &a));
	assert_false(render(m, cfg, &b)); /* another budget, another entry */
	a.target = TARGET_PLAIN;
	assert_false(render(m, cfg, &a)); /* another target too */
	memo_stats(m, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 3);
	memo_free(m);
}

/* test_two_recent - any two renderings asked in a row both stay */
static void test_two_recent(void **state)
{
	struct memo *m = memo_new();

	(void)state;
	for (int i = 0; i < 300; i++) {
		struct guidance_req a = req_for(i % 8, i / 8, 6, TARGET_PLAIN);
		struct guidance_req b = req_for(i % 8, i / 8 + 1, 4, TARGET_FOOTER);

		render(m, cfg, &a);
		render(m, cfg, &b);
		if (!render(m, cfg, &a) || !render(m, cfg, &b))
			fail_msg("round %d: a recent rendering was evicted", i);
	}
	memo_free(m);
}

/* test_forget - another config or memo_forget: nothing of before shows */
static void test_forget(void **state)
{
	struct memo *m = memo_new();
	struct guidance_req a = req_for(1, 1, 6, TARGET_PLAIN);

	(void)state;
	render(m, cfg, &a);
	assert_true(render(m, cfg, &a));
	assert_false(render(m, other, &a)); /* and it is other's guidance */
	assert_false(render(m, cfg, &a));
	memo_forget(m);
	assert_false(render(m, cfg, &a));
	memo_forget(NULL);
	memo_free(m);
	memo_free(NULL);
}

/* test_no_memo - without a memo every call renders into tmp */
static void test_no_memo(void **state)
{
	struct guidance_req a = req_for(1, 1, 6, TARGET_FOOTER);
	struct memo_entry tmp = {0};
	unsigned long hits, misses;
	int fresh;

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(memo_get(NULL, cfg, &a, &tmp, &fresh), &tmp);
		assert_true(fresh);
		assert_false(render(NULL, cfg, &a));
	}
	memo_tmp_release(&tmp);
	memo_stats(NULL, &hits, &misses);
	assert_int_equal(hits + misses, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit),
		cmocka_unit_test(test_two_recent),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_no_memo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
