// Blend helpers, all in linear light.

// Recolours a pixel to `shade` while keeping its own light: `ratio` is the pixel's luminance
// relative to its region's mean, so creases stay dark and highlights stay bright.
fn recolor(shade: vec3<f32>, ratio: f32) -> vec3<f32> {
    return shade * ratio;
}

// Multiply blend towards `tint` by `amount` (0 leaves the colour as it is).
fn multiply_towards(base: vec3<f32>, tint: vec3<f32>, amount: f32) -> vec3<f32> {
    return base * mix(vec3<f32>(1.0), tint, amount);
}

// Soft light (W3C formula) of `top` over `base`.
fn soft_light(base: vec3<f32>, top: vec3<f32>) -> vec3<f32> {
    let d = select(sqrt(base), ((16.0 * base - 12.0) * base + 4.0) * base, base <= vec3<f32>(0.25));
    let lo = base - (1.0 - 2.0 * top) * base * (1.0 - base);
    let hi = base + (2.0 * top - 1.0) * (d - base);
    return select(hi, lo, top <= vec3<f32>(0.5));
}

// Screen blend: lightens, never darkens.
fn screen(base: vec3<f32>, top: vec3<f32>) -> vec3<f32> {
    return vec3<f32>(1.0) - (vec3<f32>(1.0) - base) * (vec3<f32>(1.0) - top);
}
