/* slurm.h: `bin/alrnn slurm`, a figure's missing runs as a Slurm job array (slurm.c). */
#ifndef ALRNN_SLURM_H
#define ALRNN_SLURM_H

/* argv[1] is "slurm", argv[2] the figure or experiment; returns the exit status. */
int cmd_slurm(int argc, char **argv);

/* Seconds in a Slurm --time value (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S), or -1 if malformed
 * or zero. */
long slurm_time_seconds(const char *s);
/* Seconds before a limit of limit_s (0: unknown) at which the tasks get SIGUSR1. */
long slurm_signal_lead(long limit_s);

#endif
