/* csv_task.h: sequence data from CSV files (docs/CSV_DATA.md), read with libcsv.
 *
 * A folder holds sequences.csv (id,step,f1..fN: one row per time step), exactly one of
 * labels.csv (id,label or id,step,label: classification) and targets.csv (id,t1..tK or
 * id,step,t1..tK: regression), and optionally split.csv (id,split with train / val / test);
 * without it the sequences are split by ratio (task options train_frac, val_frac) with the
 * run's data stream. A `step` column in the labels / targets file means a target at every
 * step, else one at the last step.
 *
 * Validation is strict and fails fast: ragged rows, empty or non-numeric fields, NaN or
 * infinity, ids that are not 0..n-1 contiguous and in order, steps not 0..T-1 in order,
 * sequences of different lengths, targets of unknown ids, missing files. Each is one line
 * "<file>:<line>:<column>: <what>" (line 1 is the header, columns count from 1) through
 * die(), so a run stops before it writes anything.
 *
 * The four task types (class/regression × last/every step) share one loader; csv_task_for()
 * returns the one a folder needs. The loaded folder is cached for the process (dims() and
 * make_data() of one run read it once).
 */
#ifndef ALRNN_CSV_TASK_H
#define ALRNN_CSV_TASK_H

#include <csv.h> /* libcsv */
#include <setjmp.h>

#include "task.h"

extern const struct task_type task_csv_class_last, task_csv_class_all, task_csv_reg_last,
    task_csv_reg_all;

/* Validates the folder and returns the task type its files describe. */
const struct task_type *csv_task_for(const char *dir);

/* One parsed CSV file: the header and every field as a number (the `split` column as 0, 1,
 * 2 for train, val, test). */
struct csv_table {
    const char *file;  /* the name errors use */
    int cols;          /* header fields */
    char **header;     /* (cols) */
    int rows;          /* data rows */
    double *v;         /* (rows, cols) */
    int *line;         /* (rows) line of each row in the file */
    /* parser state */
    struct csv_parser parser;
    int parser_live; /* parser needs csv_free */
    size_t cap;
    int cur_line, rec_line, nfield, header_done;
};
/* Parses buf (len bytes) into t; errors as described above. */
void csv_table_parse(struct csv_table *t, const char *file, const char *buf, size_t len);
void csv_table_free(struct csv_table *t);

/* Writes train, val, test as a CSV folder dir (created if missing): sequences.csv, targets.csv
 * (MSE) or labels.csv (CE), with a step column when T_out = T, and split.csv. Numbers use
 * %.9g (float32) or %.17g (double), which round-trip exactly. Each file is written under a
 * temporary name and renamed when complete. Dies when a mask is not all ones (the format
 * has no masks). */
void csv_export(const struct dataset *train, const struct dataset *val,
                const struct dataset *test, const char *dir);

/* For the fuzzer and tests: with env non-NULL a validation error longjmps to it (after
 * storing the message, csv_last_error()) instead of dying. The caller then frees what it
 * parsed (csv_table_free is safe on a half-filled table). */
void csv_set_error_jump(jmp_buf *env);
const char *csv_last_error(void);

/* The whole check of a folder given as the contents of its files (NULL: file absent), as
 * csv_task_for() runs it on files; returns the task type. For the fuzzer. */
const struct task_type *csv_check_buffers(const char *seq, size_t seq_len, const char *lab,
                                          size_t lab_len, const char *tgt, size_t tgt_len,
                                          const char *split, size_t split_len);

#endif
