/* loss.h: masked losses on readout outputs, value and gradient in one pass.
 *
 *   MSE:  L = Σ_r w_r Σ_k (ŷ_rk − y_rk)² / (K Σ_r w_r)        (PyTorch MSELoss on the kept steps)
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

#endif
