/* enc_realdata.h: the input encoders of the real-data experiments (PAPER.md §2.1–2.3), each a
 * layer stack (layers.h) whose last layer has M outputs that enter the AL-RNN through C.
 *
 *   encoder_smnist_cnn  "smnist_cnn" (§2.2), x (784, B, 1) pixels in [0, 1]:
 *       Conv1d(1→16, k15, p7) → ReLU → MaxPool(2) → Conv1d(16→32, k7, p3) → ReLU → MaxPool(2)
 *       → Conv1d(32→M, k3, p1); T = 784 → 196 steps (commit 8511eeb).
 *       opt[0] = number of MaxPool(2) layers, 1 or 2 (0 = 2); 1 drops the second pool and
 *       gives T = 392 (commit 2568d9f).
 *   encoder_audio_cnn   "audio_cnn" (§2.3), x (T, B, 40) z-scored MFCC frames:
 *       Conv1d(40→H, k3, p1) → ReLU → Conv1d(H→M, k3, p1); T unchanged.
 *       opt[0] = H (0 = 64).
 *   encoder_token_mlp   "token_mlp" (§2.1), x (T, B, 1) token ids stored as reals:
 *       Embedding(V, D) → Dense(D→H) → ReLU → Dense(H→H) → ReLU → Dense(H→M); T unchanged.
 *       opt[0] = V (0 = 20002: PAD, UNK, 20 000 words), opt[1] = D (0 = 100),
 *       opt[2] = H (0 = 128), opt[3] = 1: the embedding table is frozen (no gradient).
 *       The paper adds the MLP's output to the update directly; here it passes through C
 *       (M×M), whose product with the last dense layer is again one affine map H→M: the same
 *       function class, over-parameterised (docs/reproduce-realdata.md).
 *
 * Pretrained vectors (GloVe, §2.1). The encoder interface carries only integer sizes, so a
 * table built by the task from a file reaches the encoder's initialisation through
 * enc_token_set_pretrained(): the IMDb task calls it while it builds its data (which the run
 * does before it creates the model), and encoder_token_mlp's init then copies the table
 * over the random rows. It is process-wide state, set once per run; set NULL to clear.
 */
#ifndef ALRNN_ENC_REALDATA_H
#define ALRNN_ENC_REALDATA_H

#include "encoder.h"
#include "layers.h"

extern const struct encoder_type encoder_smnist_cnn;
extern const struct encoder_type encoder_audio_cnn;
extern const struct encoder_type encoder_token_mlp;

/* The layer stacks of the three encoders for an encoder instance (tests, documentation). */
void enc_smnist_spec(const struct encoder *e, struct layer_stack *s);
void enc_audio_spec(const struct encoder *e, struct layer_stack *s);
void enc_token_spec(const struct encoder *e, struct layer_stack *s);

/* Copies E (V, D); the encoder's vocabulary must hold at least V ids with the same D. */
void enc_token_set_pretrained(const real *E, int V, int D);

#endif
