/* fuzz_csv.c: libFuzzer harness for the CSV reader (tasks/csv.c), `make fuzz-csv`.
 *
 * An input is a folder in one buffer: byte 0 chooses the layout (bit 0: labels.csv instead of
 * targets.csv; bit 1: a split.csv follows), the rest is sequences.csv, then the targets or
 * labels file, then split.csv, separated by NUL bytes. Every input must either pass the
 * whole check or fail with one message "<file>:<line>[:<col>]: ..." (the error jump replaces
 * die() so the process goes on); memory errors, undefined behaviour and leaks are what the
 * sanitizers report. */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "csv_task.h"
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const int labels = data[0] & 1, with_split = data[0] & 2;
    const char *part[3] = {NULL, NULL, NULL};
    size_t len[3] = {0, 0, 0};
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    for (int k = 0; k < 3 && p <= end; k++) {
        const char *z = memchr(p, 0, (size_t)(end - p));
        part[k] = p;
        len[k] = z ? (size_t)(z - p) : (size_t)(end - p);
        p += len[k] + 1;
    }
    if (!part[1]) part[1] = "", len[1] = 0;
    if (!with_split) part[2] = NULL, len[2] = 0;
    else if (!part[2]) part[2] = "", len[2] = 0;
    jmp_buf env;
    csv_set_error_jump(&env);
    if (setjmp(env) == 0) {
        csv_check_buffers(part[0], len[0], labels ? part[1] : NULL, labels ? len[1] : 0,
                          labels ? NULL : part[1], labels ? 0 : len[1], part[2], len[2]);
    } else {
        const char *m = csv_last_error();
        /* every message names one of the four files */
        if (strncmp(m, "sequences.csv", 13) && strncmp(m, "labels.csv", 10) &&
            strncmp(m, "targets.csv", 11) && strncmp(m, "split.csv", 9))
            __builtin_trap();
    }
    csv_set_error_jump(NULL);
    return 0;
}
