// Lipstick: the shade sets hue, chroma and mean lightness; the lip keeps its own light and
// shade. layer.color0 = shade, layer.color1 = liner (w = 1 when on), layer.color2 = ombré inner
// colour (w = 1 when on: the shade at the outer lip line blends into it towards the mouth),
// layer.params = (opacity, finish: 0 matte 1 satin 2 gloss 3 metallic 4 shimmer 5 sheer, -, -).
// Colours are reflectances: drawn under the face's light (level and colour, as the shade advisor
// measures it), with highlights where the face's dominant light would reflect.

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let lip = lip_coverage(in.uv, in.lip_feather);
    let line_dist = region(2, in.uv).r;
    let liner_on = layer.color1.w > 0.5;
    let liner = select(0.0, 1.0 - smoothstep(0.35, 0.75, line_dist), liner_on);
    let coverage = max(lip, liner * smoothstep(0.0, 0.2, lip + 0.05)) * (1.0 - covered(in.screen_uv));
    if coverage * info.strength < 0.002 {
        discard;
    }

    let base = camera_at(in.screen_uv);
    // The lip's own light and texture: each pixel's luminance against the lip's mean.
    let ratio = luma(base) / max(info.lip_luma, 1e-4);
    // Ombré: from the shade at the outer line to the inner colour over the outer part of the lip.
    let ombre = select(0.0, smoothstep(0.3, 1.0, line_dist), layer.color2.w > 0.5);
    // The pigment under the room's light; every finish starts from it.
    let pigment = lit(info, mix(layer.color0.rgb, layer.color2.rgb, ombre));
    let light = info.light.rgb;
    let n = in.normal;
    let finish = layer.params.y;
    // Every finish is computed and one is selected, without branching: an if/else or switch on
    // the finish leaks memory on every draw in Mesa's lavapipe (see docs/lavapipe-leak.md).
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
        + mix(pigment, light, 0.45) * mica(in.uv, n, half_vector(info), 130.0);
    // Sheer: low coverage, the lip's own colour shows through.
    let sheer = recolor(pigment, ratio);
    var color = select(satin, matte, is_finish(finish, 0.0));
    color = select(color, gloss, is_finish(finish, 2.0));
    color = select(color, metallic, is_finish(finish, 3.0));
    color = select(color, shimmer, is_finish(finish, 4.0));
    color = select(color, sheer, is_finish(finish, 5.0));
    let opacity = layer.params.x * select(1.0, 0.45, is_finish(finish, 5.0));
    let liner_color = recolor(lit(info, layer.color1.rgb), min(ratio, 1.2));
    let liner_mix = select(0.0, liner * (1.0 - 0.5 * lip), liner_on);
    color = mix(color, liner_color, liner_mix);
    return vec4<f32>(keep_hue(color), coverage * opacity * info.strength);
}

// Whether the finish number `f` (as uploaded, a float) is `id`.
fn is_finish(f: f32, id: f32) -> bool {
    return abs(f - id) < 0.5;
}

