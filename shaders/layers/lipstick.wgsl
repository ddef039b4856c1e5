// Lipstick: the shade sets hue, chroma and mean lightness; the lip keeps its own light and
// shade. layer.color0 = shade, layer.color1 = liner (w = 1 when on), layer.color2.w = 1 when the
// ombré layer lays an inner colour over it (this coat then leaves that share to it),
// layer.params = (opacity, finish: 0 matte 1 satin 2 gloss 3 metallic 4 shimmer 5 sheer, -, -).
// Colours are reflectances: drawn under the face's light (level and colour, as the shade advisor
// measures it), with highlights where the face's dominant light would reflect
// (common/lip_finish.wgsl).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let line_dist = region(2, in.uv).r;
    let liner_on = layer.color1.w > 0.5;
    let coverage = lip_paint_coverage(in.uv, in.lip_feather, in.screen_uv, line_dist, liner_on);
    if coverage * info.strength < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    // The lip's own light and texture: each pixel's luminance against the lip's mean.
    let ratio = luma(base) / max(info.lip_luma, 1e-4);
    let finish = layer.params.y;
    // The pigment under the room's light, in its finish.
    var color = lip_finish(info, lit(info, layer.color0.rgb), ratio, in.normal, in.uv, finish);
    let liner_color = recolor(lit(info, layer.color1.rgb), min(ratio, 1.2));
    let liner = liner_mix(line_dist, liner_on, lip_coverage(in.uv, in.lip_feather));
    let share = ombre_share(line_dist, liner, layer.color2.w > 0.5);
    color = mix(color, liner_color, liner_under_ombre(liner, share));
    let alpha = coverage * layer.params.x * finish_opacity(finish) * info.strength;
    return vec4<f32>(keep_hue(color), under_ombre(alpha, share));
}
