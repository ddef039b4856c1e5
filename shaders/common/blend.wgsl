// Blend helpers, all in linear light.

// Recolours a pixel to `shade` while keeping its own light: `ratio` is the pixel's luminance
// relative to its region's mean, so creases stay dark and highlights stay bright.
fn recolor(shade: vec3<f32>, ratio: f32) -> vec3<f32> {
    return shade * ratio;
}

// Brings a colour brighter than white back into range by scaling all channels alike, so a bright
// highlight keeps its hue (clipping each channel on its own turns a red highlight pink).
fn keep_hue(c: vec3<f32>) -> vec3<f32> {
    return c / max(1.0, max(c.r, max(c.g, c.b)));
}
