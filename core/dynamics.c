/* dynamics.c: fixed points and k-cycles of the AL-RNN map under constant input (dynamics.h).
 * Equations: PAPER.md §1.1/§1.3 (the map), §4 "Fixed points and cycles" (the solve and the
 * real/virtual test). Everything in double; matrices row-major unless said column-major
 * (what LAPACK receives). */
#include "dynamics.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* LAPACK (LP64; the trailing size_t are gfortran's hidden character lengths). */
extern void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda,
                   double *wr, double *wi, double *vl, const int *ldvl, double *vr,
                   const int *ldvr, double *work, const int *lwork, int *info, size_t,
                   size_t);
extern void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
extern void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a,
                    const int *lda, const int *ipiv, double *b, const int *ldb, int *info,
                    size_t);
extern void dgecon_(const char *norm, const int *n, const double *a, const int *lda,
                    const double *anorm, double *rcond, double *work, int *iwork, int *info,
                    size_t);
extern void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
                    const int *lda, double *s, double *u, const int *ldu, double *vt,
                    const int *ldvt, double *work, const int *lwork, int *info, size_t, size_t);

const char *const dyn_stability_names[DYN_STAB__COUNT] = {[DYN_STABLE] = "stable",
                                                          [DYN_SADDLE] = "saddle",
                                                          [DYN_REPELLER] = "repeller",
                                                          [DYN_NEUTRAL] = "neutral"};

/* Below this smallest singular value of I - M_k, relative to max(1, ‖M_k‖), the LU solve is
 * not trusted and the SVD decides rank: singular values under DYN_RANK_TOL · max(σ_max, 1,
 * ‖M_k‖) count as zero. 1e-12 leaves four digits above double's 1e-16 for the closure test. */
static const double rcond_min = 1e-12;
#define DYN_RANK_TOL 1e-10
/* Two points of a cycle closer than this (relative, as the closure) are the same point. */
static const double distinct_tol = 1e-7;

static int code_words(int P) { return P > 64 ? (P + 63) / 64 : 1; }

static int code_bit(const uint64_t *code, int i) { return (int)((code[i >> 6] >> (i & 63)) & 1); }

void dyn_map_init(struct dyn_map *f, int M, int P, int a0, const double *A, const double *W,
                  const double *h, const double *C, int N, const double *s) {
    ASSERT(M > 0 && P >= 0 && P <= M && a0 >= 0 && a0 <= M && N >= 0);
    f->M = M, f->P = P, f->a0 = a0, f->CW = code_words(P);
    f->a = xcalloc((size_t)M, sizeof(double));
    f->W = xmalloc((size_t)M * M * sizeof(double));
    f->c = xmalloc((size_t)M * sizeof(double));
    for (int i = a0; i < M; i++) f->a[i] = A[i - a0];
    memcpy(f->W, W, (size_t)M * M * sizeof(double));
    for (int i = 0; i < M; i++) { /* c = h + C s */
        double v = h[i];
        for (int n = 0; n < N; n++) v += C[(size_t)i * N + n] * s[n];
        f->c[i] = v;
    }
}

void dyn_map_free(struct dyn_map *f) {
    free(f->a);
    free(f->W);
    free(f->c);
    memset(f, 0, sizeof *f);
}

/* PAPER.md §1.1: F(z) = a ⊙ z + W Φ*(z) + c, Φ* = identity on units < M-P, relu on the rest. */
void dyn_step(const struct dyn_map *f, const double *z, double *z_next) {
    const int M = f->M, lin = M - f->P;
    double phi[M];
    for (int i = 0; i < M; i++) phi[i] = i < lin || z[i] > 0 ? z[i] : 0;
    for (int i = 0; i < M; i++) z_next[i] = f->a[i] * z[i] + f->c[i];
    cblas_dgemv(CblasRowMajor, CblasNoTrans, M, M, 1.0, f->W, M, phi, 1, 1.0, z_next, 1);
}

void dyn_code(const struct dyn_map *f, const double *z, uint64_t *code) {
    const int lin = f->M - f->P;
    memset(code, 0, (size_t)f->CW * sizeof(uint64_t));
    for (int i = 0; i < f->P; i++)
        if (z[lin + i] > 0) code[i >> 6] |= (uint64_t)1 << (i & 63);
}

/* PAPER.md §4: W_Ω = diag(a) + W D_Ω. */
void dyn_region_matrix(const struct dyn_map *f, const uint64_t *code, double *J) {
    const int M = f->M, lin = M - f->P;
    for (int j = 0; j < M; j++) {
        const double d = j < lin ? 1 : code_bit(code, j - lin);
        for (int i = 0; i < M; i++) J[(size_t)i * M + j] = f->W[(size_t)i * M + j] * d;
    }
    for (int i = 0; i < M; i++) J[(size_t)i * M + i] += f->a[i];
}

void dyn_eig(int n, const double *Arow, double *re, double *im) {
    double *a = xmalloc((size_t)n * n * sizeof(double)); /* column-major copy */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) a[(size_t)j * n + i] = Arow[(size_t)i * n + j];
    double wq, dummy = 0;
    int lwork = -1, info = 0, one = 1;
    dgeev_("N", "N", &n, a, &n, re, im, &dummy, &one, &dummy, &one, &wq, &lwork, &info, 1, 1);
    lwork = (int)wq;
    double *work = xmalloc((size_t)lwork * sizeof(double));
    dgeev_("N", "N", &n, a, &n, re, im, &dummy, &one, &dummy, &one, work, &lwork, &info, 1, 1);
    if (info != 0) die("dgeev failed (info %d) on a %d x %d matrix", info, n, n);
    for (int i = 1; i < n; i++) { /* insertion sort: modulus descending, then real part */
        const double r = re[i], m = im[i], mo = hypot(r, m);
        int j = i;
        for (; j > 0; j--) {
            const double mj = hypot(re[j - 1], im[j - 1]);
            if (mj > mo || (mj == mo && re[j - 1] >= r)) break;
            re[j] = re[j - 1], im[j] = im[j - 1];
        }
        re[j] = r, im[j] = m;
    }
    free(a);
    free(work);
}

dyn_stability dyn_classify(int n, const double *re, const double *im) {
    int below = 0, above = 0, on = 0;
    for (int i = 0; i < n; i++) {
        const double d = hypot(re[i], im[i]) - 1;
        if (fabs(d) <= DYN_NEUTRAL_TOL) on++;
        else if (d < 0) below++;
        else above++;
    }
    if (above) return below || on ? DYN_SADDLE : DYN_REPELLER;
    return on ? DYN_NEUTRAL : DYN_STABLE;
}

void dyn_work_init(struct dyn_work *w, const struct dyn_map *f, int k_max) {
    const int M = f->M;
    const size_t MM = (size_t)M * M;
    memset(w, 0, sizeof *w);
    w->M = M, w->k_max = k_max;
    w->Mk = xmalloc(MM * sizeof(double));
    w->tmp = xmalloc(MM * sizeof(double));
    w->J = xmalloc(MM * sizeof(double));
    w->Js = xmalloc((size_t)k_max * MM * sizeof(double));
    w->lu = xmalloc(MM * sizeof(double));
    w->rhs = xmalloc((size_t)M * sizeof(double));
    w->res = xmalloc((size_t)M * sizeof(double));
    w->zz = xmalloc((size_t)M * sizeof(double));
    w->traj = xmalloc((size_t)(k_max + 1) * M * sizeof(double));
    w->ipiv = xmalloc((size_t)M * sizeof(int));
    w->n_svd_work = 5 * M * M + 16 * M; /* covers dgesvd's query for "A","A" and dgecon's 4M */
    w->svd_work = xmalloc((size_t)w->n_svd_work * sizeof(double));
    w->Mpre = xmalloc((size_t)k_max * MM * sizeof(double));
    w->bpre = xmalloc((size_t)k_max * M * sizeof(double));
    w->CW = f->CW, w->prev_k = 0;
    w->prev = xmalloc((size_t)k_max * f->CW * sizeof(uint64_t));
}

void dyn_work_free(struct dyn_work *w) {
    free(w->Mk);
    free(w->tmp);
    free(w->J);
    free(w->Js);
    free(w->lu);
    free(w->rhs);
    free(w->res);
    free(w->zz);
    free(w->traj);
    free(w->ipiv);
    free(w->svd_work);
    free(w->Mpre);
    free(w->bpre);
    free(w->prev);
    memset(w, 0, sizeof *w);
}

void dyn_cycle_init(struct dyn_cycle *c, const struct dyn_map *f, int k) {
    memset(c, 0, sizeof *c);
    c->k = k, c->CW = f->CW;
    c->codes = xcalloc((size_t)k * f->CW, sizeof(uint64_t));
    c->z = xcalloc((size_t)k * f->M, sizeof(double));
    c->mult_re = xcalloc((size_t)f->M, sizeof(double));
    c->mult_im = xcalloc((size_t)f->M, sizeof(double));
}

void dyn_cycle_free(struct dyn_cycle *c) {
    free(c->codes);
    free(c->z);
    free(c->mult_re);
    free(c->mult_im);
    memset(c, 0, sizeof *c);
}

static double norm2(const double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i] * x[i];
    return sqrt(s);
}

static double dist2(const double *x, const double *y, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += (x[i] - y[i]) * (x[i] - y[i]);
    return sqrt(s);
}

/* The affine orbit z_{j+1} = W_{Ω_j} z_j + c, j = 1..k, from traj[0] = z_1 (traj (k+1, M)). */
static void affine_orbit(const struct dyn_map *f, const struct dyn_work *w, int k, double *traj) {
    const int M = f->M;
    for (int j = 0; j < k; j++) {
        double *nx = traj + (size_t)(j + 1) * M;
        memcpy(nx, f->c, (size_t)M * sizeof(double));
        cblas_dgemv(CblasRowMajor, CblasNoTrans, M, M, 1.0, w->Js + (size_t)j * M * M, M,
                    traj + (size_t)j * M, 1, 1.0, nx, 1);
    }
}

/* Solve (I - M_k) z = b_k (w->rhs) into z: LU when well conditioned (plus two steps of
 * iterative refinement on the affine orbit), otherwise the SVD, taking the solution nearest
 * zref. Sets c->solvable and c->family. */
static void solve_cycle_eq(const struct dyn_map *f, struct dyn_work *w, int k, const double *zref,
                           double *z, struct dyn_cycle *c) {
    const int M = f->M;
    const size_t MM = (size_t)M * M;
    double *A = w->lu; /* column-major I - M_k */
    double anorm = 0, mnorm = 0;
    for (int j = 0; j < M; j++) {
        double col = 0, mcol = 0;
        for (int i = 0; i < M; i++) {
            const double v = (i == j) - w->Mk[(size_t)i * M + j];
            A[(size_t)j * M + i] = v;
            col += fabs(v), mcol += fabs(w->Mk[(size_t)i * M + j]);
        }
        anorm = col > anorm ? col : anorm;
        mnorm = mcol > mnorm ? mcol : mnorm;
    }
    /* rcond is scale-free: I - M_k made of rounding noise alone (M_k = I up to 1e-16, a
     * rotation by 2π/k) is "well conditioned". Measure the smallest singular value, about
     * rcond ‖I - M_k‖, against the size of the terms, max(1, ‖M_k‖), instead. */
    const double scale_A = mnorm > 1 ? mnorm : 1;
    int info = 0, one = 1;
    dgetrf_(&M, &M, A, &M, w->ipiv, &info);
    double rcond = 0;
    if (info == 0) {
        int *iwork = xmalloc((size_t)M * sizeof(int));
        dgecon_("1", &M, A, &M, &anorm, &rcond, w->svd_work, iwork, &info, 1);
        free(iwork);
        ASSERT(info == 0);
    }
    c->solvable = 1, c->family = 0;
    if (rcond * anorm / scale_A > rcond_min) {
        memcpy(z, w->rhs, (size_t)M * sizeof(double));
        dgetrs_("N", &M, &one, A, &M, w->ipiv, z, &M, &info, 1);
        ASSERT(info == 0);
        for (int it = 0; it < 2; it++) { /* refinement: residual of the closed affine orbit */
            memcpy(w->traj, z, (size_t)M * sizeof(double));
            affine_orbit(f, w, k, w->traj);
            const double *zk = w->traj + (size_t)k * M;
            for (int i = 0; i < M; i++) w->res[i] = zk[i] - z[i];
            dgetrs_("N", &M, &one, A, &M, w->ipiv, w->res, &M, &info, 1);
            for (int i = 0; i < M; i++) z[i] += w->res[i];
        }
        return;
    }
    /* singular: (I - M_k) = U Σ Vᵀ; z = zref + V Σ⁺ Uᵀ (b - (I - M_k) zref) */
    for (int j = 0; j < M; j++)
        for (int i = 0; i < M; i++) A[(size_t)j * M + i] = (i == j) - w->Mk[(size_t)i * M + j];
    double *U = w->tmp, *Vt = w->J, *sv = w->zz; /* U, Vᵀ column-major (M, M) */
    int lwork = w->n_svd_work;
    dgesvd_("A", "A", &M, &M, A, &M, sv, U, &M, Vt, &M, w->svd_work, &lwork, &info, 1, 1);
    if (info != 0) die("dgesvd failed (info %d) on a %d x %d cycle matrix", info, M, M);
    double *r = w->res, *y = xmalloc((size_t)M * sizeof(double));
    for (int i = 0; i < M; i++) { /* r = b - (I - M_k) zref */
        double v = w->rhs[i];
        if (zref) {
            v -= zref[i];
            for (int j = 0; j < M; j++) v += w->Mk[(size_t)i * M + j] * zref[j];
        }
        r[i] = v;
    }
    const double tol = DYN_RANK_TOL * (sv[0] > scale_A ? sv[0] : scale_A);
    int rank = 0;
    double inconsistent = 0; /* the part of r outside the range of I - M_k */
    for (int q = 0; q < M; q++) {
        double u = 0;
        for (int i = 0; i < M; i++) u += U[(size_t)q * M + i] * r[i];
        if (sv[q] > tol) y[q] = u / sv[q], rank++;
        else y[q] = 0, inconsistent += u * u;
    }
    for (int j = 0; j < M; j++) {
        double v = zref ? zref[j] : 0;
        for (int q = 0; q < M; q++) v += Vt[(size_t)j * M + q] * y[q]; /* Vᵀ[q][j] */
        z[j] = v;
    }
    free(y);
    c->family = M - rank;
    const double scale = norm2(w->rhs, M) > 1 ? norm2(w->rhs, M) : 1;
    if (sqrt(inconsistent) > 1e-8 * scale) c->solvable = 0;
    (void)MM;
}

int dyn_cycle_solve(const struct dyn_map *f, struct dyn_work *w, const uint64_t *codes, int k,
                    const double *zref, struct dyn_cycle *c, int want_mult) {
    const int M = f->M, CW = f->CW, lin = M - f->P;
    const size_t MM = (size_t)M * M;
    ASSERT(k >= 1 && k <= w->k_max && c->k == k && w->M == M);
    memcpy(c->codes, codes, (size_t)k * CW * sizeof(uint64_t));
    c->consistent = c->minimal = 0;
    c->closure = INFINITY, c->margin = 0, c->rho = NAN;
    /* M_k = W_{Ω_k}···W_{Ω_1}, b_k = Σ_j W_{Ω_k}···W_{Ω_{j+1}} c (PAPER.md §4) */
    int j0 = 0; /* codes[0..j0) equal the last solve's: their products are in Mpre, bpre */
    while (j0 < k && j0 < w->prev_k &&
           !memcmp(codes + (size_t)j0 * CW, w->prev + (size_t)j0 * CW, CW * sizeof(uint64_t)))
        j0++;
    for (int j = j0; j < k; j++) {
        const double *Jj = w->Js + j * MM;
        dyn_region_matrix(f, codes + (size_t)j * CW, w->Js + j * MM);
        double *Mj = w->Mpre + j * MM, *bj = w->bpre + (size_t)j * M;
        memcpy(bj, f->c, (size_t)M * sizeof(double));
        if (j == 0) {
            memcpy(Mj, Jj, MM * sizeof(double));
            continue;
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, M, M, 1.0, Jj, M,
                    Mj - MM, M, 0.0, Mj, M);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, M, M, 1.0, Jj, M, bj - M, 1, 1.0, bj, 1);
    }
    memcpy(w->prev, codes, (size_t)k * CW * sizeof(uint64_t));
    w->prev_k = k;
    memcpy(w->Mk, w->Mpre + (size_t)(k - 1) * MM, MM * sizeof(double));
    memcpy(w->rhs, w->bpre + (size_t)(k - 1) * M, (size_t)M * sizeof(double));
    solve_cycle_eq(f, w, k, zref, c->z, c);
    if (!c->solvable) return 0;

    /* z_2..z_k on the affine pieces; the codes of the solution (the SCYFI move reads them) */
    memcpy(w->traj, c->z, (size_t)M * sizeof(double));
    affine_orbit(f, w, k, w->traj);
    memcpy(c->z, w->traj, (size_t)k * M * sizeof(double));
    uint64_t *cd = xmalloc((size_t)CW * sizeof(uint64_t));
    int consistent = 1;
    double margin = INFINITY;
    for (int j = 0; j < k && consistent; j++) {
        const double *zj = c->z + (size_t)j * M;
        dyn_code(f, zj, cd);
        if (memcmp(cd, codes + (size_t)j * CW, (size_t)CW * sizeof(uint64_t))) consistent = 0;
        for (int i = lin; i < M; i++) margin = fabs(zj[i]) < margin ? fabs(zj[i]) : margin;
    }
    c->consistent = consistent;
    c->margin = f->P ? margin : INFINITY;
    const double n1 = norm2(c->z, M), scale = n1 > 1 ? n1 : 1;
    int minimal = 1;
    for (int j = 1; j < k && minimal; j++)
        if (dist2(c->z + (size_t)j * M, c->z, M) <= distinct_tol * scale) minimal = 0;
    c->minimal = minimal;

    if (consistent) { /* verification on F itself: the codes met and the closure */
        double *x = w->res, *y = w->zz;
        memcpy(x, c->z, (size_t)M * sizeof(double));
        for (int j = 0; j < k; j++) {
            dyn_code(f, x, cd);
            if (memcmp(cd, codes + (size_t)j * CW, (size_t)CW * sizeof(uint64_t))) consistent = 0;
            dyn_step(f, x, y);
            memcpy(x, y, (size_t)M * sizeof(double));
        }
        c->consistent = consistent;
        c->closure = dist2(x, c->z, M) / scale;
    }
    else /* an inconsistent (virtual) solution: its residual on the affine pieces */
        c->closure = dist2(w->traj + (size_t)k * M, c->z, M) / scale;
    free(cd);
    if (consistent || want_mult) {
        dyn_eig(M, w->Mk, c->mult_re, c->mult_im);
        c->stability = dyn_classify(M, c->mult_re, c->mult_im);
        c->rho = hypot(c->mult_re[0], c->mult_im[0]);
    }
    return c->consistent && c->minimal && c->closure <= DYN_CLOSE_TOL;
}

int dyn_cycle_try(const struct dyn_map *f, struct dyn_work *w, const uint64_t *codes, int k,
                  const double *zref, int max_iter, struct dyn_cycle *c, int *n_solves) {
    const int CW = f->CW, M = f->M;
    const size_t n = (size_t)k * CW;
    uint64_t *guess = xmalloc(n * sizeof(uint64_t)), *next = xmalloc(n * sizeof(uint64_t));
    memcpy(guess, codes, n * sizeof(uint64_t));
    int ok = 0, solves = 0;
    for (int it = 0; it < max_iter && !ok; it++) {
        solves++;
        ok = dyn_cycle_solve(f, w, guess, k, zref, c, 0);
        if (ok || !c->solvable || c->consistent) break; /* consistent but not a new orbit */
        for (int j = 0; j < k; j++) dyn_code(f, c->z + (size_t)j * M, next + (size_t)j * CW);
        if (!memcmp(next, guess, n * sizeof(uint64_t))) break;
        memcpy(guess, next, n * sizeof(uint64_t));
    }
    free(guess);
    free(next);
    if (n_solves) *n_solves += solves;
    return ok;
}

static int rot_less(const uint64_t *codes, int k, int CW, int r, int s) {
    for (int j = 0; j < k; j++) {
        const uint64_t *a = codes + (size_t)((r + j) % k) * CW, *b = codes + (size_t)((s + j) % k) * CW;
        for (int q = CW - 1; q >= 0; q--)
            if (a[q] != b[q]) return a[q] < b[q];
    }
    return 0;
}

void dyn_codes_canonical(const uint64_t *codes, int k, int CW, uint64_t *out) {
    int best = 0;
    for (int r = 1; r < k; r++)
        if (rot_less(codes, k, CW, r, best)) best = r;
    for (int j = 0; j < k; j++)
        memcpy(out + (size_t)j * CW, codes + (size_t)((best + j) % k) * CW, CW * sizeof(uint64_t));
}

int dyn_codes_period(const uint64_t *codes, int k, int CW) {
    for (int p = 1; p < k; p++) {
        if (k % p) continue;
        int same = 1;
        for (int j = 0; j < k && same; j++)
            same = !memcmp(codes + (size_t)j * CW, codes + (size_t)((j + p) % k) * CW,
                           CW * sizeof(uint64_t));
        if (same) return p;
    }
    return k;
}
