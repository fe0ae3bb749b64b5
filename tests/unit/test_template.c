/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_template - "${name}" templates: validation with the offending
 * variable named, detection, rendering; table-driven, malformed input
 * included
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "template.h"

/* known - the test's variables: user, and ctx counts the questions */
static int known(const char *name, size_t len, void *ctx)
{
	if (ctx)
		(*(int *)ctx)++;
	return len == 4 && memcmp(name, "user", 4) == 0;
}

/* value - "bob" for user; everything else has no value */
static const char *value(const char *name, size_t len, void *ctx)
{
	(void)ctx;
	return len == 4 && memcmp(name, "user", 4) == 0 ? "bob" : NULL;
}

static void test_check(void **state)
{
	static const struct {
		const char *tpl;
		int rc;
		const char *err; /* the whole message */
	} cases[] = {
	    {"hello ${user}, $$5", 0, ""},
	    {"", 0, ""},
	    {"no variable at all", 0, ""},
	    {"$$", 0, ""},
	    {"bad $user", -1,
	     "bad '$' in \"$user\": write ${name} for a variable or $$ for "
	     "a dollar sign"},
	    {"${nosuch}", -1, "unknown template variable ${nosuch}"},
	    {"${unterminated", -1,
	     "bad '$' in \"${unterminated\": write ${name} for a variable or "
	     "$$ for a dollar sign"},
	    {"trailing $", -1,
	     "bad '$' in \"$\": write ${name} for a variable or $$ for a "
	     "dollar sign"},
	    {"${}", -1,
	     "bad '$' in \"${}\": write ${name} for a variable or $$ for a "
	     "dollar sign"},
	    {"${User}", -1,
	     "bad '$' in \"${User}\": write ${name} for a variable or $$ for "
	     "a dollar sign"},
	    {"$$$", -1,
	     "bad '$' in \"$\": write ${name} for a variable or $$ for a "
	     "dollar sign"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[200] = "";
		int rc =
		    template_check(cases[i].tpl, known, NULL, err, sizeof(err));

		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d, want %d", cases[i].tpl, rc,
				 cases[i].rc);
		assert_string_equal(err, cases[i].err);
	}
}

/* without a known callback, any well-formed name passes */
static void test_check_no_known(void **state)
{
	char err[200];
	int asked = 0;

	(void)state;
	assert_int_equal(
	    template_check("${anything} ${x_1}", NULL, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(
	    template_check("${user} ${user}", known, &asked, err, sizeof(err)),
	    0);
	assert_int_equal(asked, 2);
}

static void test_uses(void **state)
{
	static const struct {
		const char *tpl;
		int uses;
	} cases[] = {
	    {"a ${user}", 1}, {"a $${user}", 0}, {"$$$${user}", 0},
	    {"$$${user}", 1}, {"no", 0},	 {"${", 0},
	    {"$ {user}", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!template_uses(cases[i].tpl) != !cases[i].uses)
			fail_msg("template_uses(\"%s\") != %d", cases[i].tpl,
				 cases[i].uses);
}

static void test_render(void **state)
{
	static const struct {
		const char *tpl, *want;
	} cases[] = {
	    {"hi ${user} $$ ${user}", "hi bob $ bob"},
	    {"${other}", "unknown"},
	    {"50$$", "50$"},
	    {"bad $ stays", "bad $ stays"}, /* malformed: copied as text */
	    {"${unterminated", "${unterminated"},
	    {"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;

		buf_init(&b);
		template_render(&b, cases[i].tpl, value, NULL);
		assert_string_equal(b.s, cases[i].want);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_check_no_known),
	    cmocka_unit_test(test_uses),
	    cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
