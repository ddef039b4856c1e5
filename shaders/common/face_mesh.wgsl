// The face mesh vertex stage and the resources every layer shares: the camera frame, the
// region masks in face-UV space, the frame size and per-face statistics.

struct FrameInfo {
    // Frame size in pixels.
    size: vec2<f32>,
    // Seconds since start (animated finishes).
    time: f32,
    _pad: f32,
};

struct FaceInfo {
    // Mean linear luminance of the lips and of the skin (cheeks, forehead).
    lip_luma: f32,
    skin_luma: f32,
    // Inter-ocular distance in pixels: sets filter radii.
    iod_px: f32,
    // 0-1: fades makeup out when a face is lost.
    strength: f32,
    // What the room's light multiplies a reflectance by (linear RGB; 1 = the light the
    // catalogue's colours were measured in); w = 1 when measured on this face from the eye whites
    // or a grey card, 0 when borrowed from the picture's other faces or assumed.
    light: vec4<f32>,
    // Unit vector towards the dominant light: x right, y down, z towards the camera.
    light_dir: vec4<f32>,
    // x: the face's shape (0 oval, 1 round, 2 square, 3 heart, 4 long), for sculpting layers.
    shape: vec4<f32>,
    // The face's skin colour (this frame's, followed from the last in video): median linear r, g
    // chromaticity (xy) and how far from it a pixel may lie on each axis and still be skin (zw;
    // 0 = no model, everything is skin).
    skin: vec4<f32>,
    // The hair just above the face, read the same way (zw 0: none that stands apart from the skin).
    hair: vec4<f32>,
    // The brows' chromaticity as an rgb summing to 1 (w 1 when read, 0 when not).
    brows: vec4<f32>,
    // How the camera blurs the eyes, for the eyeliner: x the feather (pixels) a drawn edge fades
    // over to blur as the camera did there, y and z the pixels one liner unit spans across the
    // foot of the lid and the band above it, w how far (liner units) the foot reaches from the
    // line; all 0 when not measured (render/eye_edges.rs).
    eye_edges: vec4<f32>,
    // x: the pixels one liner unit spans across the eyeliner's wing (0 when not measured).
    liner_wing: vec4<f32>,
};

struct Faces {
    faces: array<FaceInfo, 8>,
};

// Colours (linear, alpha unused) and numbers of one layer; each layer documents its fields.
struct LayerParams {
    color0: vec4<f32>,
    color1: vec4<f32>,
    color2: vec4<f32>,
    params: vec4<f32>,
    extra: vec4<f32>,
};

@group(0) @binding(0) var camera_tex: texture_2d<f32>;
@group(0) @binding(1) var camera_smp: sampler;
@group(0) @binding(2) var region_tex: texture_2d_array<f32>;
@group(0) @binding(3) var region_smp: sampler;
@group(0) @binding(4) var<uniform> frame: FrameInfo;
@group(0) @binding(5) var<uniform> face_info: Faces;
// 1 where something in front of a face covers its lips (a finger): lip layers leave it bare.
@group(0) @binding(6) var occluder_tex: texture_2d<f32>;
@group(1) @binding(0) var<uniform> layer: LayerParams;

struct MeshOut {
    @builtin(position) clip: vec4<f32>,
    // Canonical face UV: where on the face this fragment is.
    @location(0) uv: vec2<f32>,
    // Position in the camera frame, 0-1.
    @location(1) screen_uv: vec2<f32>,
    @location(2) @interpolate(flat) face: u32,
    // Surface normal from the landmarks' depth, camera space (x right, y down, z to the camera).
    @location(3) normal: vec3<f32>,
    // Width over which lipstick fades across the outer lip line here, in the atlas's lip
    // feathers: as soft as the picture's own lip edge (render/lip_edges.rs, lip_feather.rs).
    @location(4) lip_feather: f32,
};

@vertex
fn vs_main(
    @location(0) pos: vec2<f32>,
    @location(1) uv: vec2<f32>,
    @location(2) normal: vec3<f32>,
    @location(3) lip_feather: f32,
    @builtin(instance_index) face: u32,
) -> MeshOut {
    var out: MeshOut;
    let s = pos / frame.size;
    out.clip = vec4<f32>(s.x * 2.0 - 1.0, 1.0 - s.y * 2.0, 0.0, 1.0);
    out.uv = uv;
    out.screen_uv = s;
    out.face = face;
    out.normal = normal;
    out.lip_feather = lip_feather;
    return out;
}

// The camera pixel under this fragment, linear.
fn camera_at(screen_uv: vec2<f32>) -> vec3<f32> {
    return textureSampleLevel(camera_tex, camera_smp, screen_uv, 0.0).rgb;
}

// How much of the face at this screen position is covered by something in front (0 bare face,
// 1 a hand or a finger), from the CPU's occluder mask (render/occluders.rs): hands found by the
// hand tracker for every layer, and on the lips a finger found by its hue. Each layer multiplies
// its coverage by 1 - covered.
fn covered(screen_uv: vec2<f32>) -> f32 {
    let size = vec2<i32>(textureDimensions(occluder_tex));
    let at = clamp(vec2<i32>(screen_uv * vec2<f32>(size)), vec2<i32>(0), size - vec2<i32>(1));
    return textureLoad(occluder_tex, at, 0).r;
}

// Region masks (see face/atlas.rs): mask 0 = lips, foundation, brows, blush;
// mask 1 = eyeshadow height, eyeshadow coverage, liner distance, liner position;
// mask 2 = lip-line distance, eye openings, signed distance to the outer lip line (in lip
// feathers), the lips' fade inside the mouth.
fn region(mask: i32, uv: vec2<f32>) -> vec4<f32> {
    return textureSampleLevel(region_tex, region_smp, uv, mask, 0.0);
}

// How far the region atlas stores the signed distance to the outer lip line, in its lip
// feathers (face/atlas.rs LIP_SD_RANGE).
const LIP_SD_RANGE: f32 = 3.0;

// How much of the lips this fragment is (0-1): a half on the outer lip line, fading across it
// over `feather` (in the atlas's lip feathers: the renderer converts the lip edge's measured
// width in pixels per vertex, render/lip_feather.rs, so the fade is as wide on screen on a near
// face and a far one, a frontal one and a turned one), and fading out just inside the mouth.
fn lip_coverage(uv: vec2<f32>, feather: f32) -> f32 {
    let m = region(2, uv);
    // Within what the atlas stores, so that the fade is never cut off at its range.
    let f = clamp(feather, 0.05, 2.0 * LIP_SD_RANGE);
    return (1.0 - blurred_rise(lip_distance(m.b), f, LIP_SD_RANGE)) * m.a;
}

// How far an edge at 0 blurred by the camera has risen at `x` (0-1), for a `fade` measured as
// a smoothstep's full width (the renderer turns measured 20-80 % widths into such fades): a
// Gaussian's cumulative with the same 20-80 % width (sigma = 0.253 fade), as the camera's blur
// draws an edge. A smoothstep stops dead at fade/2, where the camera's tail still shows (2.4 %
// of the step there). The tail is kept within `reach` of the edge (where the distance it is
// read from ends, or the layer stops drawing): the curve is scaled to be 0 and 1 there, so that
// nothing is left hanging at a few percent beyond. From the tanh approximation (within 0.0002).
fn blurred_rise(x: f32, fade: f32, reach: f32) -> f32 {
    let sigma = max(SMOOTHSTEP_SIGMAS * fade, 1e-4);
    let below = normal_cdf(-reach / sigma);
    return clamp((normal_cdf(x / sigma) - below) / max(1.0 - 2.0 * below, 1e-4), 0.0, 1.0);
}

// A Gaussian's sigma over the full width of the smoothstep with the same 20-80 % width:
// 0.4258 / 1.6832.
const SMOOTHSTEP_SIGMAS: f32 = 0.253;

// The standard normal distribution's cumulative at `z` (tanh approximation).
fn normal_cdf(z: f32) -> f32 {
    return 0.5 + 0.5 * tanh(0.7978846 * (z + 0.044715 * z * z * z));
}

// The signed distance to the outer lip line stored in the atlas (0-1), in lip feathers.
fn lip_distance(stored: f32) -> f32 {
    return (stored - 0.5) * 2.0 * LIP_SD_RANGE;
}

fn face_of(i: u32) -> FaceInfo {
    return face_info.faces[min(i, 7u)];
}

// How far a pixel's chromaticity lies from a colour model's (skin or hair: chromaticity xy,
// tolerance zw), in the model's tolerances.
fn chroma_off(model: vec4<f32>, c: vec3<f32>) -> f32 {
    let sum = max(c.r + c.g + c.b, 1e-4);
    return length((vec2<f32>(c.r, c.g) / sum - model.xy) / max(model.zw, vec2<f32>(1e-4)));
}

// How many robust spreads a colour model's tolerance spans (skin_model::SPREADS).
const SKIN_MODEL_SPREADS: f32 = 2.5;
// Where a pixel starts and ends counting as hair, in the odds hair_likeness weighs (the
// log-likelihood ratio of hair to skin × 2 / SKIN_MODEL_SPREADS²): likelihood ratios of about 5
// and 110, so that the skin's own fringe stays skin.
const HAIR_ODDS_FROM: f32 = 0.5;
const HAIR_ODDS_TO: f32 = 1.5;
// How far from the hair's colour, in its tolerances, a pixel stops counting as hair (a colour
// like neither, e.g. makeup already on the lid, is no lock of hair).
const HAIR_REACH_FROM: f32 = 1.5;
const HAIR_REACH_TO: f32 = 2.5;
// How far apart, in the skin's tolerances, the hair's colour and the skin's must lie for the hair
// model to count, from not at all to in full (skin_model::HAIR_APART): faded, not switched, so
// that a model near the limit does not flicker from frame to frame.
const HAIR_APART_FROM: f32 = 1.0;
const HAIR_APART_TO: f32 = 1.5;

// How much a camera pixel looks like the hair above this face (1) rather than its skin (0): a
// lock hanging across the brow or lid. Hair is a colour within the hair's model and more likely
// hair than skin by a margin, each model taken as a normal distribution of its own spread (hair
// with highlights spreads wider than skin: a colour equally far from both in their own
// tolerances is more likely skin). 0 everywhere when no hair apart from the skin was read.
fn hair_likeness(info: FaceInfo, c: vec3<f32>) -> f32 {
    let to_hair = chroma_off(info.hair, c);
    let to_skin = chroma_off(info.skin, c);
    // The log of how much wider the hair's spread is than the skin's: its density is that much lower.
    let spread = log(max(info.hair.z * info.hair.w, 1e-12) / max(info.skin.z * info.skin.w, 1e-12));
    // In squared tolerances.
    let odds = to_skin * to_skin - to_hair * to_hair - 2.0 * spread / (SKIN_MODEL_SPREADS * SKIN_MODEL_SPREADS);
    let near_hair = 1.0 - smoothstep(HAIR_REACH_FROM, HAIR_REACH_TO, to_hair);
    let hair_colour = vec3<f32>(info.hair.xy, 1.0 - info.hair.x - info.hair.y);
    let apart = smoothstep(HAIR_APART_FROM, HAIR_APART_TO, chroma_off(info.skin, hair_colour));
    let like = smoothstep(HAIR_ODDS_FROM, HAIR_ODDS_TO, odds) * near_hair * apart;
    // Selected with a non-short-circuit |: no branch (docs/lavapipe-leak.md).
    return select(like, 0.0, (info.hair.z <= 0.0) | (info.skin.z <= 0.0));
}

// How much a camera pixel looks like this face's skin (1) rather than something in front of it
// (0): hair, a sleeve, a dark collar. Face-wide layers paint only where it is skin.
fn skin_likeness(info: FaceInfo, c: vec3<f32>) -> f32 {
    let hue = 1.0 - smoothstep(1.0, 2.0, chroma_off(info.skin, c));
    // Much darker than the face's skin (black hair, clothing) is not skin either.
    let dark = smoothstep(0.08, 0.2, luma(c) / max(info.skin_luma, 1e-4));
    return select(hue * dark, 1.0, info.skin.z <= 0.0) * (1.0 - hair_likeness(info, c));
}

// A product's colour as the camera sees it: its reflectance (a linear catalogue colour) under
// the face's light.
fn lit(info: FaceInfo, reflectance: vec3<f32>) -> vec3<f32> {
    return reflectance * info.light.rgb;
}

// How strongly a surface with normal `n` mirrors the face's dominant light into the camera: a
// Blinn-Phong lobe, sharper for larger `power` (a wet gloss) and broad for small (a satin sheen).
fn specular(info: FaceInfo, n: vec3<f32>, power: f32) -> f32 {
    return pow(max(dot(normalize(n), half_vector(info)), 0.0), power);
}

// Halfway between the face's dominant light and the camera: surfaces facing it mirror the light
// into the camera.
fn half_vector(info: FaceInfo) -> vec3<f32> {
    return normalize(info.light_dir.xyz + vec3<f32>(0.0, 0.0, 1.0));
}
