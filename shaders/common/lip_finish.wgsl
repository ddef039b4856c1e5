// A lip colour in one of the six finishes, shared by the lipstick and the ombré layers (one
// pigment at the outer line, another towards the mouth: the same finish over both).
// Every finish is computed and one is selected, without branching: an if/else or switch on the
// finish leaks memory on every draw in Mesa's lavapipe (see docs/lavapipe-leak.md).

// Whether the finish number `f` (as uploaded, a float) is `id`.
fn is_finish(f: f32, id: f32) -> bool {
    return abs(f - id) < 0.5;
}

// How much of the product a finish lays down (sheer: the lip's own colour shows through).
fn finish_opacity(finish: f32) -> f32 {
    return select(1.0, 0.45, is_finish(finish, 5.0));
}

// `pigment` (a reflectance already under the face's light, `lit`) as the camera sees it on a lip
// pixel whose luminance is `ratio` times the lip's mean, with surface normal `n` at atlas
// position `uv`, in `finish` (0 matte 1 satin 2 gloss 3 metallic 4 shimmer 5 sheer).
fn lip_finish(info: FaceInfo, pigment: vec3<f32>, ratio: f32, n: vec3<f32>, uv: vec2<f32>, finish: f32) -> vec3<f32> {
    let light = info.light.rgb;
    // The lip's own relief breaks every highlight up along its lines (a lobe from the coarse
    // mesh alone would show its triangles): highlights sit where the lip itself is lit.
    let relief = smoothstep(0.6, 1.25, ratio);
    // Matte: a diffuse film: the lip's shading kept, its wet highlights flattened.
    let matte = recolor(pigment, select(ratio, 1.5 + (ratio - 1.5) * 0.3, ratio > 1.5));
    // Satin: a soft, broad sheen where the light meets the lip.
    let sheen = specular(info, n, 5.0) * (0.4 + 0.6 * relief);
    let satin = recolor(pigment, min(ratio, 1.4)) + light * (0.06 * sheen + 0.04 * smoothstep(1.1, 1.7, ratio));
    // Gloss: a clear wet coat: the colour beneath deepens (less diffuse surface light), a sharp
    // highlight where the light mirrors into the camera, the lip's own bright spots turned into
    // glints, a faint lift.
    let wet = specular(info, n, 24.0) * relief;
    let glints = smoothstep(1.25, 1.9, ratio);
    let gloss = recolor(pigment, min(ratio, 1.6)) * 0.85 + light * (0.01 + max(0.45 * wet, 0.25 * glints * glints));
    // Metallic: pigment-tinted, broad, high-contrast highlights over a darker body.
    let metal = specular(info, n, 8.0) * (0.3 + 0.7 * relief);
    let metallic = pigment * (0.5 * pow(min(ratio, 1.4), 1.5) + 1.1 * metal) + light * 0.05 * metal;
    // Shimmer: a pearly sheen and mica flakes fixed on the lip (face-UV cells, so each flake is a
    // fraction of the face, never one screen pixel). Each flake is tilted its own way and glints
    // when its tilt mirrors the light into the camera, so flakes flash as the head moves.
    let shimmer = recolor(pigment, ratio) * 0.92 + light * 0.04 * specular(info, n, 4.0)
        + mix(pigment, light, 0.45) * mica(uv, n, half_vector(info), 130.0);
    // Sheer: low coverage, the lip's own colour shows through.
    let sheer = recolor(pigment, ratio);
    var color = select(satin, matte, is_finish(finish, 0.0));
    color = select(color, gloss, is_finish(finish, 2.0));
    color = select(color, metallic, is_finish(finish, 3.0));
    color = select(color, shimmer, is_finish(finish, 4.0));
    return select(color, sheer, is_finish(finish, 5.0));
}

// Where a fragment lies on the lips, as the lipstick and the ombré both read it.
struct LipPixel {
    // The atlas's stored lip-line distance (region 2 r).
    line_dist: f32,
    // How much of the pixel is lip (lip_coverage: the fitted, feathered outline).
    lip: f32,
    // How much of it the lip colour covers (0-1): the lips, plus the liner's band past the line
    // when the liner is on, minus a hand or finger in front.
    coverage: f32,
};

// The lips at fragment `in`, with the liner on or off.
fn lip_pixel(in: MeshOut, liner_on: bool) -> LipPixel {
    let line_dist = region(2, in.uv).r;
    let lip = lip_coverage(in.uv, in.lip_feather);
    let coverage = max(lip, liner_band(line_dist, liner_on) * smoothstep(0.0, 0.2, lip + 0.05)) * (1.0 - covered(in.screen_uv));
    return LipPixel(line_dist, lip, coverage);
}

// The lip's own light and texture at a pixel of colour `base`: its luminance against the
// lip's mean.
fn lip_ratio(info: FaceInfo, base: vec3<f32>) -> f32 {
    return luma(base) / max(info.lip_luma, 1e-4);
}

// How much of the liner's band a pixel at lip-line distance `line_dist` is (0 when off).
fn liner_band(line_dist: f32, liner_on: bool) -> f32 {
    return select(0.0, 1.0 - smoothstep(0.35, 0.75, line_dist), liner_on);
}

// How much of a pixel's lip colour is the liner's: its band, half as much well inside the lips.
fn liner_mix(line_dist: f32, liner_on: bool, lip: f32) -> f32 {
    return liner_band(line_dist, liner_on) * (1.0 - 0.5 * lip);
}

// The share of a pixel's lip colour that is the ombré's inner colour (0 without ombré): none at
// the outer line, all of the lipstick's part from a little way in towards the mouth; the liner's
// part (`liner`, from liner_mix) stays the liner's.
fn ombre_share(line_dist: f32, liner: f32, ombre_on: bool) -> f32 {
    return select(0.0, smoothstep(0.3, 1.0, line_dist) * (1.0 - liner), ombre_on);
}

// The lipstick coat's opacity where an ombré coat of `share` will go over it at `coverage`:
// together they cover the pixel as one coat of the blended colour would. Over the lipstick at
// alpha a, the ombré at coverage * share leaves the picture below at (1 - a)(1 - coverage *
// share), which is 1 - coverage when a = coverage (1 - share) / (1 - coverage * share).
fn under_ombre(coverage: f32, share: f32) -> f32 {
    return coverage * (1.0 - share) / max(1.0 - coverage * share, 1e-4);
}

// How much liner the lipstick coat mixes in, `liner` of the whole, when an ombré coat will cover
// `share` of the colour: the liner's part of what the lipstick coat keeps.
fn liner_under_ombre(liner: f32, share: f32) -> f32 {
    return min(liner / max(1.0 - share, 1e-4), 1.0);
}
