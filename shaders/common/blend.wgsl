// Blend helpers, all in linear light.

// Recolours a pixel to `shade` while keeping its own light: `ratio` is the pixel's luminance
// relative to its region's mean, so creases stay dark and highlights stay bright.
fn recolor(shade: vec3<f32>, ratio: f32) -> vec3<f32> {
    return shade * ratio;
}
