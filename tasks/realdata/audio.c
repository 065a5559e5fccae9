/* audio.c: spoken-word classification from MFCC frames (PAPER.md §2.3). Each clip becomes
 * T frames of 40 MFCCs (tasks/realdata/mfcc.h), z-scored per coefficient with the mean and std of a
 * random 10% (at most 10 000) of the training clips, then zero-padded at the end (or cut) to
 * T frames; the class is read out from the last state (CE, 10 classes). The audio encoder
 * (two convolutions, tasks/realdata/enc_audio.c) sits before the AL-RNN.
 *
 * Two data sets:
 *   FSDD (default, offline; `make datasets-fsdd`): <data_dir>/fsdd/recordings, 3 000 clips of
 *     the digits 0..9 at 8 kHz, 6 speakers. Official split: repetitions 0..4 are the test set
 *     (300), the other 2 700 are cut 90/10 per seed. MFCC: mfcc_params_fsdd() (25 ms window,
 *     10 ms hop, 40 mels). T = 100 frames (1 s) by default: 99% of the clips fit, the longest
 *     (up to 229 frames) lose their end. The paper pads each batch to its longest clip; a
 *     data set here has one T, so padding is to T for all.
 *   Google Speech Commands (the paper's set; opts "sc=1"; `make datasets-speechcommands`):
 *     <data_dir>/speechcommands/v0.02/<word>/<clip>.wav (opts "sc_version=1" reads v0.01), the
 *     10 keywords down go left no off on right stop up yes, 16 kHz. The clips named in the
 *     release's testing_list.txt are the test set; all other clips of the 10 words are cut
 *     90/10 per seed (the paper passes separate train and test roots and splits train 90/10).
 *     MFCC: mfcc_params_paper() (n_fft 400, hop 40, 64 mels): T = 401 frames for 1 s.
 * Splits and subsampling: tasks/realdata/realdata.h.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_wav.h"
#include "mfcc.h"
#include "tasks.h"

enum { AUDIO_CLASSES = 10, AUDIO_MFCC = 40, FSDD_T = 100, SC_T = 401 };

static const char *const sc_words[AUDIO_CLASSES] = {"down", "go",    "left", "no", "off",
                                                    "on",   "right", "stop", "up", "yes"};

static void audio_dims(const struct task_params *p, int *T, int *N, int *K) {
    *T = p->T ? p->T : task_opt_int(p, "sc", 0) ? SC_T : FSDD_T;
    *N = AUDIO_MFCC;
    *K = AUDIO_CLASSES;
}

struct clip {
    char *path;
    int label;
    int test; /* in the official test set */
};

struct clip_list {
    int n, cap;
    struct clip *c;
};

static void clip_add(struct clip_list *l, const char *path, int label, int test) {
    if (l->n == l->cap) l->c = xrealloc(l->c, (size_t)(l->cap = l->cap ? 2 * l->cap : 256) * sizeof *l->c);
    l->c[l->n++] = (struct clip){xstrdup(path), label, test};
}

static void clip_list_free(struct clip_list *l) {
    for (int i = 0; i < l->n; i++) free(l->c[i].path);
    free(l->c);
}

static void list_fsdd(const char *root, struct clip_list *l) {
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/fsdd/recordings", root);
    realdata_need(dir, "datasets-fsdd");
    struct fsdd_list f;
    fsdd_list_dir(&f, dir);
    if (f.n != FSDD_CLIPS)
        die("%s holds %zu FSDD clips, expected %d: the directory is incomplete or mixed; "
            "rerun `make datasets-fsdd` (it verifies every file)", dir, f.n, FSDD_CLIPS);
    for (size_t i = 0; i < f.n; i++) {
        wav_check_riff(f.item[i].path); /* every clip, not only the ones a profile reads */
        clip_add(l, f.item[i].path, f.item[i].digit, fsdd_is_test(&f.item[i]));
    }
    fsdd_list_free(&f);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines of a text file ("word/file.wav"), sorted for bsearch. */
static char **read_lines(const char *path, int *n) {
    FILE *f = fopen(path, "r");
    if (!f) die("cannot read %s (part of the Speech Commands release)", path);
    char **lines = NULL, buf[1024];
    int cap = 0;
    *n = 0;
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = 0;
        if (!buf[0]) continue;
        if (*n == cap) lines = xrealloc(lines, (size_t)(cap = cap ? 2 * cap : 1024) * sizeof *lines);
        lines[(*n)++] = xstrdup(buf);
    }
    fclose(f);
    qsort(lines, (size_t)*n, sizeof *lines, cmp_str);
    return lines;
}

static void list_speechcommands(const char *root, int version, struct clip_list *l) {
    char base[4200], path[4400];
    snprintf(base, sizeof base, "%s/speechcommands/v0.0%d", root, version);
    realdata_need(base, "datasets-speechcommands");
    snprintf(path, sizeof path, "%s/testing_list.txt", base);
    int n_test_lines;
    char **test_lines = read_lines(path, &n_test_lines);
    for (int w = 0; w < AUDIO_CLASSES; w++) {
        char dir[4300];
        snprintf(dir, sizeof dir, "%s/%s", base, sc_words[w]);
        DIR *d = opendir(dir);
        if (!d) die("cannot open %s (Speech Commands word folder)", dir);
        char **names = NULL;
        int n = 0, cap = 0;
        for (struct dirent *e; (e = readdir(d));) {
            const size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".wav") != 0) continue;
            if (n == cap) names = xrealloc(names, (size_t)(cap = cap ? 2 * cap : 1024) * sizeof *names);
            names[n++] = xstrdup(e->d_name);
        }
        closedir(d);
        qsort(names, (size_t)n, sizeof *names, cmp_str); /* independent of readdir order */
        for (int i = 0; i < n; i++) {
            char rel[600], *key = rel;
            snprintf(rel, sizeof rel, "%s/%s", sc_words[w], names[i]);
            const int test = bsearch(&key, test_lines, (size_t)n_test_lines, sizeof *test_lines,
                                     cmp_str) != NULL;
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            clip_add(l, path, w, test);
            free(names[i]);
        }
        free(names);
    }
    for (int i = 0; i < n_test_lines; i++) free(test_lines[i]);
    free(test_lines);
}

/* MFCC frames of clips sel[0..n) into d (allocated here): the first min(frames, T) raw
 * frames of each clip; used[i] receives that count. */
static void fill(struct dataset *d, const struct clip_list *l, const int *sel, int n, int T,
                 struct mfcc *mf, int sample_rate, int *used) {
    dataset_alloc(d, n, T, AUDIO_MFCC, AUDIO_CLASSES, 1, LOSS_CE, 0);
    real *buf = NULL;
    size_t cap = 0;
    for (int i = 0; i < n; i++) {
        const struct clip *c = &l->c[sel[i]];
        size_t ns;
        int sr;
        float *wav = wav_read_mono(c->path, &ns, &sr);
        if (sr != sample_rate)
            die("%s: sample rate %d Hz, expected %d Hz for this data set", c->path, sr, sample_rate);
        const size_t nf = mfcc_n_frames(mf, ns);
        if (nf * AUDIO_MFCC > cap) buf = xrealloc(buf, (cap = nf * AUDIO_MFCC) * sizeof(real));
        mfcc_compute(mf, wav, ns, buf);
        free(wav);
        used[i] = (int)(nf < (size_t)T ? nf : (size_t)T);
        memcpy(d->x + (size_t)i * T * AUDIO_MFCC, buf, (size_t)used[i] * AUDIO_MFCC * sizeof(real));
        d->label[i] = c->label;
    }
    free(buf);
}

static void zscore(struct dataset *d, const int *used, const real *mean, const real *sd) {
    for (int i = 0; i < d->n; i++)
        mfcc_zscore(d->x + (size_t)i * d->T * AUDIO_MFCC, (size_t)used[i], AUDIO_MFCC, mean, sd);
}

static void audio_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                            struct dataset *val, struct dataset *test) {
    int T, N, K;
    audio_dims(p, &T, &N, &K);
    const char *root = p->data_dir ? p->data_dir : "data";
    const int sc = task_opt_int(p, "sc", 0);
    struct clip_list l = {0};
    if (sc) list_speechcommands(root, task_opt_int(p, "sc_version", 2), &l);
    else list_fsdd(root, &l);
    const struct mfcc_params mp = sc ? mfcc_params_paper() : mfcc_params_fsdd();

    /* pools: the official test clips, the rest for train/validation */
    int *pool = xmalloc((size_t)l.n * sizeof(int)), *tpool = xmalloc((size_t)l.n * sizeof(int));
    int n_pool = 0, n_tpool = 0;
    for (int i = 0; i < l.n; i++) {
        if (l.c[i].test) tpool[n_tpool++] = i;
        else pool[n_pool++] = i;
    }
    if (n_pool < 10 || n_tpool < 1) die("%s: too few clips (%d train, %d test)", root, n_pool, n_tpool);
    int *idx = xmalloc((size_t)n_pool * sizeof(int)), *sel = xmalloc((size_t)l.n * sizeof(int));
    int n_train, val_start, n_val;
    realdata_split(n_pool, r, p->n_train, p->n_val, idx, &n_train, &val_start, &n_val);
    int *tord = xmalloc((size_t)n_tpool * sizeof(int));
    const int n_test = realdata_test_order(n_tpool, p->n_test, tord);

    struct mfcc *mf = mfcc_init(&mp);
    int *used[3] = {xmalloc((size_t)n_train * sizeof(int)), xmalloc((size_t)(n_val ? n_val : 1) * sizeof(int)),
                    xmalloc((size_t)n_test * sizeof(int))};
    for (int i = 0; i < n_train; i++) sel[i] = pool[idx[i]];
    fill(train, &l, sel, n_train, T, mf, mp.sample_rate, used[0]);
    for (int i = 0; i < n_val; i++) sel[i] = pool[idx[val_start + i]];
    fill(val, &l, sel, n_val, T, mf, mp.sample_rate, used[1]);
    for (int i = 0; i < n_test; i++) sel[i] = tpool[tord[i]];
    fill(test, &l, sel, n_test, T, mf, mp.sample_rate, used[2]);
    mfcc_free(mf);

    /* PAPER.md §2.3: per-coefficient statistics of a random 10% (at most 10 000) of the
     * training clips, over the frames that enter the model */
    int n_stat = n_train / 10;
    if (n_stat < 1) n_stat = 1;
    if (n_stat > 10000) n_stat = 10000;
    int *order = xmalloc((size_t)n_train * sizeof(int));
    for (int i = 0; i < n_train; i++) order[i] = i;
    rng_shuffle_int(r, order, n_train);
    struct mfcc_stats st;
    mfcc_stats_init(&st, AUDIO_MFCC);
    for (int k = 0; k < n_stat || st.n < 2; k++) {
        ASSERT(k < n_train);
        mfcc_stats_add(&st, train->x + (size_t)order[k] * T * AUDIO_MFCC, (size_t)used[0][order[k]]);
    }
    real mean[AUDIO_MFCC], sd[AUDIO_MFCC];
    mfcc_stats_finish(&st, mean, sd);
    mfcc_stats_free(&st);
    zscore(train, used[0], mean, sd);
    zscore(val, used[1], mean, sd);
    zscore(test, used[2], mean, sd);

    for (int s = 0; s < 3; s++) free(used[s]);
    free(order), free(pool), free(tpool), free(idx), free(sel), free(tord);
    clip_list_free(&l);
}

const struct task_type task_audio = {
    .name = "audio",
    .description = "spoken words (FSDD digits, or Speech Commands with sc=1), 40 MFCCs per "
                   "frame, 10 classes, CE (PAPER.md 2.3)",
    .loss = LOSS_CE,
    .readout = READOUT_LAST,
    .dims = audio_dims,
    .make_data = audio_make_data,
};
