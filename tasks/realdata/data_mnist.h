/* data_mnist.h: the IDX reader for MNIST (and Fashion-MNIST, same format and file names).
 *
 * IDX (LeCun et al.): a big-endian u32 magic, u32 dimensions, then unsigned bytes.
 *   images  magic 2051 (0x00000803)  count, rows, cols, then count*rows*cols pixels, row-major
 *   labels  magic 2049 (0x00000801)  count, then count bytes 0..9
 * Files are read through zlib, so the published .gz files and decompressed copies both work.
 *
 * Every problem (missing file, corrupt gzip, wrong magic, implausible dimensions, truncated
 * or over-long data, label outside 0..9, image/label count mismatch) is fatal: die() with
 * the file name and the reason. What this does not do: scaling to [0, 1], flattening into
 * sequences or the train/val split; the sMNIST task does that from the raw bytes.
 */
#ifndef ALRNN_DATA_MNIST_H
#define ALRNN_DATA_MNIST_H

#define MNIST_TRAIN_COUNT 60000 /* images in the training files (MNIST and Fashion-MNIST) */
#define MNIST_TEST_COUNT 10000  /* images in the test files */

#include <stddef.h>
#include <stdint.h>

#define IDX_MAGIC_IMAGES 2051u
#define IDX_MAGIC_LABELS 2049u
#define MNIST_CLASSES 10

/* Standard file names inside an MNIST / Fashion-MNIST directory. */
#define MNIST_TRAIN_IMAGES "train-images-idx3-ubyte.gz"
#define MNIST_TRAIN_LABELS "train-labels-idx1-ubyte.gz"
#define MNIST_TEST_IMAGES "t10k-images-idx3-ubyte.gz"
#define MNIST_TEST_LABELS "t10k-labels-idx1-ubyte.gz"

struct mnist_set {
    size_t n;        /* number of images (= labels) */
    int rows, cols;  /* 28 x 28 for MNIST */
    uint8_t *pixels; /* (n, rows*cols) row-major, 0 = background, 255 = ink */
    uint8_t *labels; /* (n) class 0..9 */
};

/* Images of an IDX3 file: returns a malloc'd (count, rows*cols) array. */
uint8_t *idx_read_images(const char *path, size_t *count, int *rows, int *cols);

/* Labels of an IDX1 file, each checked to lie in 0..MNIST_CLASSES-1: malloc'd (count). */
uint8_t *idx_read_labels(const char *path, size_t *count);

/* Both files of one split; dies unless the counts agree. */
void mnist_load(struct mnist_set *s, const char *images_path, const char *labels_path);

/* The split `train` (1) or `test` (0) from a directory with the four standard .gz names,
 * e.g. data/mnist or /usr/share/datasets/fashion-mnist. */
void mnist_load_dir(struct mnist_set *s, const char *dir, int train);

void mnist_free(struct mnist_set *s);

#endif
