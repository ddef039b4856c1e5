// Lipstick: the shade sets hue, chroma and mean lightness; the lip keeps its own light and
// shade. layer.color0 = shade, layer.color1 = liner (w = 1 when on),
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
    let shade = layer.color0.rgb;
    let finish = i32(layer.params.y + 0.5);
    var opacity = layer.params.x;
    var color: vec3<f32>;
    switch finish {
        case 0: {
            // Matte: specular spots (well above the lip's mean light) flattened, the rest kept.
            let r = select(ratio, 1.5 + (ratio - 1.5) * 0.3, ratio > 1.5);
            color = recolor(shade, r);
        }
        case 2: {
            // Gloss: bright highlights grown from the lip's own bright spots.
            let spec = smoothstep(1.3, 2.0, ratio);
            color = recolor(shade, ratio) + vec3<f32>(spec * spec * 0.5);
        }
        case 3: {
            // Metallic: more contrast, highlights tinted by the shade.
            let r = pow(max(ratio, 0.0), 1.4);
            let spec = smoothstep(1.0, 1.6, ratio);
            color = recolor(shade, r) + shade * spec * 1.2 + vec3<f32>(spec * 0.08);
        }
        case 4: {
            // Shimmer: fine sparkles fixed in face-UV space, brighter where the lip catches light.
            let s = sparkle(in.uv, 700.0, 0.12) * (0.4 + 0.6 * smoothstep(0.6, 1.3, ratio));
            color = recolor(shade, ratio) + mix(shade, vec3<f32>(1.0), 0.6) * s * 0.9;
        }
        case 5: {
            // Sheer: low coverage, the lip's own colour shows through.
            color = recolor(shade, ratio);
            opacity = opacity * 0.45;
        }
        default: {
            // Satin: the lip's own light, with a soft sheen.
            let sheen = smoothstep(1.05, 1.6, ratio) * 0.12;
            color = recolor(shade, ratio) + vec3<f32>(sheen);
        }
    }
    let liner_color = recolor(layer.color1.rgb, min(ratio, 1.2));
    let liner_mix = select(0.0, liner * (1.0 - 0.5 * lip), liner_on);
    color = mix(color, liner_color, liner_mix);
    return vec4<f32>(min(color, vec3<f32>(1.0)), coverage * opacity * info.strength);
}
