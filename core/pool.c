/* pool.c: the thread team of pool.h, one mutex and two condition variables.
 *
 * A job is published by bumping `generation`; each worker runs its task for every new
 * generation and counts itself done; the caller runs task 0 and waits for the count. */
#include "pool.h"

#include <pthread.h>
#include <string.h>

#include "common.h"

struct worker {
    struct pool *p;
    int i;
    pthread_t tid;
};

struct pool {
    int n;
    pthread_mutex_t mu;
    pthread_cond_t start, done;
    unsigned long generation; /* jobs published */
    int pending;              /* workers still running the current job */
    int quit;
    void (*fn)(void *ctx, int i);
    void *ctx;
    struct worker *w; /* (n - 1) */
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    struct pool *p = w->p;
    fp_flush_subnormals(); /* the caller's mode, in this thread too */
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->generation == seen && !p->quit) pthread_cond_wait(&p->start, &p->mu);
        if (p->quit) break;
        seen = p->generation;
        void (*fn)(void *, int) = p->fn;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->mu);
        fn(ctx, w->i);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct pool *pool_create(int n) {
    ASSERT(n >= 1);
    struct pool *p = xcalloc(1, sizeof *p);
    p->n = n;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->start, NULL);
    pthread_cond_init(&p->done, NULL);
    p->w = n > 1 ? xcalloc((size_t)n - 1, sizeof *p->w) : NULL;
    for (int i = 1; i < n; i++) {
        struct worker *w = &p->w[i - 1];
        w->p = p, w->i = i;
        const int err = pthread_create(&w->tid, NULL, worker_main, w);
        if (err) die("cannot start training thread %d of %d: %s", i + 1, n, strerror(err));
    }
    return p;
}

void pool_run(struct pool *p, void (*fn)(void *ctx, int i), void *ctx) {
    if (p->n > 1) {
        pthread_mutex_lock(&p->mu);
        p->fn = fn, p->ctx = ctx;
        p->pending = p->n - 1;
        p->generation++;
        pthread_cond_broadcast(&p->start);
        pthread_mutex_unlock(&p->mu);
    }
    fn(ctx, 0);
    if (p->n > 1) {
        pthread_mutex_lock(&p->mu);
        while (p->pending > 0) pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

void pool_free(struct pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i < p->n; i++) pthread_join(p->w[i - 1].tid, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->start);
    pthread_cond_destroy(&p->done);
    free(p->w);
    free(p);
}
