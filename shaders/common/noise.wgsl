// Deterministic noise for textures fixed in face-UV space (shimmer), so sparkles move with the
// face instead of swimming over it.

fn hash21(p: vec2<f32>) -> f32 {
    var q = fract(p * vec2<f32>(123.34, 456.21));
    q = q + dot(q, q + 45.32);
    return fract(q.x * q.y);
}

// Mica flakes at face-UV `uv` on a surface with normal `n`: how much light a flake sends to the
// camera (0 between flakes), for a light whose half vector (towards light + towards camera,
// normalised) is `half_vector`. `density` cells per UV unit, half of them holding a flake; each
// flake is tilted its own way and glints when its tilt mirrors the light into the camera, so the
// flakes stay on the surface and flash as the head moves.
fn mica(uv: vec2<f32>, n: vec3<f32>, half_vector: vec3<f32>, density: f32) -> f32 {
    let p = uv * density;
    let cell = floor(p);
    let on = step(0.45, hash21(cell + 3.0));
    let centre = cell + vec2<f32>(0.3) + 0.4 * vec2<f32>(hash21(cell + 7.0), hash21(cell + 13.0));
    let disc = 1.0 - smoothstep(0.12, 0.32, length(p - centre));
    let tilt = vec3<f32>(hash21(cell + 17.0), hash21(cell + 29.0), 0.0) * 2.0 - vec3<f32>(1.0, 1.0, 0.0);
    let flake_normal = normalize(n + 0.45 * tilt);
    let glint = pow(max(dot(flake_normal, half_vector), 0.0), 40.0);
    return on * disc * (0.06 + 0.9 * glint);
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
