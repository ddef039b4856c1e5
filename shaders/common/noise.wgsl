// Deterministic noise for textures fixed in face-UV space (shimmer), so sparkles move with the
// face instead of swimming over it.

fn hash21(p: vec2<f32>) -> f32 {
    var q = fract(p * vec2<f32>(123.34, 456.21));
    q = q + dot(q, q + 45.32);
    return fract(q.x * q.y);
}

// Value noise with smooth interpolation.
fn value_noise(p: vec2<f32>) -> f32 {
    let i = floor(p);
    let f = fract(p);
    let u = f * f * (3.0 - 2.0 * f);
    let a = hash21(i);
    let b = hash21(i + vec2<f32>(1.0, 0.0));
    let c = hash21(i + vec2<f32>(0.0, 1.0));
    let d = hash21(i + vec2<f32>(1.0, 1.0));
    return mix(mix(a, b, u.x), mix(c, d, u.x), u.y);
}

// Sparse sparkles: 1 at a few cells of a `density`-wide grid in UV, 0 elsewhere, soft-edged.
fn sparkle(uv: vec2<f32>, density: f32, rate: f32) -> f32 {
    let p = uv * density;
    let cell = floor(p);
    let on = step(1.0 - rate, hash21(cell));
    let centre = cell + vec2<f32>(0.25) + 0.5 * vec2<f32>(hash21(cell + 7.0), hash21(cell + 13.0));
    let d = length(p - centre);
    return on * (1.0 - smoothstep(0.05, 0.3, d));
}
