// Lipstick: the shade sets hue, chroma and mean lightness; the lip keeps its own light and
// shade. layer.color0 = shade, layer.color1 = liner (w = 1 when on), layer.color2 = ombré inner
// colour (w = 1 when on: the shade at the outer lip line blends into it towards the mouth),
// layer.params = (opacity, finish: 0 matte 1 satin 2 gloss 3 metallic 4 shimmer 5 sheer, -, -).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let masks = region(0, in.uv);
    let lip = masks.r;
    let line_dist = region(2, in.uv).r;
    let liner_on = layer.color1.w > 0.5;
    let liner = select(0.0, 1.0 - smoothstep(0.35, 0.75, line_dist), liner_on);
    let coverage = max(lip, liner * smoothstep(0.0, 0.2, lip + 0.05));
    if coverage * info.strength < 0.002 {
        discard;
    }

    let base = camera_at(in.screen_uv);
    let ratio = luma(base) / max(info.lip_luma, 1e-4);
    // Ombré: from the shade at the outer line to the inner colour over the outer part of the lip.
    let ombre = select(0.0, smoothstep(0.3, 1.0, line_dist), layer.color2.w > 0.5);
    let shade = mix(layer.color0.rgb, layer.color2.rgb, ombre);
    let finish = layer.params.y;
    // Every finish is computed and one is selected, without branching: an if/else or switch on
    // the finish leaks memory on every draw in Mesa's lavapipe (see docs/lavapipe-leak.md).
    // Matte: specular spots (well above the lip's mean light) flattened, the rest kept.
    let matte = recolor(shade, select(ratio, 1.5 + (ratio - 1.5) * 0.3, ratio > 1.5));
    // Satin: the lip's own light, with a soft sheen.
    let satin = recolor(shade, ratio) + vec3<f32>(smoothstep(1.05, 1.6, ratio) * 0.12);
    // Gloss: bright highlights grown from the lip's own bright spots.
    let gloss_spec = smoothstep(1.3, 2.0, ratio);
    let gloss = recolor(shade, ratio) + vec3<f32>(gloss_spec * gloss_spec * 0.5);
    // Metallic: more contrast, highlights tinted by the shade.
    let metal_spec = smoothstep(1.0, 1.6, ratio);
    let metallic = recolor(shade, pow(max(ratio, 0.0), 1.4)) + shade * metal_spec * 1.2 + vec3<f32>(metal_spec * 0.08);
    // Shimmer: fine sparkles fixed in face-UV space, brighter where the lip catches light.
    let glint = sparkle(in.uv, 700.0, 0.12) * (0.4 + 0.6 * smoothstep(0.6, 1.3, ratio));
    let shimmer = recolor(shade, ratio) + mix(shade, vec3<f32>(1.0), 0.6) * glint * 0.9;
    // Sheer: low coverage, the lip's own colour shows through.
    let sheer = recolor(shade, ratio);
    var color = select(satin, matte, is_finish(finish, 0.0));
    color = select(color, gloss, is_finish(finish, 2.0));
    color = select(color, metallic, is_finish(finish, 3.0));
    color = select(color, shimmer, is_finish(finish, 4.0));
    color = select(color, sheer, is_finish(finish, 5.0));
    let opacity = layer.params.x * select(1.0, 0.45, is_finish(finish, 5.0));
    let liner_color = recolor(layer.color1.rgb, min(ratio, 1.2));
    let liner_mix = select(0.0, liner * (1.0 - 0.5 * lip), liner_on);
    color = mix(color, liner_color, liner_mix);
    return vec4<f32>(min(color, vec3<f32>(1.0)), coverage * opacity * info.strength);
}

// Whether the finish number `f` (as uploaded, a float) is `id`.
fn is_finish(f: f32, id: f32) -> bool {
    return abs(f - id) < 0.5;
}
