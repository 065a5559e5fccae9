/* pool.h: a fixed team of threads that runs one function over task indices 0..n-1, task i
 * always on thread i (task 0 on the caller), and returns when every task is done.
 *
 * For the sharded training step (train.h, train_config.threads): the tasks are independent
 * slices of a batch, so which thread runs a slice never changes a result; the team exists
 * so that a step does not pay for creating threads. Every worker runs with subnormals
 * flushed (common.h), set by the worker itself. A task that calls die() ends the process
 * from its thread, as from any other.
 */
#ifndef ALRNN_POOL_H
#define ALRNN_POOL_H

struct pool;

/* A team of n >= 1 threads counting the caller (n - 1 are created). Dies if the system
 * cannot create them. */
struct pool *pool_create(int n);
/* fn(ctx, i) for i = 0..n-1 (n as created), i on thread i; returns when all have returned. */
void pool_run(struct pool *p, void (*fn)(void *ctx, int i), void *ctx);
void pool_free(struct pool *p);

#endif
