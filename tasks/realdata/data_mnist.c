/* data_mnist.c: IDX images/labels through zlib (gzopen reads gzip and plain files alike). */
#include "data_mnist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common.h"

/* A header that asks for more than this is corrupt, not a bigger data set: refusing it keeps
 * a flipped bit in `count` from turning into a multi-GB allocation. */
#define IDX_MAX_BYTES ((size_t)1 << 32)
#define IDX_MAX_SIDE 4096

static gzFile idx_open(const char *path) {
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) die("%s: cannot open: %s", path, errno ? strerror(errno) : "zlib out of memory");
    gzbuffer(f, 1 << 17);
    return f;
}

/* Read exactly n bytes or die naming what was being read. gzread takes an unsigned count,
 * so large payloads go in chunks. */
static void idx_read_exact(gzFile f, const char *path, void *dst, size_t n, const char *what) {
    unsigned char *p = dst;
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done < (1u << 30) ? n - done : (1u << 30);
        int got = gzread(f, p + done, (unsigned)chunk);
        if (got < 0) {
            int err;
            const char *msg = gzerror(f, &err);
            die("%s: corrupt gzip stream while reading %s: %s", path, what, msg);
        }
        if (got == 0) {
            int err;
            const char *msg = gzerror(f, &err);
            die("%s: truncated: %s needs %zu bytes, file ends after %zu%s%s", path, what, n, done,
                err ? ": " : "", err ? msg : "");
        }
        done += (size_t)got;
    }
}

static uint32_t be32(const unsigned char *b) {
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* After the payload the stream must end: trailing bytes mean the header lies about the size. */
static void idx_expect_eof(gzFile f, const char *path) {
    unsigned char extra;
    int got = gzread(f, &extra, 1);
    if (got < 0) {
        int err;
        die("%s: corrupt gzip stream after the data: %s", path, gzerror(f, &err));
    }
    if (got > 0) die("%s: trailing bytes after the data the header describes", path);
    int err;
    const char *msg = gzerror(f, &err);
    if (err != Z_OK)
        die("%s: truncated gzip stream (end of the data reached, then: %s)", path, msg);
}

static void idx_close(gzFile f, const char *path) {
    int rc = gzclose(f);
    if (rc != Z_OK) die("%s: error closing (zlib code %d): corrupt gzip trailer?", path, rc);
}

static void idx_check_magic(const char *path, uint32_t magic, uint32_t want, const char *kind) {
    if (magic != want)
        die("%s: bad IDX magic %u (0x%08x), expected %u for %s", path, magic, magic, want, kind);
}

uint8_t *idx_read_images(const char *path, size_t *count, int *rows, int *cols) {
    gzFile f = idx_open(path);
    unsigned char h[16];
    idx_read_exact(f, path, h, 4, "the magic number");
    idx_check_magic(path, be32(h), IDX_MAGIC_IMAGES, "images");
    idx_read_exact(f, path, h + 4, 12, "the image dimensions");
    uint32_t n = be32(h + 4), r = be32(h + 8), c = be32(h + 12);
    if (n == 0) die("%s: header says 0 images", path);
    if (r == 0 || c == 0 || r > IDX_MAX_SIDE || c > IDX_MAX_SIDE)
        die("%s: implausible image size %u x %u", path, r, c);
    size_t per = (size_t)r * c;
    if ((size_t)n > IDX_MAX_BYTES / per)
        die("%s: header claims %u images of %u x %u, more than this reader accepts", path, n, r, c);
    size_t total = (size_t)n * per;
    uint8_t *px = xmalloc(total);
    idx_read_exact(f, path, px, total, "the pixel data");
    idx_expect_eof(f, path);
    idx_close(f, path);
    *count = n;
    *rows = (int)r;
    *cols = (int)c;
    return px;
}

uint8_t *idx_read_labels(const char *path, size_t *count) {
    gzFile f = idx_open(path);
    unsigned char h[8];
    idx_read_exact(f, path, h, 4, "the magic number");
    idx_check_magic(path, be32(h), IDX_MAGIC_LABELS, "labels");
    idx_read_exact(f, path, h + 4, 4, "the label count");
    uint32_t n = be32(h + 4); /* < 2^32 = IDX_MAX_BYTES by type */
    if (n == 0) die("%s: header says 0 labels", path);
    uint8_t *lab = xmalloc(n);
    idx_read_exact(f, path, lab, n, "the label data");
    idx_expect_eof(f, path);
    idx_close(f, path);
    for (uint32_t i = 0; i < n; i++)
        if (lab[i] >= MNIST_CLASSES)
            die("%s: label %u of item %u is outside 0..%d", path, lab[i], i, MNIST_CLASSES - 1);
    *count = n;
    return lab;
}

void mnist_load(struct mnist_set *s, const char *images_path, const char *labels_path) {
    size_t n_lab;
    s->pixels = idx_read_images(images_path, &s->n, &s->rows, &s->cols);
    s->labels = idx_read_labels(labels_path, &n_lab);
    if (n_lab != s->n)
        die("%s has %zu images but %s has %zu labels", images_path, s->n, labels_path, n_lab);
}

void mnist_load_dir(struct mnist_set *s, const char *dir, int train) {
    size_t n = strlen(dir) + 64;
    char *img = xmalloc(n), *lab = xmalloc(n);
    snprintf(img, n, "%s/%s", dir, train ? MNIST_TRAIN_IMAGES : MNIST_TEST_IMAGES);
    snprintf(lab, n, "%s/%s", dir, train ? MNIST_TRAIN_LABELS : MNIST_TEST_LABELS);
    mnist_load(s, img, lab);
    free(img);
    free(lab);
}

void mnist_free(struct mnist_set *s) {
    free(s->pixels);
    free(s->labels);
    memset(s, 0, sizeof *s);
}
