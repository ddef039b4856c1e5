// Ombré (two-tone lips): the inner colour laid over the lipstick towards the mouth, in the
// lipstick's finish: none at the outer lip line, all of it from a little way in (by the atlas's
// stored lip-line distance), kept off the liner. The lipstick below leaves this share to it
// (`under_ombre`), so the two cover the lips as one coat of the blended colour.
// layer.color0 = inner colour, layer.params = (opacity, finish as the lipstick's, liner on 0/1, -).
// It draws over the lipstick's triangles (src/render/layers/lipstick.rs `paints`).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let liner_on = layer.params.z > 0.5;
    let at = lip_pixel(in, liner_on);
    let share = ombre_share(at.line_dist, liner_mix(at.line_dist, liner_on, at.lip), true);
    // Where the lipstick below draws (its own threshold) and leaves this coat a share (`|`, not
    // `||`: no short-circuit branch, see docs/lavapipe-leak.md).
    if (at.coverage * info.strength < 0.002) | (share <= 0.0) {
        discard;
    }
    let finish = layer.params.y;
    let alpha = at.coverage * layer.params.x * finish_opacity(finish) * info.strength * share;
    let ratio = lip_ratio(info, camera_at(in.screen_uv));
    let color = lip_finish(info, lit(info, layer.color0.rgb), ratio, in.normal, in.uv, finish);
    return vec4<f32>(keep_hue(color), alpha);
}
