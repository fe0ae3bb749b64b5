/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_smtpcode - reply lines, bare codes and knowledge-base keys:
 * table-driven cases, malformed input included
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "smtpcode.h"

struct reply_case {
	const char *in;
	int rc, code, cls, sub, det;
	const char *text;
};

static void test_parse_reply(void **state)
{
	static const struct reply_case cases[] = {
	    {"550 5.1.1 User unknown", 0, 550, 5, 1, 1, "User unknown"},
	    {"550-5.1.1 more", 0, 550, 5, 1, 1, "more"},
	    {"502 Error", 0, 502, 0, 0, 0, "Error"},
	    {"502", 0, 502, 0, 0, 0, ""},
	    {"450 4.7.25 Client host rejected", 0, 450, 4, 7, 25,
	     "Client host rejected"},
	    {"550 5.1.1", 0, 550, 5, 1, 1, ""},
	    {"550 5.1.1000 x", 0, 550, 0, 0, 0, "5.1.1000 x"},
	    {"550 X.1.1 x", 0, 550, 0, 0, 0, "X.1.1 x"},
	    {"650 5.1.1 x", -1, 0, 0, 0, 0, NULL},
	    {"5501", -1, 0, 0, 0, 0, NULL},
	    {"55", -1, 0, 0, 0, 0, NULL},
	    {"abc", -1, 0, 0, 0, 0, NULL},
	    {"560 x", -1, 0, 0, 0, 0, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_status st;
		size_t text;
		int rc = smtpcode_parse_reply(cases[i].in, strlen(cases[i].in),
					      &st, &text);

		assert_int_equal(rc, cases[i].rc);
		if (rc < 0)
			continue;
		assert_int_equal(st.code, cases[i].code);
		assert_int_equal(st.cls, cases[i].cls);
		assert_int_equal(st.subject, cases[i].sub);
		assert_int_equal(st.detail, cases[i].det);
		assert_string_equal(cases[i].in + text, cases[i].text);
	}
}

static void test_parse_enhanced(void **state)
{
	static const struct {
		const char *in;
		int rc, cls, sub, det;
	} cases[] = {
	    {"X.7.26", 0, 0, 7, 26}, {"x.1.1", 0, 0, 1, 1},
	    {"4.2.2", 0, 4, 2, 2},   {"5.999.999", 0, 5, 999, 999},
	    {"3.2.2", -1, 0, 0, 0},  {"5.2", -1, 0, 0, 0},
	    {"5.2.2.", -1, 0, 0, 0}, {"5.1000.1", -1, 0, 0, 0},
	    {"5..1", -1, 0, 0, 0},   {"", -1, 0, 0, 0},
	    {"5.1.1 ", -1, 0, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_status st = {0, 0, 0, 0};
		int rc = smtpcode_parse_enhanced(cases[i].in,
						 strlen(cases[i].in), &st);

		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d, want %d", cases[i].in, rc,
				 cases[i].rc);
		if (rc < 0)
			continue;
		assert_int_equal(st.cls, cases[i].cls);
		assert_int_equal(st.subject, cases[i].sub);
		assert_int_equal(st.detail, cases[i].det);
	}
}

static void test_basic_and_valid(void **state)
{
	static const struct {
		const char *in;
		int rc, code;
	} cases[] = {
	    {"200", 0, 200}, {"559", 0, 559}, {"421", 0, 421}, {"199", -1, 0},
	    {"560", -1, 0},  {"260", -1, 0},  {"600", -1, 0},  {"55", -1, 0},
	    {"5500", -1, 0}, {"5a0", -1, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int code = -7;
		int rc = smtpcode_parse_basic(cases[i].in, strlen(cases[i].in),
					      &code);

		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d, want %d", cases[i].in, rc,
				 cases[i].rc);
		assert_int_equal(code, rc == 0 ? cases[i].code : -7);
	}
	assert_true(smtpcode_valid(250));
	assert_false(smtpcode_valid(265));
	assert_false(smtpcode_valid(0));
}

/* every key form parses to its fields and formats back to itself */
static void test_key(void **state)
{
	static const struct {
		const char *in;
		int rc;
		enum smtp_key_kind kind;
		int cls, enh, code, sub, det;
	} cases[] = {
	    {"550", 0, SMTP_KEY_BASIC, 5, 0, 550, 0, 0},
	    {"235", 0, SMTP_KEY_BASIC, 2, 0, 235, 0, 0},
	    {"5.1.1", 0, SMTP_KEY_ENHANCED, 5, 1, 0, 1, 1},
	    {"X.7.26", 0, SMTP_KEY_ENHANCED, 0, 1, 0, 7, 26},
	    {"5XX", 0, SMTP_KEY_CLASS, 5, 0, 0, 0, 0},
	    {"3XX", 0, SMTP_KEY_CLASS, 3, 0, 0, 0, 0},
	    {"4.X.X", 0, SMTP_KEY_CLASS, 4, 1, 0, 0, 0},
	    {"3.X.X", -1, SMTP_KEY_BASIC, 0, 0, 0, 0, 0},
	    {"6XX", -1, SMTP_KEY_BASIC, 0, 0, 0, 0, 0},
	    {"5xx", -1, SMTP_KEY_BASIC, 0, 0, 0, 0, 0},
	    {"5XXX", -1, SMTP_KEY_BASIC, 0, 0, 0, 0, 0},
	    {"5.X.1", -1, SMTP_KEY_BASIC, 0, 0, 0, 0, 0},
	    {"560", -1, SMTP_KEY_BASIC, 0, 0, 0, 0, 0},
	    {"", -1, SMTP_KEY_BASIC, 0, 0, 0, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_key k = {SMTP_KEY_CLASS, 9, 9, 9, {9, 9, 9, 9}};
		char back[16];
		int rc =
		    smtpcode_parse_key(cases[i].in, strlen(cases[i].in), &k);

		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d, want %d", cases[i].in, rc,
				 cases[i].rc);
		if (rc < 0) {
			assert_int_equal(k.cls, 9); /* untouched */
			continue;
		}
		assert_int_equal(k.kind, cases[i].kind);
		assert_int_equal(k.cls, cases[i].cls);
		assert_int_equal(k.enh, cases[i].enh);
		assert_int_equal(k.code, cases[i].code);
		assert_int_equal(k.st.subject, cases[i].sub);
		assert_int_equal(k.st.detail, cases[i].det);
		smtpcode_format_key(&k, back, sizeof(back));
		assert_string_equal(back, cases[i].in);
	}
}

static void test_enhanced_str(void **state)
{
	struct smtp_status st = {550, 5, 7, 26};
	char out[16];

	(void)state;
	smtpcode_enhanced_str(&st, out, sizeof(out));
	assert_string_equal(out, "5.7.26");
	st.cls = 0;
	smtpcode_enhanced_str(&st, out, sizeof(out));
	assert_string_equal(out, "X.7.26");
	st.subject = st.detail = 999;
	smtpcode_enhanced_str(&st, out, 6);
	assert_string_equal(out, "X.999"); /* cut, terminated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_reply),
	    cmocka_unit_test(test_parse_enhanced),
	    cmocka_unit_test(test_basic_and_valid),
	    cmocka_unit_test(test_key),
	    cmocka_unit_test(test_enhanced_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
