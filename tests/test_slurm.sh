#!/usr/bin/env bash
# test_slurm.sh: `bin/alrnn slurm` against a real Slurm (make test-slurm runs it).
#
# The cluster: the one tests/slurm/start.sh started (SLURM_CONF=$ALRNN_SLURM_DIR/slurm.conf,
# default /tmp/alrnn-slurm), or another one named by ALRNN_TEST_SLURM_CONF. When no slurmctld
# answers the test is skipped with a message, unless the start.sh config exists or
# ALRNN_REQUIRE_SLURM=1 (CI sets it), which makes that a failure.
#
# Every test works in its own scratch project folder under /tmp (bin/alrnn linked, the plot
# scripts linked), so the repository's results/ are never touched:
#   figure4_matches_make   Fig 4 (smoke) through Slurm gives TSV files byte-identical to the
#                          generated make recipe (`make figure4 PROFILE=smoke`), and the logs.
#   failing_task_reported  one injected failing run: --wait exits 1 naming it, its array task
#                          is FAILED, the figure job names it, the other run file is kept.
#   rerun_only_missing     then the same command submits a one-task array for that run only,
#                          ends with the reference TSV files; a third call trains nothing.
#   requeue_mid_run        a run (multitask_n20, quick, ~30 s) gets SIGUSR1 through Slurm
#                          (scancel --signal=USR1 --batch, what --signal=B:USR1@... sends
#                          before the time limit): the task has the run checkpoint and stop,
#                          and requeues itself; then `scontrol requeue` mid-run; the run
#                          resumes from its checkpoint both times, and the file it ends with equals an
#                          uninterrupted run's (tests/runfile_same.sh: all but provenance and
#                          timings).
#                          A second submission while it runs is refused.
#   time_limit_signal      with --time 2, Slurm itself sends SIGUSR1 a minute before the
#                          limit; the tasks (whose stand-in runs sleep) pass it on and requeue
#                          themselves before the limit. Runs alongside requeue_mid_run.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$repo/${ALRNN_BIN:-bin/alrnn}
case ${ALRNN_BIN:-} in /*) bin=$ALRNN_BIN ;; esac
slurm_dir=${ALRNN_SLURM_DIR:-/tmp/alrnn-slurm}
export SLURM_CONF=${ALRNN_TEST_SLURM_CONF:-$slurm_dir/slurm.conf}
export PATH=$PATH:/usr/sbin

if ! command -v scontrol >/dev/null || ! [ -r "$SLURM_CONF" ] ||
   ! timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP'; then
  if [ "${ALRNN_REQUIRE_SLURM:-0}" = 1 ] || [ -e "$slurm_dir/slurm.conf" ]; then
    echo "test_slurm: FAIL: no slurmctld answers for $SLURM_CONF" >&2
    exit 1
  fi
  echo "test_slurm: SKIPPED: no Slurm cluster reachable (start one: sudo tests/slurm/start.sh;" \
    "or set ALRNN_TEST_SLURM_CONF to a cluster's slurm.conf)"
  exit 0
fi

scratch=$(mktemp -d /tmp/alrnn-test-slurm-XXXXXX)
failures=0
current=
fail() { echo "  FAIL [$current]: $*" >&2; failures=$((failures + 1)); }
check() { # description command...; returns the command's status
  local what=$1
  shift
  "$@" && return 0
  fail "$what"
  return 1
}

# A scratch project folder: bin/alrnn (the binary under test, or a wrapper) and plots/*.gp.
project() {
  local w=$scratch/$1
  mkdir -p "$w/bin" "$w/plots"
  ln -s "$bin" "$w/bin/alrnn"
  ln -s "$repo"/plots/*.gp "$w/plots/"
  echo "$w"
}

job_state() { scontrol show job "$1" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
job_field() { scontrol show job "$1" -o 2>/dev/null | grep -o " $2=[^ ]*" | head -1 | cut -d= -f2; }
# wait_for SECONDS command...: polls every 0.5 s until the command succeeds
wait_for() {
  local n=$(($1 * 2))
  shift
  for ((i = 0; i < n; i++)); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}
state_is() { [ "$(job_state "$1")" = "$2" ]; }
job_ended() { case $(job_state "$1") in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | "") return 0 ;; *) return 1 ;; esac; }
# the id after "array job " / "submitted job " in bin/alrnn slurm's output
array_id() { sed -n 's/^submitted array job \([0-9]*\):.*/\1/p' "$1"; }
check_id() { sed -n 's/^submitted job \([0-9]*\):.*/\1/p' "$1"; }

echo "test_slurm: cluster $SLURM_CONF, scratch $scratch"
t_start=$(date +%s)

# --- reference: the generated make recipe, i.e. what `make figure4 PROFILE=smoke` runs ----
ref=$(project reference)
# (bin/alrnn makefile writes the rows' stamps under results/, so it runs in the scratch folder)
if ! (cd "$ref" && bin/alrnn makefile --profile smoke >runs.mk &&
      OPENBLAS_NUM_THREADS=1 make -s -f runs.mk DATA_DIR=data figure4 >make.out 2>&1); then
  cat "$ref/make.out" >&2
  echo "test_slurm: FAIL: the reference make figure4 failed" >&2
  exit 1
fi

# --- (a) figure4_matches_make ---------------------------------------------------------------
current=figure4_matches_make
w=$(project a)
(cd "$w" && bin/alrnn slurm figure4 --profile smoke --time 10 --wait >out 2>err)
rc=$?
check "exit status $rc: $(cat "$w/err")" [ "$rc" = 0 ]
check "TSV files differ from make figure4's" diff -r "$ref/plots/data/smoke" "$w/plots/data/smoke"
check "no figure drawn" test -s "$w/plots/out/smoke/figure4.png"
a=$(array_id "$w/out")
check "no array job id printed: $(cat "$w/out")" [ -n "$a" ]
check "array task log lacks the run's start and end" \
  grep -q "done: results/smoke/addition/P2_seed0.h5" "$w/results/smoke/logs/figure4-${a}_1.log"
check "the run's own log lacks its progress" grep -q "epoch 3/3" "$w/results/smoke/logs/addition/P2_seed0.log"
check "scripts not kept" test -x "$w/results/smoke/slurm/figure4.array.sbatch"
check "a temporary script was left" bash -c "! ls '$w'/results/smoke/slurm/*.tmp.* 2>/dev/null"
check "array job's directives" grep -q -- "--signal=B:USR1@60" "$w/results/smoke/slurm/figure4.array.sbatch"

# --- (b) failing_task_reported ------------------------------------------------------------
current=failing_task_reported
w=$(project b)
rm "$w/bin/alrnn"
cat >"$w/bin/alrnn" <<EOF
#!/bin/sh
# bin/alrnn with one failing run: addition P=2
case " \$* " in *" run addition --P 2 "*) echo "injected failure" >&2; exit 3 ;; esac
exec "$bin" "\$@"
EOF
chmod +x "$w/bin/alrnn"
(cd "$w" && bin/alrnn slurm figure4 --profile smoke --wait >out 2>err)
rc=$?
check "exit status 0 although a run failed" [ "$rc" != 0 ]
check "the failed run is not named: $(cat "$w/err")" \
  grep -q "addition P=2 seed=0: results/smoke/addition/P2_seed0.h5 missing" "$w/err"
check "the good run is named as failed" bash -c "! grep -q 'P=0' '$w/err'"
check "the good run's file was not kept" test -s "$w/results/smoke/addition/P0_seed0.h5"
check "a file for the failed run" test ! -e "$w/results/smoke/addition/P2_seed0.h5"
a=$(array_id "$w/out")
c=$(check_id "$w/out")
check "array task of the failing run is $(job_state "${a}_1"), not FAILED" state_is "${a}_1" FAILED
check "array task of the good run is $(job_state "${a}_0")" state_is "${a}_0" COMPLETED
check "figure job is $(job_state "$c"), not FAILED" state_is "$c" FAILED
check "figure job log does not name the missing run" \
  grep -q "missing run: results/smoke/addition/P2_seed0.h5" "$w/results/smoke/logs/figure4-figure-$c.log"
check "task log does not say FAILED with the run's output" \
  grep -q "injected failure" "$w/results/smoke/logs/figure4-${a}_1.log"
check "a figure was drawn from a partial sweep" test ! -e "$w/plots/out/smoke/figure4.png"

# --- (c) rerun_only_missing ---------------------------------------------------------------
current=rerun_only_missing
rm "$w/bin/alrnn"
ln -s "$bin" "$w/bin/alrnn"
(cd "$w" && bin/alrnn slurm figure4 --profile smoke --dry-run >dry 2>&1)
check "dry run does not count 1 of 2 missing: $(head -1 "$w/dry")" \
  grep -q "1 of 2 runs to train (1 missing, 0 stale)" "$w/dry"
check "dry run's array is not one task" grep -q -- "--array=0-0$" "$w/dry"
check "dry run lists the present run" bash -c "! grep -q '\"addition 0 0 ' '$w/dry'"
before=$(stat -c %Y "$w/results/smoke/addition/P0_seed0.h5")
(cd "$w" && bin/alrnn slurm figure4 --profile smoke --wait >out2 2>err2)
rc=$?
check "rerun exit status $rc: $(cat "$w/err2")" [ "$rc" = 0 ]
a=$(array_id "$w/out2")
check "rerun did not submit 1 of 2 runs: $(cat "$w/out2")" grep -q "array job $a: 1 of 2 runs" "$w/out2"
check "rerun's array has $(job_field "$a" ArrayTaskId) tasks, not just task 0" [ "$(job_field "$a" ArrayTaskId)" = 0 ]
check "rerun retrained the present run" [ "$(stat -c %Y "$w/results/smoke/addition/P0_seed0.h5")" = "$before" ]
check "TSV files after the rerun differ from make figure4's" \
  diff -r "$ref/plots/data/smoke" "$w/plots/data/smoke"
(cd "$w" && bin/alrnn slurm figure4 --profile smoke --wait >out3 2>err3)
rc=$?
check "third call: exit $rc" [ "$rc" = 0 ]
check "third call submitted an array: $(cat "$w/out3")" grep -q "nothing to train" "$w/out3"

# --- (e) time_limit_signal, submitted now and checked after (d) ------------------------------
# Slurm itself sends SIGUSR1 (--signal=B:USR1@60 for --time 2) to tasks whose stand-in run
# sleeps past the limit; each task passes it on and requeues itself before the limit.
we=$(project e)
rm "$we/bin/alrnn"
cat >"$we/bin/alrnn" <<EOF
#!/bin/sh
# bin/alrnn whose runs outlast any time limit (and die on SIGUSR1, as a run without a handler)
case "\$1" in run) echo "stand-in run: sleeping" >&2; exec sleep 600 ;; esac
exec "$bin" "\$@"
EOF
chmod +x "$we/bin/alrnn"
(cd "$we" && bin/alrnn slurm figure4 --profile smoke --time 2 >out 2>err)
rc_e=$?
e_submitted=$(date +%s)

# --- (d) requeue_mid_run ------------------------------------------------------------------
current=requeue_mid_run
w=$(project d)
run=results/quick/multitask_n20/P1_seed0.h5
# every other run of the row exists, so the array has one task: P=1 seed 0 (~30 s)
mkdir -p "$w/results/quick/multitask_n20"
for f in $(cd "$w" && bin/alrnn makefile --profile quick | sed -n 's/^RUNS_multitask_n20 :=//p'); do
  [ "$f" = "$run" ] || : >"$w/$f"
done
(cd "$w" && OPENBLAS_NUM_THREADS=1 bin/alrnn run multitask_n20 --P 1 --seed 0 --profile quick \
  --out "$w/reference.h5" >/dev/null 2>"$w/reference.err") &
refpid=$!
(cd "$w" && bin/alrnn slurm multitask_n20 --profile quick >out 2>err)
rc=$?
check "submission failed: $(cat "$w/err")" [ "$rc" = 0 ]
a=$(array_id "$w/out")
c=$(check_id "$w/out")
task=${a}_0
runlog=$w/results/quick/logs/multitask_n20/P1_seed0.log
# attempt N has started and is training (a progress line after its header)
progressed() {
  [ "$(grep -c '^=== ' "$runlog" 2>/dev/null)" = "$1" ] && state_is "$task" RUNNING &&
    tr '\r' '\n' <"$runlog" | awk '/^=== /{e=0} / epoch [0-9]/{e=1} END{exit !e}'
}
# A requeued task may start again once its job credential has expired (the cluster's
# AuthInfo=cred_expire=15, tests/slurm/start.sh; Slurm's default is 120 s). Lifting that
# hold early (StartTime=now) is unsafe on one node: a start before the old credential
# expires is killed ("Job credential revoked") and the task FAILS.
# what the cluster and the logs say, for a failed check of this test
diagnose() {
  {
    echo "  --- requeue_mid_run diagnostics ($(date -u +%T)):"
    scontrol show job "$task" 2>&1 | sed 's/^/  | /'
    scontrol show job "$c" -o 2>&1 | sed 's/^/  | /'
    tail -n 20 "$w/results/quick/logs/multitask_n20-${a}_0.log" 2>&1 | sed 's/^/  | task log: /'
    cat "$w/results/quick/logs/multitask_n20-check-$c.log" 2>&1 | sed 's/^/  | check job log: /'
    tr '\r' '\n' <"$runlog" 2>&1 | grep -v '^ *$' | tail -n 12 | sed 's/^/  | run log: /'
  } >&2
}
if check "task never ran" wait_for 120 progressed 1; then
  (cd "$w" && bin/alrnn slurm multitask_n20 --profile quick >out-dup 2>err-dup)
  rc=$?
  check "a second submission while the first runs was accepted" [ "$rc" = 1 ]
  check "refusal does not say why: $(cat "$w/err-dup")" grep -q "still queued or running" "$w/err-dup"
  scancel --signal=USR1 --batch "$task"
  check "task not requeued after SIGUSR1" wait_for 60 state_is "$task" PENDING
  check "task did not run again after SIGUSR1" wait_for 180 progressed 2 || diagnose
  scontrol requeue "$task"
  check "task not pending after scontrol requeue" wait_for 60 state_is "$task" PENDING
  check "task did not run again after scontrol requeue" wait_for 180 progressed 3 || diagnose
else
  diagnose
fi
check "check job did not end" wait_for 300 job_ended "$c"
wait "$refpid"
rc=$?
check "reference run failed: $(tail -2 "$w/reference.err")" [ "$rc" = 0 ]
check "task state $(job_state "$task")" state_is "$task" COMPLETED
check "task restarts $(job_field "$task" Restarts), not 2" [ "$(job_field "$task" Restarts)" = 2 ]
log=$w/results/quick/logs/multitask_n20-${a}_0.log
check "task log lacks the forwarded SIGUSR1" grep -q "SIGUSR1: asking bin/alrnn run" "$log"
check "the run did not resume from its checkpoint twice" \
  [ "$(grep -c 'resuming from checkpoint' "$runlog")" = 2 ]
check "task log lacks the self-requeue" grep -q "requeueing the task" "$log"
check "task log lacks the third start" grep -q "restart 2\] done: $run" "$log"
check "no run file after the requeues" test -s "$w/$run"
check "requeued run differs from an uninterrupted one" "$repo/tests/runfile_same.sh" "$w/reference.h5" "$w/$run"
check "check job is $(job_state "$c")" state_is "$c" COMPLETED || diagnose
check "a killed run's temporary file was left" bash -c "! ls '$w'/results/quick/multitask_n20/*.tmp.* 2>/dev/null"

current=time_limit_signal
check "submission failed: $(cat "$we/err")" [ "$rc_e" = 0 ]
ae=$(array_id "$we/out")
ce=$(check_id "$we/out")
signalled_requeued() {
  grep -q "requeueing the task" "$we/results/smoke/logs/figure4-${ae}_0.log" 2>/dev/null &&
    grep -q "requeueing the task" "$we/results/smoke/logs/figure4-${ae}_1.log" 2>/dev/null
}
check "no SIGUSR1 and self-requeue within 150 s of a 2-minute limit" wait_for 150 signalled_requeued
check "task log lacks the signal passed on" \
  grep -q "SIGUSR1: asking bin/alrnn run" "$we/results/smoke/logs/figure4-${ae}_0.log"
for t in "${ae}_0" "${ae}_1"; do
  check "task $t ran into its time limit" [ "$(job_state "$t")" != TIMEOUT ]
done
echo "  time_limit_signal: SIGUSR1 and requeue $(($(date +%s) - e_submitted)) s after submission"
scancel "$ae" "$ce" 2>/dev/null

elapsed=$(($(date +%s) - t_start))
if [ "$failures" = 0 ]; then
  echo "test_slurm: ok (5 tests) in $elapsed s"
  [ -n "${ALRNN_KEEP_SCRATCH:-}" ] && echo "scratch kept: $scratch" || rm -rf "$scratch"
  exit 0
fi
echo "test_slurm: FAILED ($failures failed checks) in $elapsed s; scratch kept: $scratch" >&2
exit 1
