#!/usr/bin/env bash
# stop.sh: stop the daemons tests/slurm/start.sh started (by the pids it recorded in
# $ALRNN_SLURM_DIR, default /tmp/alrnn-slurm): slurmd, slurmctld, and munged if start.sh
# started it; then removes the generated slurm.conf (the logs stay). Safe to run twice or
# when nothing runs.
set -u
dir=${ALRNN_SLURM_DIR:-/tmp/alrnn-slurm}
stop() { # pidfile name
  [ -s "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped $2 (pid $pid)"
  fi
  rm -f "$1"
}
stop "$dir/slurmd.pid" slurmd
stop "$dir/slurmctld.pid" slurmctld
stop "$dir/munged.pid" munged
# without its slurm.conf, `make test` skips the Slurm tests again instead of failing them
rm -f "$dir/slurm.conf"
exit 0
