/* h5io.c: checked HDF5 wrappers (see h5io.h). */
#include "h5io.h"

#include <stdlib.h>
#include <string.h>

static void quiet(void) {
    static int done;
    if (!done) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        done = 1;
    }
}

void h5_create(struct h5file *f, const char *path) {
    quiet();
    snprintf(f->path, sizeof f->path, "%s", path);
    f->id = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f->id < 0) die("cannot create HDF5 file %s (is the directory writable?)", path);
}

void h5_open_read(struct h5file *f, const char *path) {
    quiet();
    snprintf(f->path, sizeof f->path, "%s", path);
    if (H5Fis_hdf5(path) <= 0)
        die("%s: not a readable HDF5 file (missing, truncated or corrupt)", path);
    f->id = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f->id < 0) die("%s: cannot open HDF5 file", path);
}

void h5_close(struct h5file *f) {
    if (f->id >= 0 && H5Fclose(f->id) < 0) die("%s: error closing HDF5 file", f->path);
    f->id = -1;
}

int h5_exists(const struct h5file *f, const char *path) {
    if (strcmp(path, "/") == 0) return 1;
    /* check each prefix: H5Lexists fails on a missing intermediate group */
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (H5Lexists(f->id, buf, H5P_DEFAULT) <= 0) return 0;
            if (!c) return 1;
            *p = c;
        }
    }
}

static hid_t lcpl(void) {
    hid_t p = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(p, 1);
    return p;
}

/* Open the object at obj_path, creating it as a group when it does not exist. */
static hid_t open_obj(const struct h5file *f, const char *obj_path) {
    if (!h5_exists(f, obj_path)) {
        hid_t p = lcpl();
        hid_t g = H5Gcreate2(f->id, obj_path, p, H5P_DEFAULT, H5P_DEFAULT);
        H5Pclose(p);
        if (g < 0) die("%s: cannot create group %s", f->path, obj_path);
        return g;
    }
    hid_t o = H5Oopen(f->id, obj_path, H5P_DEFAULT);
    if (o < 0) die("%s: cannot open %s", f->path, obj_path);
    return o;
}

static hid_t utf8_type(void) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static void write_attr(const struct h5file *f, const char *obj_path, const char *name,
                       hid_t ftype, hid_t mtype, const void *v) {
    hid_t o = open_obj(f, obj_path);
    hid_t s = H5Screate(H5S_SCALAR);
    if (H5Aexists(o, name) > 0) H5Adelete(o, name);
    hid_t a = H5Acreate2(o, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, mtype, v) < 0)
        die("%s: cannot write attribute %s on %s", f->path, name, obj_path);
    H5Aclose(a);
    H5Sclose(s);
    H5Oclose(o);
}

void h5_attr_str(const struct h5file *f, const char *obj_path, const char *name, const char *v) {
    hid_t t = utf8_type();
    write_attr(f, obj_path, name, t, t, &v);
    H5Tclose(t);
}

void h5_attr_int(const struct h5file *f, const char *obj_path, const char *name, long v) {
    long long x = v;
    write_attr(f, obj_path, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, &x);
}

void h5_attr_double(const struct h5file *f, const char *obj_path, const char *name, double v) {
    write_attr(f, obj_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static hid_t open_attr(const struct h5file *f, const char *obj_path, const char *name,
                       hid_t *obj) {
    if (!h5_exists(f, obj_path)) die("%s: no object %s", f->path, obj_path);
    *obj = H5Oopen(f->id, obj_path, H5P_DEFAULT);
    if (*obj < 0 || H5Aexists(*obj, name) <= 0)
        die("%s: attribute %s missing on %s", f->path, name, obj_path);
    hid_t a = H5Aopen(*obj, name, H5P_DEFAULT);
    if (a < 0) die("%s: cannot open attribute %s on %s", f->path, name, obj_path);
    return a;
}

char *h5_read_attr_str(const struct h5file *f, const char *obj_path, const char *name) {
    hid_t o, a = open_attr(f, obj_path, name, &o);
    hid_t t = utf8_type();
    char *v = NULL;
    if (H5Aread(a, t, &v) < 0 || !v)
        die("%s: attribute %s on %s is not a string", f->path, name, obj_path);
    char *r = xstrdup(v);
    H5free_memory(v);
    H5Tclose(t);
    H5Aclose(a);
    H5Oclose(o);
    return r;
}

long h5_read_attr_int(const struct h5file *f, const char *obj_path, const char *name) {
    hid_t o, a = open_attr(f, obj_path, name, &o);
    long long v;
    if (H5Aread(a, H5T_NATIVE_LLONG, &v) < 0)
        die("%s: attribute %s on %s is not an integer", f->path, name, obj_path);
    H5Aclose(a);
    H5Oclose(o);
    return (long)v;
}

double h5_read_attr_double(const struct h5file *f, const char *obj_path, const char *name) {
    hid_t o, a = open_attr(f, obj_path, name, &o);
    double v;
    if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0)
        die("%s: attribute %s on %s is not a number", f->path, name, obj_path);
    H5Aclose(a);
    H5Oclose(o);
    return v;
}

int h5_has_attr(const struct h5file *f, const char *obj_path, const char *name) {
    const htri_t r = H5Aexists_by_name(f->id, obj_path, name, H5P_DEFAULT);
    if (r < 0) die("%s: cannot look for attribute %s on %s", f->path, name, obj_path);
    return r > 0;
}

static void kind_types(h5_kind k, hid_t *ftype, hid_t *mtype) {
    switch (k) {
    case H5K_REAL:
#ifdef ALRNN_DOUBLE
        *ftype = H5T_IEEE_F64LE;
#else
        *ftype = H5T_IEEE_F32LE;
#endif
        *mtype = REAL_H5_MEM;
        break;
    case H5K_F64: *ftype = H5T_IEEE_F64LE, *mtype = H5T_NATIVE_DOUBLE; break;
    case H5K_I32: *ftype = H5T_STD_I32LE, *mtype = H5T_NATIVE_INT32; break;
    case H5K_U8: *ftype = H5T_STD_U8LE, *mtype = H5T_NATIVE_UINT8; break;
    default: ASSERT(0);
    }
}

void h5_write(const struct h5file *f, const char *path, h5_kind kind, int rank,
              const size_t *dims, const void *data, const char *description, const char *units) {
    ASSERT(rank >= 0 && rank <= 4);
    hsize_t hd[4];
    for (int i = 0; i < rank; i++) hd[i] = dims[i];
    hid_t s = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, hd, NULL);
    hid_t ft, mt;
    kind_types(kind, &ft, &mt);
    hid_t p = lcpl();
    hid_t d = H5Dcreate2(f->id, path, ft, s, p, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(p);
    if (d < 0) die("%s: cannot create dataset %s", f->path, path);
    size_t n = 1;
    for (int i = 0; i < rank; i++) n *= dims[i];
    if (n > 0 && H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        die("%s: cannot write dataset %s", f->path, path);
    H5Dclose(d);
    H5Sclose(s);
    if (description) h5_attr_str(f, path, "description", description);
    if (units) h5_attr_str(f, path, "units", units);
}

void h5_write_scalar(const struct h5file *f, const char *path, double v, const char *description,
                     const char *units) {
    h5_write(f, path, H5K_F64, 0, NULL, &v, description, units);
}

static void *read_any(const struct h5file *f, const char *path, hid_t mtype, size_t esize,
                      size_t *n, int *rank, size_t *dims) {
    if (!h5_exists(f, path)) die("%s: dataset %s is missing", f->path, path);
    hid_t d = H5Dopen2(f->id, path, H5P_DEFAULT);
    if (d < 0) die("%s: cannot open dataset %s", f->path, path);
    hid_t s = H5Dget_space(d);
    int r = H5Sget_simple_extent_ndims(s);
    if (r < 0 || r > 4) die("%s: dataset %s has unsupported rank", f->path, path);
    hsize_t hd[4] = {0};
    H5Sget_simple_extent_dims(s, hd, NULL);
    size_t total = 1;
    for (int i = 0; i < r; i++) {
        total *= hd[i];
        if (dims) dims[i] = hd[i];
    }
    void *buf = xmalloc(total * esize);
    if (total > 0 && H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        die("%s: cannot read dataset %s", f->path, path);
    H5Sclose(s);
    H5Dclose(d);
    if (n) *n = total;
    if (rank) *rank = r;
    return buf;
}

double *h5_read_f64(const struct h5file *f, const char *path, size_t *n, int *rank, size_t *dims) {
    return read_any(f, path, H5T_NATIVE_DOUBLE, sizeof(double), n, rank, dims);
}

int32_t *h5_read_i32(const struct h5file *f, const char *path, size_t *n, int *rank, size_t *dims) {
    return read_any(f, path, H5T_NATIVE_INT32, sizeof(int32_t), n, rank, dims);
}

uint8_t *h5_read_u8(const struct h5file *f, const char *path, size_t *n, int *rank, size_t *dims) {
    return read_any(f, path, H5T_NATIVE_UINT8, 1, n, rank, dims);
}

double h5_read_scalar(const struct h5file *f, const char *path) {
    size_t n;
    double *v = h5_read_f64(f, path, &n, NULL, NULL);
    if (n != 1) die("%s: dataset %s is not a scalar", f->path, path);
    double r = v[0];
    free(v);
    return r;
}
