/* Software composition with pixman: what an output shows, drawn within its damage. */
#ifndef MULTISEAT_COMPOSITOR_RENDER_H
#define MULTISEAT_COMPOSITOR_RENDER_H

#include <pixman.h>

struct output;
struct surface;

/* The output's frame state (output_create); render_finish frees it. 0 or -ENOMEM. */
int render_init(struct output *output);
/* Gathers what is on `output` for the next frame; returns the surface that alone covers it,
 * opaque and unscaled, whose buffer can be shown without composition (else NULL). */
struct surface *render_prepare(struct output *output);
/* Draws what render_prepare gathered, within `damage`. */
void render_output(struct output *output, pixman_image_t *image, pixman_region32_t *damage);
/* The frame shows what render_prepare gathered without render_output (scan-out): presentation
 * feedback of every surface on it follows this frame, as render_output does for its own. */
void render_mark_drawn(struct output *output);
void render_finish(struct output *output);

#endif
