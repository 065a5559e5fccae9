/* test_io.c: HDF5 run-file wrappers: write -> read round trip, and clean failure on a
 * corrupt file. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "h5io.h"

Test(h5io, write_read_round_trip) {
    char path[] = "/tmp/alrnn_test_h5_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    struct h5file f;
    h5_create(&f, path);
    h5_attr_str(&f, "/", "experiment", "addition");
    h5_attr_int(&f, "/", "seed", 42);
    h5_attr_double(&f, "/config", "lr", 1e-3);
    const real W[6] = {1, 2, 3, 4, 5, 6.5};
    const size_t dw[2] = {2, 3};
    h5_write(&f, "/model/W", H5K_REAL, 2, dw, W, "weights", "1");
    const int32_t ep[3] = {10, 20, 30};
    const size_t de[1] = {3};
    h5_write(&f, "/eval/epoch", H5K_I32, 1, de, ep, "epochs", "epoch");
    const uint8_t code[4] = {0, 1, 1, 0};
    const size_t dc[3] = {1, 2, 2};
    h5_write(&f, "/test/sample/bitcode", H5K_U8, 3, dc, code, "codes", "bit");
    const size_t dz[3] = {1, 2, 0};
    h5_write(&f, "/test/sample/empty", H5K_U8, 3, dz, code, "P = 0 codes", "bit");
    h5_write_scalar(&f, "/test/mse", 0.125, "test mse", "mse");
    h5_close(&f);

    h5_open_read(&f, path);
    char *s = h5_read_attr_str(&f, "/", "experiment");
    cr_assert_str_eq(s, "addition");
    free(s);
    cr_assert_eq(h5_read_attr_int(&f, "/", "seed"), 42);
    cr_assert_float_eq(h5_read_attr_double(&f, "/config", "lr"), 1e-3, 1e-15);
    size_t n, dims[4];
    int rank;
    double *w = h5_read_f64(&f, "/model/W", &n, &rank, dims);
    cr_assert_eq(n, 6);
    cr_assert_eq(rank, 2);
    cr_assert_eq(dims[0], 2);
    cr_assert_eq(dims[1], 3);
    for (int i = 0; i < 6; i++) cr_assert_float_eq(w[i], W[i], 0);
    free(w);
    int32_t *e = h5_read_i32(&f, "/eval/epoch", &n, NULL, NULL);
    cr_assert_eq(e[2], 30);
    free(e);
    uint8_t *c = h5_read_u8(&f, "/test/sample/bitcode", &n, NULL, NULL);
    cr_assert(memcmp(c, code, 4) == 0);
    free(c);
    c = h5_read_u8(&f, "/test/sample/empty", &n, NULL, NULL);
    cr_assert_eq(n, 0);
    free(c);
    cr_assert_float_eq(h5_read_scalar(&f, "/test/mse"), 0.125, 0);
    s = h5_read_attr_str(&f, "/model/W", "units");
    cr_assert_str_eq(s, "1");
    free(s);
    cr_assert(h5_exists(&f, "/test/sample"));
    cr_assert(!h5_exists(&f, "/nope/deeper"));
    h5_close(&f);
    unlink(path);
}

Test(h5io, truncated_file_is_rejected, .exit_code = 1) {
    char path[] = "/tmp/alrnn_test_h5_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "\x89HDF\r\n\x1a\n", 8), 8); /* a signature and nothing else */
    close(fd);
    struct h5file f;
    die_register_tmpfile(path); /* die() removes it */
    h5_open_read(&f, path);
}

Test(h5io, missing_dataset_is_reported, .exit_code = 1) {
    char path[] = "/tmp/alrnn_test_h5_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct h5file f;
    h5_create(&f, path);
    h5_close(&f);
    h5_open_read(&f, path);
    die_register_tmpfile(path);
    h5_read_scalar(&f, "/test/mse");
}
