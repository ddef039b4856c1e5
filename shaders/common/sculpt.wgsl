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

// One weight per face shape (1 for the face's own, 0 for the others), for mixing placements.
struct ShapeWeights {
    round: f32,
    square: f32,
    heart: f32,
    long: f32,
};

// The weights of a face whose `shape` (FaceInfo.shape.x) is 0 oval, 1 round, 2 square, 3 heart or
// 4 long: an oval face has all four at 0.
fn shape_weights(shape: f32) -> ShapeWeights {
    let off = vec4<f32>(1.0, 2.0, 3.0, 4.0) - vec4<f32>(shape);
    let w = select(vec4<f32>(0.0), vec4<f32>(1.0), abs(off) < vec4<f32>(0.5));
    return ShapeWeights(w.x, w.y, w.z, w.w);
}
