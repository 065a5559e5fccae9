/* enc_smnist.c: the 1-D CNN over the pixel sequence of sequential MNIST (PAPER.md §2.2).
 * Layers and options: enc_realdata.h. */
#include "enc_realdata.h"
#include "layers.h"

void enc_smnist_spec(const struct encoder *e, struct layer_stack *s) {
    const int pools = e->opt[0] ? e->opt[0] : 2;
    ASSERT(pools == 1 || pools == 2);
    stack_begin(s, e->N_in);
    stack_conv1d(s, "enc.conv1.w", "enc.conv1.b", 16, 15, 7);
    stack_relu(s);
    stack_maxpool(s, 2);
    stack_conv1d(s, "enc.conv2.w", "enc.conv2.b", 32, 7, 3);
    stack_relu(s);
    if (pools == 2) stack_maxpool(s, 2);
    stack_conv1d(s, "enc.conv3.w", "enc.conv3.b", e->M, 3, 1);
}

LAYER_STACK_ENCODER(encoder_smnist_cnn, "smnist_cnn", enc_smnist_spec, NULL);
