/* imdb.c: IMDb sentiment (PAPER.md §2.1): each review becomes T = 128 token ids (the first
 * 128 tokens; shorter reviews padded at the end with PAD, so the model runs through the
 * PADs), stored one id per step as a real; the label (0 negative, 1 positive) is read out
 * from the last state (CE, 2 classes). The token encoder (embedding + MLP,
 * tasks/realdata/enc_token.c) turns ids into features.
 *
 * Data: params->data_dir/imdb/{train,test}.tsv (`make datasets-imdb`): 25 000 training
 * reviews, cut 90/10 into 22 500 / 2 500 per seed, and the 25 000 test reviews. Tokenizer
 * and vocabulary: tasks/realdata/data_imdb.h. The vocabulary (PAD, UNK and the `vocab` most frequent
 * words, default 20 000) is built from the training part of the run only, after
 * subsampling, so no validation or test text shapes it.
 *
 * Options (params->opts):
 *   vocab=N    words in the vocabulary (default 20000; the encoder's table must hold N + 2)
 *   glove=1    load GloVe vectors (PAPER.md: glove.6B.100d, frozen) for the vocabulary from
 *              $ALRNN_GLOVE, else <data_dir>/glove/glove.6B.100d.txt; every word GloVe lacks,
 *              PAD and UNK included, gets an N(0, 0.6²) vector from the run's data generator
 *              (§2.1). The table is handed to the encoder (enc_token_set_pretrained).
 *   glove_dim=D  the GloVe file's dimension (default 100; must equal the encoder's D)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_imdb.h"
#include "tasks.h"

enum { IMDB_T = 128, IMDB_CLASSES = 2, IMDB_VOCAB = 20000 };

static void imdb_dims(const struct task_params *p, int *T, int *N, int *K) {
    *T = p->T ? p->T : IMDB_T;
    *N = 1;
    *K = IMDB_CLASSES;
}

static void fill(struct dataset *d, const struct imdb_split *s, const struct imdb_vocab *v,
                 const int *idx, int n, int T, int32_t *ids /* (T) scratch */) {
    dataset_alloc(d, n, T, 1, IMDB_CLASSES, 1, LOSS_CE, 0);
    for (int i = 0; i < n; i++) {
        imdb_encode(v, s->text[idx[i]], ids, (size_t)T);
        real *x = d->x + (size_t)i * T;
        for (int t = 0; t < T; t++) x[t] = (real)ids[t];
        d->label[i] = s->label[idx[i]];
    }
}

/* GloVe rows for the vocabulary, random where missing; handed to the token encoder. */
static void load_glove(const struct task_params *p, const struct imdb_vocab *v, rng_t *r) {
    const int D = task_opt_int(p, "glove_dim", 100);
    char path[4200];
    const char *env = getenv("ALRNN_GLOVE");
    if (env && *env) snprintf(path, sizeof path, "%s", env);
    else snprintf(path, sizeof path, "%s/glove/glove.%s.%dd.txt", p->data_dir ? p->data_dir : "data", "6B", D);
    if (access(path, R_OK) != 0)
        die("%s is missing: GloVe is not part of `make datasets`; download glove.6B.zip from "
            "https://nlp.stanford.edu/projects/glove/ and put glove.6B.%dd.txt there, or set "
            "ALRNN_GLOVE to its path",
            path, D);
    real *E = xmalloc(v->n * D * sizeof(real));
    uint8_t *found = xcalloc(v->n, 1);
    for (size_t i = 0; i < v->n * D; i++) E[i] = (real)(0.6 * rng_normal(r));
    const size_t nf = glove_read(path, v, D, E, found);
    fprintf(stderr, "imdb: GloVe %s covers %zu of %zu vocabulary entries\n", path, nf, v->n);
    enc_token_set_pretrained(E, (int)v->n, D);
    free(E);
    free(found);
}

static void imdb_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                           struct dataset *val, struct dataset *test) {
    int T, N, K;
    imdb_dims(p, &T, &N, &K);
    const char *root = p->data_dir ? p->data_dir : "data";
    char trf[4200], tef[4200];
    snprintf(trf, sizeof trf, "%s/imdb/train.tsv", root);
    snprintf(tef, sizeof tef, "%s/imdb/test.tsv", root);
    realdata_need(trf, "datasets-imdb");
    realdata_need(tef, "datasets-imdb");
    struct imdb_split tr, te;
    imdb_read_tsv(&tr, trf);
    imdb_read_tsv(&te, tef);
    if (tr.n != IMDB_SPLIT_REVIEWS || te.n != IMDB_SPLIT_REVIEWS)
        die("%s: %zu reviews, expected %d: the file is incomplete; rerun `make datasets-imdb`",
            tr.n != IMDB_SPLIT_REVIEWS ? trf : tef,
            tr.n != IMDB_SPLIT_REVIEWS ? tr.n : te.n, IMDB_SPLIT_REVIEWS);

    int *idx = xmalloc(tr.n * sizeof(int));
    int n_train, val_start, n_val;
    realdata_split((int)tr.n, r, p->n_train, p->n_val, idx, &n_train, &val_start, &n_val);
    const char **texts = xmalloc((size_t)n_train * sizeof *texts);
    for (int i = 0; i < n_train; i++) texts[i] = tr.text[idx[i]];
    struct imdb_vocab v;
    imdb_vocab_build(&v, texts, (size_t)n_train, (size_t)task_opt_int(p, "vocab", IMDB_VOCAB));
    free(texts);
    if (task_opt_int(p, "glove", 0)) load_glove(p, &v, r);

    int32_t *ids = xmalloc((size_t)T * sizeof(int32_t));
    fill(train, &tr, &v, idx, n_train, T, ids);
    fill(val, &tr, &v, idx + val_start, n_val, T, ids);
    int *tidx = xmalloc(te.n * sizeof(int));
    const int n_test = realdata_test_order((int)te.n, p->n_test, tidx);
    fill(test, &te, &v, tidx, n_test, T, ids);
    free(ids);
    free(idx);
    free(tidx);
    imdb_vocab_free(&v);
    imdb_split_free(&tr);
    imdb_split_free(&te);
}

const struct task_type task_imdb = {
    .name = "imdb",
    .description = "IMDb sentiment, 128 token ids per review, 2 classes, CE (PAPER.md 2.1)",
    .loss = LOSS_CE,
    .readout = READOUT_LAST,
    .dims = imdb_dims,
    .make_data = imdb_make_data,
};
