//! Minimal reproduction of a lavapipe memory leak, for the upstream report (docs/lavapipe-leak.md).
//!
//! Draws a full-screen triangle 600 times into a 256×256 target and prints peak resident memory
//! every 200 draws. The fragment shader picks a colour by a uniform: with `branch` it uses an
//! if/else, with `select` the same maths without control flow; `discard` adds a discard first.
//!
//! `cargo run --release --example lavapipe_leak -- branch [discard]` (WGPU_BACKEND=vulkan on lavapipe)

const SHADER: &str = r#"
struct Params { mode: vec4<f32> };
@group(0) @binding(0) var<uniform> params: Params;

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
    let p = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
    return vec4<f32>(p * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn fs_main(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
    if DISCARD && pos.x < 1.0 {
        discard;
    }
    let a = vec3<f32>(sin(pos.x * 0.1), cos(pos.y * 0.1), 0.5);
    let b = vec3<f32>(pow(pos.x / 256.0, 1.4), 0.2, smoothstep(0.0, 256.0, pos.y));
    var c: vec3<f32>;
    BODY
    return vec4<f32>(c, 1.0);
}
"#;

const BRANCH: &str = "switch i32(params.mode.x + 0.5) {
        case 0: { c = a * pow(b, vec3<f32>(2.2)) + smoothstep(vec3<f32>(0.2), vec3<f32>(0.9), a * b); }
        case 2: { c = sqrt(abs(a - b)) * exp(-a) + fract(b * 7.3); }
        case 3: { c = mix(a, b, smoothstep(0.1, 0.8, length(a))) * 1.3 + pow(a, vec3<f32>(1.4)); }
        default: { c = b * 0.5 + vec3<f32>(smoothstep(1.05, 1.6, dot(a, b)) * 0.12); }
    }";
const SELECT: &str = "let m = i32(params.mode.x + 0.5);
    let c0 = a * pow(b, vec3<f32>(2.2)) + smoothstep(vec3<f32>(0.2), vec3<f32>(0.9), a * b);
    let c2 = sqrt(abs(a - b)) * exp(-a) + fract(b * 7.3);
    let c3 = mix(a, b, smoothstep(0.1, 0.8, length(a))) * 1.3 + pow(a, vec3<f32>(1.4));
    let cd = b * 0.5 + vec3<f32>(smoothstep(1.05, 1.6, dot(a, b)) * 0.12);
    c = select(select(select(cd, c3, m == 3), c2, m == 2), c0, m == 0);";

fn peak_mb() -> f64 {
    vanity::bench::peak_resident_bytes().unwrap_or(0) as f64 / (1024.0 * 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let branch = args.iter().any(|a| a == "branch");
    let discard = args.iter().any(|a| a == "discard");
    let source = SHADER
        .replace("BODY", if branch { BRANCH } else { SELECT })
        .replace("DISCARD", if discard { "true" } else { "false" });
    let ctx = vanity::render::GpuContext::headless().expect("a GPU adapter");
    let device = &ctx.device;
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: None,
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: None,
        entries: &[wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: wgpu::ShaderStages::FRAGMENT,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        }],
    });
    let uniform = device.create_buffer(&wgpu::BufferDescriptor {
        label: None,
        size: 16,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    ctx.queue.write_buffer(&uniform, 0, bytemuck::cast_slice(&[1.0f32, 0.0, 0.0, 0.0]));
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &layout,
        entries: &[wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() }],
    });
    let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: None,
        bind_group_layouts: &[Some(&layout)],
        immediate_size: 0,
    });
    let format = wgpu::TextureFormat::Rgba8UnormSrgb;
    let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: None,
        layout: Some(&pipeline_layout),
        vertex: wgpu::VertexState {
            module: &module,
            entry_point: Some("vs_main"),
            compilation_options: Default::default(),
            buffers: &[],
        },
        primitive: wgpu::PrimitiveState::default(),
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        fragment: Some(wgpu::FragmentState {
            module: &module,
            entry_point: Some("fs_main"),
            compilation_options: Default::default(),
            targets: &[Some(wgpu::ColorTargetState {
                format,
                blend: Some(wgpu::BlendState::ALPHA_BLENDING),
                write_mask: wgpu::ColorWrites::ALL,
            })],
        }),
        multiview_mask: None,
        cache: None,
    });
    let target = device.create_texture(&wgpu::TextureDescriptor {
        label: None,
        size: wgpu::Extent3d { width: 256, height: 256, depth_or_array_layers: 1 },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
        view_formats: &[],
    });
    let view = target.create_view(&Default::default());
    println!(
        "{} ({}, {})",
        ctx.describe(),
        if branch { "branch" } else { "select" },
        if discard { "discard" } else { "no discard" }
    );
    for draw in 1..=600 {
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: None,
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations { load: wgpu::LoadOp::Load, store: wgpu::StoreOp::Store },
                })],
                ..Default::default()
            });
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.draw(0..3, 0..1);
        }
        let index = ctx.queue.submit([encoder.finish()]);
        device.poll(wgpu::PollType::Wait { submission_index: Some(index), timeout: None }).expect("GPU finishes");
        if draw % 200 == 0 {
            println!("after {draw} draws: peak RSS {:.1} MB", peak_mb());
        }
    }
}
