/* rng.h: one explicit, seedable random generator per run (xoshiro256**, seeded through
 * splitmix64). Never rand(): every draw in the project comes from an rng_t the caller owns.
 *
 * A run derives independent streams from (seed, stream) with rng_init(), one per purpose,
 * so adding draws to one purpose never shifts another:
 *     RNG_STREAM_DATA   generation / subsampling of the data sets
 *     RNG_STREAM_INIT   parameter initialisation
 *     RNG_STREAM_BATCH  minibatch order and per-batch random initial states during training
 *     RNG_STREAM_EVAL   random initial states during evaluation (restarted at every evaluation)
 *     RNG_STREAM_RESAMPLE  fresh training trials per epoch (task resample hook), split per epoch
 * Tasks that need several independent data streams (train/val/test) call rng_split().
 */
#ifndef ALRNN_RNG_H
#define ALRNN_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rng_t;

enum { RNG_STREAM_DATA = 1, RNG_STREAM_INIT = 2, RNG_STREAM_BATCH = 3, RNG_STREAM_EVAL = 4,
       RNG_STREAM_RESAMPLE = 5 };

void rng_init(rng_t *r, uint64_t seed, uint64_t stream);
rng_t rng_split(rng_t *parent, uint64_t stream); /* child stream; advances the parent once */
uint64_t rng_u64(rng_t *r);
double rng_uniform(rng_t *r);                    /* [0, 1), 53 random bits */
double rng_uniform_range(rng_t *r, double lo, double hi);
double rng_normal(rng_t *r);                     /* N(0, 1), Box-Muller, no cached state */
uint32_t rng_below(rng_t *r, uint32_t n);        /* uniform integer in [0, n), unbiased */
int rng_int_range(rng_t *r, int lo, int hi);     /* uniform integer in [lo, hi), hi exclusive */
void rng_shuffle_int(rng_t *r, int *a, int n);   /* Fisher-Yates */

#endif
