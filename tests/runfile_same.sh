#!/bin/bash
# runfile_same.sh A.h5 B.h5: exit 0 when two run files hold the same data, dataset by dataset
# and attribute by attribute, provenance aside. Ignored: the root attributes created_utc,
# git_revision, cpu, kernels and blas, and the timings /train/wall_seconds and
# /train/seq_per_s. Objects present in only one file, or attributes present on only one
# object (provenance aside), count as differences.
# Uses h5diff (hdf5-tools) for values and h5dump for the object and attribute lists.
set -u
a=$1 b=$2
prov='created_utc|git_revision|cpu|kernels|blas' # provenance: where and when it ran
out=$(h5diff -r --exclude-path /train/wall_seconds --exclude-path /train/seq_per_s "$a" "$b" 2>&1)
bad=$(printf '%s\n' "$out" | awk -v prov="^($prov)\$" '
    /^attribute: </ { name = $2; sub(/^</, "", name); next }
    /^dataset: </   { name = "";  next }
    /differences found/ && $1 + 0 > 0 {
        if (name !~ prov) { print; n++ } }
    /[Nn]ot comparable|only in/ { print; n++ }
    END { exit n > 0 }') || { printf 'differ:\n%s\n' "$bad" >&2; exit 1; }
# the object and attribute names (h5dump -A lists attributes, not data) must agree
la=$(h5dump -A "$a" | grep -E '^ *(GROUP|DATASET|ATTRIBUTE) ' | grep -vE "ATTRIBUTE \"($prov)\"")
lb=$(h5dump -A "$b" | grep -E '^ *(GROUP|DATASET|ATTRIBUTE) ' | grep -vE "ATTRIBUTE \"($prov)\"")
[ "$la" = "$lb" ] || { echo "object or attribute lists differ:" >&2
                       diff <(echo "$la") <(echo "$lb") >&2 2>/dev/null; exit 1; }
exit 0
