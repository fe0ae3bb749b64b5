/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_store - the config store: publish, pin, release and generation,
 * one reference per pin; a snapshot pinned before a publish stays whole
 * until released; readers that pin and release in threads while another
 * thread publishes (also built with ThreadSanitizer: test_store_tsan)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>

#include "testutil.h"
#include "store.h"

#define NCONF 4	    /* snapshots published by the thread test */
#define NREADERS 4  /* reader threads */
#define READS 20000 /* pins per reader */

/* load - a small config (shipped knowledge base); NULL fails the test */
static struct config *load(int max_lines)
{
	char err[512], path[64], body[64];
	struct config *cfg;

	snprintf(body, sizeof(body), "max_lines = %d;\n", max_lines);
	cfg = tu_load(body, err, sizeof(err), path, sizeof(path));
	unlink(path);
	if (cfg == NULL)
		fail_msg("%s", err);
	return cfg;
}

static void test_refs(void **state)
{
	struct config *a = load(3), *b = load(4), *p, *q;
	unsigned long g0 = store_generation();

	(void)state;
	assert_null(store_pin()); /* nothing published yet */
	store_release(NULL);
	store_publish(a);
	assert_int_equal(store_generation(), g0 + 1);
	assert_int_equal(a->refs, 1);
	p = store_pin();
	q = store_pin();
	assert_ptr_equal(p, a);
	assert_ptr_equal(q, a);
	assert_int_equal(a->refs, 3);
	store_release(q);
	/* a new snapshot: the pinned one stays whole until released */
	store_publish(b);
	assert_int_equal(store_generation(), g0 + 2);
	assert_int_equal(a->refs, 1);
	assert_int_equal(p->max_lines, 3);
	q = store_pin();
	assert_ptr_equal(q, b);
	assert_int_equal(q->max_lines, 4);
	store_release(q);
	store_release(p); /* the last reference: a is freed here */
	assert_int_equal(b->refs, 1);
	store_shutdown();
	assert_null(store_pin());
	assert_int_equal(store_generation(), g0 + 2);
}

/* reader - pin, check the snapshot is one of the published, release */
static void *reader(void *arg)
{
	long bad = 0;

	(void)arg;
	for (int i = 0; i < READS; i++) {
		struct config *cfg = store_pin();

		if (cfg == NULL || cfg->max_lines < 10 ||
		    cfg->max_lines >= 10 + NCONF + 1)
			bad++;
		store_release(cfg);
	}
	return (void *)bad;
}

/* publisher - publish the prepared snapshots one after the other */
static void *publisher(void *arg)
{
	struct config **next = arg;

	for (int i = 0; i < NCONF; i++)
		store_publish(next[i]);
	return NULL;
}

static void test_threads(void **state)
{
	struct config *next[NCONF];
	pthread_t r[NREADERS], w;
	unsigned long g0;

	(void)state;
	for (int i = 0; i < NCONF; i++)
		next[i] = load(11 + i);
	store_publish(load(10));
	g0 = store_generation();
	for (int i = 0; i < NREADERS; i++)
		assert_int_equal(pthread_create(&r[i], NULL, reader, NULL), 0);
	assert_int_equal(pthread_create(&w, NULL, publisher, next), 0);
	assert_int_equal(pthread_join(w, NULL), 0);
	for (int i = 0; i < NREADERS; i++) {
		void *bad;

		assert_int_equal(pthread_join(r[i], &bad), 0);
		assert_null(bad);
	}
	assert_int_equal(store_generation(), g0 + NCONF);
	assert_ptr_equal(store_pin(), next[NCONF - 1]);
	assert_int_equal(next[NCONF - 1]->refs, 2);
	store_release(next[NCONF - 1]);
	store_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refs),
	    cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
