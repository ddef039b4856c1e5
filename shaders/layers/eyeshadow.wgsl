// Eyeshadow: one to three shades as a gradient from the lash line up towards the brow bone,
// never on the eye opening. layer.color0..2 = shades (lash line first),
// layer.params = (opacity, number of shades, shimmer 0-1, -): shimmer adds a soft sheen and mica
// flakes fixed on the lid, glinting where the face's light mirrors off them.

// Share of the skin's luminance below which a pixel is a lash or hair in deep shade (whose
// chromaticity says nothing), fading in up to LASH_TO: far darker than a lid's crease.
const LASH_FROM: f32 = 0.03;
const LASH_TO: f32 = 0.08;

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let m = region(1, in.uv);
    let height = m.r;
    let coverage = m.g * (1.0 - smoothstep(0.5, 0.95, height)) * (1.0 - region(2, in.uv).g);
    let base = camera_at(in.screen_uv);
    let shade_of_skin = luma(base) / max(info.skin_luma, 1e-4);
    // Not on a lock of hair hanging across the lid, nor on lashes or hair in deep shade.
    let not_lash = smoothstep(LASH_FROM, LASH_TO, shade_of_skin);
    let shown = (1.0 - covered(in.screen_uv)) * (1.0 - hair_likeness(info, base)) * not_lash;
    let alpha = coverage * layer.params.x * info.strength * shown;
    if alpha < 0.002 {
        discard;
    }
    let n = i32(layer.params.y + 0.5);
    // Selected, not branched: an if/else here leaks memory on every draw in Mesa's lavapipe
    // (see docs/lavapipe-leak.md).
    let two = mix(layer.color0.rgb, layer.color1.rgb, smoothstep(0.15, 0.6, height));
    let three = mix(
        mix(layer.color0.rgb, layer.color1.rgb, smoothstep(0.1, 0.35, height)),
        layer.color2.rgb,
        smoothstep(0.35, 0.65, height),
    );
    let shade = select(select(layer.color0.rgb, three, n >= 3), two, n == 2);
    let ratio = clamp(shade_of_skin, 0.3, 1.6);
    let pigment = lit(info, shade);
    let shimmer = layer.params.z;
    let flakes = mica(in.uv, in.normal, half_vector(info), 160.0) + 0.12 * specular(info, in.normal, 8.0);
    let color = recolor(pigment, ratio) + mix(pigment, info.light.rgb, 0.5) * shimmer * flakes * 1.5;
    return vec4<f32>(keep_hue(color), alpha);
}
