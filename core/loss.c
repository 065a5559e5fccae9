/* loss.c: masked MSE and softmax cross-entropy (see loss.h). Sums run in double. */
#include "loss.h"

#include <math.h>
#include <string.h>

double loss_eval(loss_kind kind, int rows, int K, const real *Y, const real *y,
                 const int32_t *label, const real *mask, real *dY) {
    return loss_eval_weighted(kind, rows, K, Y, y, label, mask, NULL, dY);
}

double loss_eval_weighted(loss_kind kind, int rows, int K, const real *Y, const real *y,
                          const int32_t *label, const real *mask, const real *c, real *dY) {
    double wsum = 0;
    for (int r = 0; r < rows; r++) wsum += mask[r];
    return loss_eval_part(kind, rows, K, Y, y, label, mask, c, wsum, dY);
}

double loss_eval_part(loss_kind kind, int rows, int K, const real *Y, const real *y,
                      const int32_t *label, const real *mask, const real *c, double wsum,
                      real *dY) {
    if (dY) memset(dY, 0, (size_t)rows * K * sizeof(real));
    if (wsum == 0) return 0;
    const double norm = kind == LOSS_MSE ? 1.0 / (wsum * K) : 1.0 / wsum;
    double L = 0;
    for (int r = 0; r < rows; r++) {
        const double w = mask[r];
        if (w == 0) continue;
        const real *o = Y + (size_t)r * K;
        real *d = dY ? dY + (size_t)r * K : NULL;
        if (kind == LOSS_MSE) {
            for (int k = 0; k < K; k++) {
                /* c_k K: 1 without weights, so norm's 1/K becomes c_k */
                const double ck = c ? (double)c[k] * K : 1.0;
                double e = (double)o[k] - y[(size_t)r * K + k];
                L += ck * w * e * e;
                if (d) d[k] = (real)(2 * ck * w * e * norm);
            }
        } else {
            const int lab = label[r];
            ASSERT(lab >= 0 && lab < K);
            double mx = o[0];
            for (int k = 1; k < K; k++) mx = o[k] > mx ? o[k] : mx;
            double s = 0;
            for (int k = 0; k < K; k++) s += exp(o[k] - mx);
            L += w * (mx + log(s) - o[lab]);
            if (d)
                for (int k = 0; k < K; k++)
                    d[k] = (real)(w * norm * (exp(o[k] - mx) / s - (k == lab)));
        }
    }
    return L * norm;
}
