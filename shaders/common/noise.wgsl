// Deterministic noise for textures fixed in face-UV space (shimmer), so sparkles move with the
// face instead of swimming over it.

fn hash21(p: vec2<f32>) -> f32 {
    var q = fract(p * vec2<f32>(123.34, 456.21));
    q = q + dot(q, q + 45.32);
    return fract(q.x * q.y);
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
