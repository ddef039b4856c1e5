// Lipstick: the shade sets hue, chroma and mean lightness; the lip keeps its own light and
// shade. layer.color0 = shade, layer.color1 = liner (w = 1 when on),
// layer.params = (opacity, finish: 0 matte 1 satin 2 gloss 3 metallic 4 shimmer 5 sheer,
// ombré on 0/1: the ombré layer lays an inner colour over this coat, which leaves it that share, -).
// Colours are reflectances: drawn under the face's light (level and colour, as the shade advisor
// measures it), with highlights where the face's dominant light would reflect
// (common/lip_finish.wgsl).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let liner_on = layer.color1.w > 0.5;
    let at = lip_pixel(in, liner_on);
    if at.coverage * info.strength < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let ratio = lip_ratio(info, base);
    let finish = layer.params.y;
    // The pigment under the room's light, in its finish.
    var color = lip_finish(info, lit(info, layer.color0.rgb), ratio, in.normal, in.uv, finish);
    let liner_color = recolor(lit(info, layer.color1.rgb), min(ratio, 1.2));
    let liner = liner_mix(at.line_dist, liner_on, at.lip);
    let share = ombre_share(at.line_dist, liner, layer.params.z > 0.5);
    color = mix(color, liner_color, liner_under_ombre(liner, share));
    let alpha = at.coverage * layer.params.x * finish_opacity(finish) * info.strength;
    return vec4<f32>(keep_hue(color), under_ombre(alpha, share));
}
