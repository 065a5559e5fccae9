/* loss.h: masked losses on readout outputs, value and gradient in one pass.
 *
 *   MSE:  L = Σ_r w_r Σ_k c_k (ŷ_rk − y_rk)² / Σ_r w_r,  c_k = 1/K by default
 *         (PyTorch MSELoss on the kept steps); per-output weights c (K) replace 1/K, e.g. the
 *         multi-task reference's mse(fix) + mse(cos, sin): c = (1, ½, ½) (PAPER.md §2.8)
 *   CE:   L = Σ_r w_r (logsumexp(ŷ_r) − ŷ_r,label) / Σ_r w_r
 * r runs over the T_out·B target steps of a batch, w is the mask (0 = no loss). A batch whose
 * mask is all zero has L = 0 and zero gradient.
 */
#ifndef ALRNN_LOSS_H
#define ALRNN_LOSS_H

#include "task.h"

/* Y, y, dY: (rows, K); label, mask: (rows). dY may be NULL (value only). Returns L. */
double loss_eval(loss_kind kind, int rows, int K, const real *Y, const real *y,
                 const int32_t *label, const real *mask, real *dY);
/* The same with per-output MSE weights c (K); c = NULL is loss_eval. CE ignores c. */
double loss_eval_weighted(loss_kind kind, int rows, int K, const real *Y, const real *y,
                          const int32_t *label, const real *mask, const real *c, real *dY);
/* Part of a batch: the same sums over these rows, normalised by wsum, the whole batch's mask
 * sum (task.h: dataset_weight), so that the parts' values and gradients add up to the whole
 * batch's. loss_eval_weighted is this with wsum = the rows' own mask sum. */
double loss_eval_part(loss_kind kind, int rows, int K, const real *Y, const real *y,
                      const int32_t *label, const real *mask, const real *c, double wsum,
                      real *dY);

#endif
