/* enc_audio.c: the two convolutions over MFCC frames of the audio task (PAPER.md §2.3).
 * Layers and options: enc_realdata.h. */
#include "enc_realdata.h"
#include "layers.h"

void enc_audio_spec(const struct encoder *e, struct layer_stack *s) {
    const int H = e->opt[0] ? e->opt[0] : 64;
    stack_begin(s, e->N_in);
    stack_conv1d(s, "enc.conv1.w", "enc.conv1.b", H, 3, 1);
    stack_relu(s);
    stack_conv1d(s, "enc.conv2.w", "enc.conv2.b", e->M, 3, 1);
}

LAYER_STACK_ENCODER(encoder_audio_cnn, "audio_cnn", enc_audio_spec, NULL);
