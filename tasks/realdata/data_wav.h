/* data_wav.h: mono WAV reading through libsndfile, and the FSDD file list.
 *
 * wav_read_mono() accepts anything libsndfile reads (FSDD and Speech Commands are 16-bit PCM
 * WAV) with exactly one channel, and returns float samples in libsndfile's normalisation
 * (PCM16 value / 32768, so [-1, 1)). It does not resample or downmix: a stereo file or an
 * unreadable one is fatal, with the file named. A RIFF/WAVE file is first checked against its
 * own header: the RIFF size and the data chunk must fit in the file (libsndfile alone reads a
 * cut file as a shorter clip), so a truncated WAV is fatal too.
 *
 * FSDD (shared/datasets/fsdd/SOURCE.txt): file names {digit}_{speaker}_{index}.wav, digit
 * 0..9 = class, index 0..49; the official split puts index 0..4 in the test set (300 files)
 * and 5..49 in training (2,700). FSDD_CLIPS is the size of the release the project uses
 * (v1.0.10): the audio task refuses a directory holding another number.
 */
#ifndef ALRNN_DATA_WAV_H
#define ALRNN_DATA_WAV_H

#include <stddef.h>

/* Samples (n_samples) of a mono file, malloc'd; *sample_rate in Hz. */
float *wav_read_mono(const char *path, size_t *n_samples, int *sample_rate);
/* The header check wav_read_mono() starts with, alone (cheap: reads the chunk headers): dies
 * naming the file when a RIFF/WAVE file is shorter than its header says. */
void wav_check_riff(const char *path);

#define FSDD_TEST_INDEX_END 5 /* index < 5: official test split */
#define FSDD_CLIPS 3000        /* clips in FSDD v1.0.10 (datasets/manifest/fsdd.sha256) */

struct fsdd_item {
    char *path;    /* dir + "/" + file name */
    int digit;     /* 0..9, the class */
    char *speaker; /* e.g. "george" */
    int index;     /* repetition number, 0..49 in v1.0.10 */
};

struct fsdd_list {
    size_t n;
    struct fsdd_item *item; /* (n) sorted by digit, speaker, index: independent of readdir order */
};

/* Every *.wav in dir (not recursive); a .wav whose name does not parse is fatal. */
void fsdd_list_dir(struct fsdd_list *l, const char *dir);
int fsdd_is_test(const struct fsdd_item *it);
void fsdd_list_free(struct fsdd_list *l);

#endif
