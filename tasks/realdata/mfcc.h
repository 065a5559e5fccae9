/* mfcc.h: MFCC features as torchaudio.transforms.MFCC computes them (PAPER.md §2.3), through
 * FFTW (single precision, real-to-complex), plus per-coefficient z-scoring statistics.
 *
 * Pipeline for a clip x (n samples), frame t = 0..T-1, T = 1 + (n + 2*(n_fft/2) - n_fft)/hop:
 *   1. centre padding: n_fft/2 samples on each side by reflection (x[-i] = x[i]);
 *   2. frame t = padded[t*hop .. t*hop + n_fft) times a periodic Hann window,
 *      w[j] = 0.5 - 0.5 cos(2 pi j / n_fft) (torch.hann_window's default);
 *   3. power spectrum |X_k|^2, k = 0..n_fft/2 (no normalisation);
 *   4. mel energies E_m = sum_k fb[m][k] |X_k|^2, HTK mel scale mel = 2595 log10(1 + f/700),
 *      n_mels triangles with corners equally spaced in mel between f_min and f_max, peak 1,
 *      no area normalisation (torchaudio melscale_fbanks, norm=None, mel_scale="htk");
 *   5. dB: L = 10 log10(max(E, amin)), then clamped from below at max(L over the clip) - top_db
 *      (torchaudio AmplitudeToDB("power", top_db=80), the MFCC transform's default log);
 *   6. c = DCT-II, orthonormal, of the n_mels values, keeping the first n_mfcc:
 *      c_k = s_k sum_m L_m cos(pi k (m + 1/2) / n_mels), s_0 = sqrt(1/n_mels), s_k =
 * sqrt(2/n_mels).
 *
 * A `struct mfcc` owns the FFTW plan (made once, FFTW_ESTIMATE), the window, the filterbank
 * and the DCT matrix for one configuration; it is reused for every clip and is not
 * thread-safe (one object per thread). No resampling, no deltas, no padding between clips.
 */
#ifndef ALRNN_MFCC_H
#define ALRNN_MFCC_H

#include <stddef.h>

#include "common.h"

struct mfcc_params {
    int sample_rate; /* Hz */
    int n_fft;       /* window length = FFT length, samples */
    int hop;         /* samples between frame starts */
    int n_mels;      /* mel bands */
    int n_mfcc;      /* coefficients kept, <= n_mels */
    double f_min;    /* filterbank band, Hz */
    double f_max;    /* Hz; <= 0 means sample_rate / 2 */
    double amin;     /* power floor before the log (torchaudio: 1e-10) */
    double top_db;   /* dynamic range kept below the clip's maximum, dB; 0 = no clamp */
};

/* Paper (PAPER.md §2.3, Speech Commands, 16 kHz): n_fft 400 (25 ms), hop 40 (2.5 ms),
 * 64 mels, 40 coefficients. */
struct mfcc_params mfcc_params_paper(void);

/* FSDD (8 kHz): n_fft 200 (25 ms), hop 80 (10 ms), 40 mels, 40 coefficients: the paper's
 * window in ms and its 40 encoder inputs. 40 rather than 64 mels: with 40 Hz bins, 13 of
 * 64 bands would cover a single FFT bin (1 of 40 does); the paper's 16 kHz setting has 3.
 * The hop is 10 ms, not the paper's 2.5 ms, giving 15..229 frames per clip instead of 4x that. */
struct mfcc_params mfcc_params_fsdd(void);

struct mfcc; /* opaque: plan, buffers, window, filterbank, DCT */

struct mfcc *mfcc_init(const struct mfcc_params *p); /* dies on invalid parameters */
void mfcc_free(struct mfcc *m);

size_t mfcc_n_frames(const struct mfcc *m, size_t n_samples); /* T for a clip, n >= 1 */

/* Steps 1-5: the dB mel spectrogram, out (T, n_mels). */
void mfcc_log_mel(struct mfcc *m, const float *x, size_t n, real *out);

/* Steps 1-6: out (T, n_mfcc). */
void mfcc_compute(struct mfcc *m, const float *x, size_t n, real *out);

/* Building blocks, exposed for tests and plots. */
double mfcc_hz_to_mel(double hz);
double mfcc_mel_to_hz(double mel);
/* fb (n_mels, n_fft/2 + 1); frequency of bin k = k * (sample_rate/2) / (n_fft/2). */
void mfcc_mel_filterbank(const struct mfcc_params *p, double *fb);
/* D (n_mfcc, n_mels), c = D L. */
void mfcc_dct_matrix(int n_mels, int n_mfcc, double *D);

/* Per-coefficient mean and standard deviation over all frames of a set of clips (PAPER.md
 * §2.3: from a random subset of the training clips, chosen by the caller). Welford updates
 * in double, so the order of clips changes the result only by rounding. */
struct mfcc_stats {
    int C;        /* coefficients per frame */
    long long n;  /* frames seen */
    double *mean; /* (C) running mean */
    double *m2;   /* (C) running sum of squared deviations */
};

void mfcc_stats_init(struct mfcc_stats *s, int C);
void mfcc_stats_add(struct mfcc_stats *s, const real *feat, size_t T); /* feat (T, C) */
/* mean, std (C): sample std (n - 1); a coefficient with std < 1e-8 gets std 1, so z-scoring
 * maps it to 0 instead of dividing by zero. Dies if fewer than 2 frames were added. */
void mfcc_stats_finish(const struct mfcc_stats *s, real *mean, real *std);
void mfcc_stats_free(struct mfcc_stats *s);

/* feat (T, C) <- (feat - mean) / std, per coefficient. */
void mfcc_zscore(real *feat, size_t T, int C, const real *mean, const real *std);

#endif
