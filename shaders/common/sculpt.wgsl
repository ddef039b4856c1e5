// Shapes in face-UV space for sculpting layers (contour, highlight). The canonical UV map is
// symmetric, so each shape is written once for the face's side: `face_side` folds u onto
// 0 (the face's edge) → 0.5 (its middle); v runs from the forehead (0) to the chin (1).

fn face_side(uv: vec2<f32>) -> vec2<f32> {
    return vec2<f32>(min(uv.x, 1.0 - uv.x), uv.y);
}

// Distance from `p` to the segment `a`–`b`.
fn segment_distance(p: vec2<f32>, a: vec2<f32>, b: vec2<f32>) -> f32 {
    let ab = b - a;
    let t = clamp(dot(p - a, ab) / max(dot(ab, ab), 1e-8), 0.0, 1.0);
    return length(p - (a + ab * t));
}

// A soft falloff: 1 at distance 0, a Gaussian of width `sigma`.
fn soft(d: f32, sigma: f32) -> f32 {
    let x = d / sigma;
    return exp(-0.5 * x * x);
}

// 1 when a face's `shape` (FaceInfo.shape.x: 0 oval, 1 round, 2 square, 3 heart, 4 long) is
// `id`, else 0.
fn shape_is(shape: f32, id: f32) -> f32 {
    return select(0.0, 1.0, abs(shape - id) < 0.5);
}
