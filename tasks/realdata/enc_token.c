/* enc_token.c: token embedding + per-token MLP of the IMDb task (PAPER.md §2.1), and the
 * hand-over of pretrained (GloVe) vectors to its initialisation. Layers, options and the
 * reason for the process-wide table: enc_realdata.h. */
#include <stdlib.h>
#include <string.h>

#include "enc_realdata.h"
#include "layers.h"

void enc_token_spec(const struct encoder *e, struct layer_stack *s) {
    const int V = e->opt[0] ? e->opt[0] : 20002, D = e->opt[1] ? e->opt[1] : 100,
              H = e->opt[2] ? e->opt[2] : 128;
    stack_begin(s, e->N_in);
    stack_embed(s, "enc.embed.E", V, D, e->opt[3]);
    stack_dense(s, "enc.fc1.w", "enc.fc1.b", H);
    stack_relu(s);
    stack_dense(s, "enc.fc2.w", "enc.fc2.b", H);
    stack_relu(s);
    stack_dense(s, "enc.fc3.w", "enc.fc3.b", e->M);
}

static struct {
    real *E; /* (V, D) */
    int V, D;
} pretrained;

void enc_token_set_pretrained(const real *E, int V, int D) {
    free(pretrained.E);
    pretrained.E = NULL;
    pretrained.V = pretrained.D = 0;
    if (!E) return;
    pretrained.E = xmalloc((size_t)V * D * sizeof(real));
    memcpy(pretrained.E, E, (size_t)V * D * sizeof(real));
    pretrained.V = V, pretrained.D = D;
}

/* The embedding table is the stack's first tensor (offset 0). */
static void token_post_init(const struct encoder *e, real *params) {
    if (!pretrained.E) return;
    struct layer_stack s;
    enc_token_spec(e, &s);
    const struct layer *l = &s.layer[0];
    if (pretrained.D != l->out || pretrained.V > l->vocab)
        die("pretrained embedding (%d x %d) does not fit the encoder's table (%d x %d)",
            pretrained.V, pretrained.D, l->vocab, l->out);
    memcpy(params, pretrained.E, (size_t)pretrained.V * pretrained.D * sizeof(real));
}

LAYER_STACK_ENCODER(encoder_token_mlp, "token_mlp", enc_token_spec, token_post_init);
