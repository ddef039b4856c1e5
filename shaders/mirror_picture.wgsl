// The mirror's picture, drawn by an egui paint callback straight into the window's render pass:
// the made-up frame (and, left of the before/after line, the bare camera frame), aspect-fit into
// the viewport egui sets to the picture's rectangle, flipped when the mirror is. Opaque, so the
// window behind it is never read: on software rasterisers that read is what blending costs.
// The pipeline is built in variants (override constants) so that each draws only what it shows:
// without the before/after line the bare frame is not sampled, and a window that stores what the
// texture holds gets no sRGB encoding; the compiler drops the unused work.

// Whether the before/after line is on: left of it the bare frame is sampled and shown.
override SHOW_BEFORE: bool = true;
// Whether the textures are sampled as linear light but the window stores sRGB-encoded values (no
// plain view of the textures on this device): encode here.
override ENCODE: bool = true;

struct PictureParams {
    // Before/after line as a fraction of the picture's width (with SHOW_BEFORE); pixels left of
    // it show the bare frame.
    split: f32,
    // 1 when the picture is mirrored left to right.
    flip: u32,
    _pad: vec2<u32>,
}

@group(0) @binding(0) var before_tex: texture_2d<f32>;
@group(0) @binding(1) var after_tex: texture_2d<f32>;
@group(0) @binding(2) var picture_sampler: sampler;
@group(0) @binding(3) var<uniform> params: PictureParams;

struct PictureVertex {
    @builtin(position) position: vec4<f32>,
    // 0..1 across the picture, left to right and top to bottom.
    @location(0) at: vec2<f32>,
};

// One triangle covering the viewport.
@vertex
fn vs_picture(@builtin(vertex_index) i: u32) -> PictureVertex {
    let corner = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
    var out: PictureVertex;
    out.position = vec4<f32>(corner.x * 2.0 - 1.0, 1.0 - corner.y * 2.0, 0.0, 1.0);
    out.at = corner;
    return out;
}

@fragment
fn fs_picture(v: PictureVertex) -> @location(0) vec4<f32> {
    let u = select(v.at.x, 1.0 - v.at.x, params.flip == 1u);
    let uv = vec2<f32>(u, v.at.y);
    let after = textureSample(after_tex, picture_sampler, uv).rgb;
    // select, not if: control flow in a fragment shader leaks memory on every draw in Mesa's
    // lavapipe (docs/lavapipe-leak.md). With a constant false condition the compiler folds the
    // select away, and with it the unused sample or encoding.
    let before = textureSample(before_tex, picture_sampler, uv).rgb;
    let c = select(after, before, SHOW_BEFORE && v.at.x < params.split);
    return vec4<f32>(select(c, linear_to_srgb(c), ENCODE), 1.0);
}
