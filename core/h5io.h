/* h5io.h: checked wrappers over the HDF5 C library for run and summary files.
 *
 * Every call either succeeds or dies with one line naming the file, the object and the
 * reason (HDF5's own error stack printing is switched off). Datasets are written with
 * explicit little-endian file types and carry `description` and `units` attributes;
 * strings are variable-length UTF-8 so h5py returns str (STYLE.md 12). Paths may name
 * groups that do not exist yet: they are created on the way.
 */
#ifndef ALRNN_H5IO_H
#define ALRNN_H5IO_H

#include <hdf5.h>

#include "common.h"

typedef enum { H5K_REAL, H5K_F64, H5K_I32, H5K_U8 } h5_kind;

struct h5file {
    hid_t id;
    char path[4096]; /* for messages */
};

void h5_create(struct h5file *f, const char *path); /* truncates; dies on failure */
void h5_open_read(struct h5file *f, const char *path);
void h5_close(struct h5file *f);
int h5_exists(const struct h5file *f, const char *path); /* group or dataset; "/" exists */

/* Attributes on the object at obj_path ("/" for the root, "/config" ...). */
void h5_attr_str(const struct h5file *f, const char *obj_path, const char *name, const char *v);
void h5_attr_int(const struct h5file *f, const char *obj_path, const char *name, long v);
void h5_attr_double(const struct h5file *f, const char *obj_path, const char *name, double v);
char *h5_read_attr_str(const struct h5file *f, const char *obj_path, const char *name); /* malloc'd */
long h5_read_attr_int(const struct h5file *f, const char *obj_path, const char *name);
double h5_read_attr_double(const struct h5file *f, const char *obj_path, const char *name);
int h5_has_attr(const struct h5file *f, const char *obj_path, const char *name); /* 1 / 0 */

/* Dataset of rank 0..4 (rank 0 = scalar). dims may be NULL for rank 0. */
void h5_write(const struct h5file *f, const char *path, h5_kind kind, int rank,
              const size_t *dims, const void *data, const char *description, const char *units);
void h5_write_scalar(const struct h5file *f, const char *path, double v, const char *description,
                     const char *units);

/* Read a whole dataset converted to double / int32 / uint8; *n (and dims, if non-NULL, up to
 * rank 4) receive its size. Returns a malloc'd array. */
double *h5_read_f64(const struct h5file *f, const char *path, size_t *n, int *rank, size_t *dims);
int32_t *h5_read_i32(const struct h5file *f, const char *path, size_t *n, int *rank, size_t *dims);
uint8_t *h5_read_u8(const struct h5file *f, const char *path, size_t *n, int *rank, size_t *dims);
double h5_read_scalar(const struct h5file *f, const char *path);

#endif
