/* mfcc.c: framing, FFTW r2c power spectrum, mel filterbank, dB, DCT-II; z-score statistics. */
#include "mfcc.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MFCC_PI 3.14159265358979323846

struct mfcc {
    struct mfcc_params p;
    int n_freq;          /* n_fft/2 + 1 */
    float *frame;        /* (n_fft) FFTW input, fftwf_malloc'd (aligned) */
    fftwf_complex *spec; /* (n_freq) FFTW output */
    fftwf_plan plan;     /* r2c of frame into spec, planned once */
    float *window;       /* (n_fft) periodic Hann */
    double *fb;          /* (n_mels, n_freq) */
    int *fb_lo, *fb_hi;  /* (n_mels) nonzero bins of each row: [lo, hi) */
    double *dct;         /* (n_mfcc, n_mels) */
    real *mel;           /* (cap_frames, n_mels) scratch for mfcc_compute */
    size_t cap_frames;   /* frames `mel` has room for */
};

struct mfcc_params mfcc_params_paper(void) {
    return (struct mfcc_params){.sample_rate = 16000,
                                .n_fft = 400,
                                .hop = 40,
                                .n_mels = 64,
                                .n_mfcc = 40,
                                .f_min = 0,
                                .f_max = 0,
                                .amin = 1e-10,
                                .top_db = 80};
}

struct mfcc_params mfcc_params_fsdd(void) {
    return (struct mfcc_params){.sample_rate = 8000,
                                .n_fft = 200,
                                .hop = 80,
                                .n_mels = 40,
                                .n_mfcc = 40,
                                .f_min = 0,
                                .f_max = 0,
                                .amin = 1e-10,
                                .top_db = 80};
}

double mfcc_hz_to_mel(double hz) { return 2595.0 * log10(1.0 + hz / 700.0); }
double mfcc_mel_to_hz(double mel) { return 700.0 * (pow(10.0, mel / 2595.0) - 1.0); }

static double f_max_of(const struct mfcc_params *p) {
    return p->f_max > 0 ? p->f_max : 0.5 * p->sample_rate;
}

/* torchaudio melscale_fbanks(htk, norm=None): corners f_0..f_{n_mels+1} equally spaced in
 * mel; row m rises from f_m to 1 at f_{m+1} and falls to 0 at f_{m+2}. */
void mfcc_mel_filterbank(const struct mfcc_params *p, double *fb) {
    int n_freq = p->n_fft / 2 + 1, M = p->n_mels;
    double mel_lo = mfcc_hz_to_mel(p->f_min), mel_hi = mfcc_hz_to_mel(f_max_of(p));
    double *f = xmalloc((size_t)(M + 2) * sizeof *f);
    for (int i = 0; i < M + 2; i++) f[i] = mfcc_mel_to_hz(mel_lo + (mel_hi - mel_lo) * i / (M + 1));
    for (int m = 0; m < M; m++) {
        for (int k = 0; k < n_freq; k++) {
            double hz = 0.5 * p->sample_rate * k / (n_freq - 1);
            double up = (hz - f[m]) / (f[m + 1] - f[m]);
            double down = (f[m + 2] - hz) / (f[m + 2] - f[m + 1]);
            double v = up < down ? up : down;
            fb[(size_t)m * n_freq + k] = v > 0 ? v : 0;
        }
    }
    free(f);
}

void mfcc_dct_matrix(int n_mels, int n_mfcc, double *D) {
    for (int k = 0; k < n_mfcc; k++) {
        double s = sqrt((k == 0 ? 1.0 : 2.0) / n_mels);
        for (int m = 0; m < n_mels; m++)
            D[(size_t)k * n_mels + m] = s * cos(MFCC_PI * k * (m + 0.5) / n_mels);
    }
}

struct mfcc *mfcc_init(const struct mfcc_params *p) {
    if (p->sample_rate <= 0 || p->n_fft < 2 || p->hop < 1 || p->n_mels < 1 || p->n_mfcc < 1 ||
        p->n_mfcc > p->n_mels)
        die("mfcc: invalid parameters (sample_rate %d, n_fft %d, hop %d, n_mels %d, n_mfcc %d): "
            "need n_fft >= 2, hop >= 1, 1 <= n_mfcc <= n_mels",
            p->sample_rate, p->n_fft, p->hop, p->n_mels, p->n_mfcc);
    if (!(p->f_min >= 0 && p->f_min < f_max_of(p) && f_max_of(p) <= 0.5 * p->sample_rate))
        die("mfcc: band %g..%g Hz is not inside 0..%g Hz", p->f_min, f_max_of(p),
            0.5 * p->sample_rate);
    if (!(p->amin > 0) || !(p->top_db >= 0)) die("mfcc: need amin > 0 and top_db >= 0");

    struct mfcc *m = xcalloc(1, sizeof *m);
    m->p = *p;
    m->n_freq = p->n_fft / 2 + 1;
    m->frame = fftwf_malloc((size_t)p->n_fft * sizeof *m->frame);
    m->spec = fftwf_malloc((size_t)m->n_freq * sizeof *m->spec);
    if (!m->frame || !m->spec) die("mfcc: out of memory for FFT buffers (n_fft %d)", p->n_fft);
    m->plan = fftwf_plan_dft_r2c_1d(p->n_fft, m->frame, m->spec, FFTW_ESTIMATE);
    if (!m->plan) die("mfcc: FFTW could not plan a real FFT of size %d", p->n_fft);

    m->window = xmalloc((size_t)p->n_fft * sizeof *m->window);
    for (int j = 0; j < p->n_fft; j++)
        m->window[j] = (float)(0.5 - 0.5 * cos(2.0 * MFCC_PI * j / p->n_fft));

    m->fb = xmalloc((size_t)p->n_mels * m->n_freq * sizeof *m->fb);
    mfcc_mel_filterbank(p, m->fb);
    m->fb_lo = xmalloc((size_t)p->n_mels * sizeof *m->fb_lo);
    m->fb_hi = xmalloc((size_t)p->n_mels * sizeof *m->fb_hi);
    for (int r = 0; r < p->n_mels; r++) {
        const double *row = m->fb + (size_t)r * m->n_freq;
        int lo = 0, hi = m->n_freq;
        while (lo < hi && row[lo] == 0) lo++;
        while (hi > lo && row[hi - 1] == 0) hi--;
        m->fb_lo[r] = lo;
        m->fb_hi[r] = hi;
    }
    m->dct = xmalloc((size_t)p->n_mfcc * p->n_mels * sizeof *m->dct);
    mfcc_dct_matrix(p->n_mels, p->n_mfcc, m->dct);
    return m;
}

void mfcc_free(struct mfcc *m) {
    if (!m) return;
    fftwf_destroy_plan(m->plan);
    fftwf_free(m->frame);
    fftwf_free(m->spec);
    free(m->window);
    free(m->fb);
    free(m->fb_lo);
    free(m->fb_hi);
    free(m->dct);
    free(m->mel);
    free(m);
}

size_t mfcc_n_frames(const struct mfcc *m, size_t n) {
    ASSERT(n >= 1);
    size_t pad = (size_t)m->p.n_fft / 2, len = n + 2 * pad;
    if (len < (size_t)m->p.n_fft) return 1; /* odd n_fft and a 1-sample clip */
    return 1 + (len - (size_t)m->p.n_fft) / (size_t)m->p.hop;
}

/* Sample i of the clip extended by reflection about its ends (x[-i] = x[i],
 * x[n-1+i] = x[n-1-i]), repeated for clips shorter than the padding. */
static float reflect_at(const float *x, size_t n, long i) {
    if (n == 1) return x[0];
    long period = 2 * ((long)n - 1);
    long j = i % period;
    if (j < 0) j += period;
    return x[j < (long)n ? j : period - j];
}

void mfcc_log_mel(struct mfcc *m, const float *x, size_t n, real *out) {
    const int N = m->p.n_fft, M = m->p.n_mels;
    const long pad = N / 2;
    size_t T = mfcc_n_frames(m, n);
    double top = -HUGE_VAL;
    for (size_t t = 0; t < T; t++) {
        long start = (long)(t * (size_t)m->p.hop) - pad;
        if (start >= 0 && start + N <= (long)n) {
            for (int j = 0; j < N; j++) m->frame[j] = x[start + j] * m->window[j];
        } else {
            for (int j = 0; j < N; j++) m->frame[j] = reflect_at(x, n, start + j) * m->window[j];
        }
        fftwf_execute(m->plan);
        real *row = out + t * (size_t)M;
        for (int r = 0; r < M; r++) {
            const double *w = m->fb + (size_t)r * m->n_freq;
            double e = 0;
            for (int k = m->fb_lo[r]; k < m->fb_hi[r]; k++) {
                double re = m->spec[k][0], im = m->spec[k][1];
                e += w[k] * (re * re + im * im);
            }
            double db = 10.0 * log10(e > m->p.amin ? e : m->p.amin);
            row[r] = (real)db;
            if (db > top) top = db;
        }
    }
    if (m->p.top_db > 0) {
        real floor_db = (real)(top - m->p.top_db);
        for (size_t i = 0; i < T * (size_t)M; i++)
            if (out[i] < floor_db) out[i] = floor_db;
    }
}

void mfcc_compute(struct mfcc *m, const float *x, size_t n, real *out) {
    const int M = m->p.n_mels, C = m->p.n_mfcc;
    size_t T = mfcc_n_frames(m, n);
    if (T > m->cap_frames) {
        m->cap_frames = T;
        m->mel = xrealloc(m->mel, T * (size_t)M * sizeof *m->mel);
    }
    mfcc_log_mel(m, x, n, m->mel);
    for (size_t t = 0; t < T; t++) {
        const real *L = m->mel + t * (size_t)M;
        for (int k = 0; k < C; k++) {
            const double *d = m->dct + (size_t)k * M;
            double c = 0;
            for (int r = 0; r < M; r++) c += d[r] * L[r];
            out[t * (size_t)C + k] = (real)c;
        }
    }
}

void mfcc_stats_init(struct mfcc_stats *s, int C) {
    ASSERT(C >= 1);
    s->C = C;
    s->n = 0;
    s->mean = xcalloc((size_t)C, sizeof *s->mean);
    s->m2 = xcalloc((size_t)C, sizeof *s->m2);
}

void mfcc_stats_add(struct mfcc_stats *s, const real *feat, size_t T) {
    for (size_t t = 0; t < T; t++) {
        s->n++;
        for (int c = 0; c < s->C; c++) {
            double v = feat[t * (size_t)s->C + c], d = v - s->mean[c];
            s->mean[c] += d / (double)s->n;
            s->m2[c] += d * (v - s->mean[c]);
        }
    }
}

/* Below this a coefficient is constant up to rounding: std 1 keeps z-scoring finite. */
#define MFCC_STD_FLOOR 1e-8

void mfcc_stats_finish(const struct mfcc_stats *s, real *mean, real *std) {
    if (s->n < 2) die("mfcc: z-scoring statistics need at least 2 frames, got %lld", s->n);
    for (int c = 0; c < s->C; c++) {
        double sd = sqrt(s->m2[c] / (double)(s->n - 1));
        mean[c] = (real)s->mean[c];
        std[c] = (real)(sd < MFCC_STD_FLOOR ? 1.0 : sd);
    }
}

void mfcc_stats_free(struct mfcc_stats *s) {
    free(s->mean);
    free(s->m2);
    memset(s, 0, sizeof *s);
}

void mfcc_zscore(real *feat, size_t T, int C, const real *mean, const real *std) {
    for (size_t t = 0; t < T; t++)
        for (int c = 0; c < C; c++)
            feat[t * (size_t)C + c] = (feat[t * (size_t)C + c] - mean[c]) / std[c];
}
