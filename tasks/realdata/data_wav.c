/* data_wav.c: libsndfile reader (mono only) and the FSDD directory listing. */
#define _POSIX_C_SOURCE 200809L
#include "data_wav.h"

#include <dirent.h>
#include <errno.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static uint32_t le32(const unsigned char *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A RIFF/WAVE file must hold what its header says: the RIFF chunk and the data chunk end
 * inside the file. Other formats are left to libsndfile. */
void wav_check_riff(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: cannot open: %s", path, strerror(errno));
    unsigned char h[12];
    if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) != 0) {
        fclose(f);
        return; /* not RIFF (or shorter than its header): libsndfile reports it */
    }
    if (fseek(f, 0, SEEK_END) != 0) die("%s: cannot seek: %s", path, strerror(errno));
    const long long size = ftell(f);
    if (memcmp(h + 8, "WAVE", 4) != 0) {
        fclose(f);
        die("%s: cannot read audio: a RIFF file but not WAVE", path);
    }
    const long long riff_end = 8 + (long long)le32(h + 4);
    if (riff_end > size) {
        fclose(f);
        die("%s: truncated WAV: the RIFF header says %lld bytes, the file has %lld", path,
            riff_end, size);
    }
    long long off = 12;
    int have_fmt = 0;
    for (;;) {
        unsigned char c[8];
        if (off + 8 > riff_end || fseek(f, (long)off, SEEK_SET) != 0 || fread(c, 1, 8, f) != 8) {
            fclose(f);
            die("%s: truncated WAV: no data chunk within its %lld bytes", path, size);
        }
        const long long len = le32(c + 4);
        if (!memcmp(c, "fmt ", 4)) have_fmt = 1;
        if (!memcmp(c, "data", 4)) {
            fclose(f);
            if (!have_fmt) die("%s: WAV data chunk before any fmt chunk", path);
            if (off + 8 + len > size)
                die("%s: truncated WAV: the header says %lld bytes of samples, the file holds "
                    "%lld", path, len, size - off - 8 > 0 ? size - off - 8 : 0);
            return;
        }
        off += 8 + len + (len & 1);
    }
}

float *wav_read_mono(const char *path, size_t *n_samples, int *sample_rate) {
    wav_check_riff(path);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) die("%s: cannot read audio: %s", path, sf_strerror(NULL));
    if (info.channels != 1) {
        sf_close(sf);
        die("%s: %d channels; only mono files are supported", path, info.channels);
    }
    if (info.frames <= 0) {
        sf_close(sf);
        die("%s: no samples", path);
    }
    if (info.samplerate <= 0) {
        sf_close(sf);
        die("%s: invalid sample rate %d", path, info.samplerate);
    }
    size_t n = (size_t)info.frames;
    float *x = xmalloc(n * sizeof *x);
    sf_count_t got = sf_readf_float(sf, x, info.frames);
    if (got != info.frames) {
        const char *why = sf_strerror(sf);
        sf_close(sf);
        die("%s: read %lld of %lld samples: %s", path, (long long)got, (long long)info.frames, why);
    }
    sf_close(sf);
    *n_samples = n;
    *sample_rate = info.samplerate;
    return x;
}

/* "{digit}_{speaker}_{index}.wav": 1 on success. */
static int fsdd_parse(const char *name, int *digit, char **speaker, int *index) {
    size_t len = strlen(name);
    if (len < 9 || name[0] < '0' || name[0] > '9' || name[1] != '_') return 0;
    const char *sp = name + 2, *us = strchr(sp, '_');
    if (!us || us == sp) return 0;
    for (const char *c = sp; c < us; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return 0;
    const char *num = us + 1, *dot = name + len - 4;
    if (dot <= num || strcmp(dot, ".wav") != 0 || dot - num > 6) return 0;
    int v = 0;
    for (const char *c = num; c < dot; c++) {
        if (*c < '0' || *c > '9') return 0;
        v = 10 * v + (*c - '0');
    }
    *digit = name[0] - '0';
    *index = v;
    *speaker = xmalloc((size_t)(us - sp) + 1);
    memcpy(*speaker, sp, (size_t)(us - sp));
    (*speaker)[us - sp] = 0;
    return 1;
}

static int cmp_item(const void *a, const void *b) {
    const struct fsdd_item *x = a, *y = b;
    if (x->digit != y->digit) return x->digit - y->digit;
    int c = strcmp(x->speaker, y->speaker);
    if (c) return c;
    return x->index - y->index;
}

void fsdd_list_dir(struct fsdd_list *l, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) die("%s: cannot open FSDD directory: %s", dir, strerror(errno));
    size_t cap = 0;
    memset(l, 0, sizeof *l);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".wav") != 0) continue;
        struct fsdd_item it;
        if (!fsdd_parse(e->d_name, &it.digit, &it.speaker, &it.index))
            die("%s/%s: not an FSDD file name {digit}_{speaker}_{index}.wav", dir, e->d_name);
        size_t n = strlen(dir) + len + 2;
        it.path = xmalloc(n);
        snprintf(it.path, n, "%s/%s", dir, e->d_name);
        if (l->n == cap) l->item = xrealloc(l->item, (cap = cap ? 2 * cap : 256) * sizeof *l->item);
        l->item[l->n++] = it;
    }
    closedir(d);
    if (l->n == 0) die("%s: no .wav files", dir);
    qsort(l->item, l->n, sizeof *l->item, cmp_item);
    for (size_t i = 1; i < l->n; i++)
        if (cmp_item(&l->item[i - 1], &l->item[i]) == 0)
            die("%s and %s: the same digit, speaker and index", l->item[i - 1].path,
                l->item[i].path);
}

int fsdd_is_test(const struct fsdd_item *it) { return it->index < FSDD_TEST_INDEX_END; }

void fsdd_list_free(struct fsdd_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->item[i].path);
        free(l->item[i].speaker);
    }
    free(l->item);
    memset(l, 0, sizeof *l);
}
