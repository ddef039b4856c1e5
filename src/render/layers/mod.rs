//! Makeup layers, in the order a makeup artist applies them. Each layer is a module here with its
//! WGSL of the same name under `shaders/layers/`; all share [`LayerPipeline`], differing in shader,
//! blend and the numbers they upload.

pub mod blush;
pub mod brows;
pub mod contour;
pub mod eyeliner;
pub mod eyeshadow;
pub mod foundation;
pub mod gloss;
pub mod highlight;
pub mod lipstick;

use bytemuck::{Pod, Zeroable};

use crate::looks::{Look, Srgb};

/// A layer's uniform block (`LayerParams` in `shaders/common/face_mesh.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable, Default)]
pub struct LayerParams {
    /// Up to three linear colours.
    pub colors: [[f32; 4]; 3],
    /// Layer-specific numbers (opacity first).
    pub params: [f32; 4],
    /// More layer-specific numbers.
    pub extra: [f32; 4],
}

impl LayerParams {
    /// A layer of one colour and an opacity (blush, brows, contour, highlight), plus up to three
    /// further numbers of its own after the opacity.
    pub fn single(color: Srgb, opacity: f32, more: [f32; 3]) -> Self {
        Self {
            colors: [linear(color), [0.0; 4], [0.0; 4]],
            params: [opacity, more[0], more[1], more[2]],
            extra: [0.0; 4],
        }
    }
}

/// Linear RGBA of an sRGB colour with alpha 1.
pub fn linear(c: Srgb) -> [f32; 4] {
    let [r, g, b] = c.to_linear();
    [r, g, b, 1.0]
}

/// What distinguishes one layer from another.
pub struct LayerSpec {
    /// Name for labels and logs.
    pub name: &'static str,
    /// The layer's own WGSL (composed with `shaders/common/`).
    pub source: &'static str,
    /// How its output combines with what is below.
    pub blend: wgpu::BlendState,
    /// The layer's numbers for a look, or None when the look leaves it off.
    pub params: fn(&Look) -> Option<LayerParams>,
}

/// Ordinary "over" compositing of a colour with coverage alpha.
pub const OVER: wgpu::BlendState = wgpu::BlendState::ALPHA_BLENDING;

/// Adds the fragment colour, weighted by its alpha, to the destination (light added by a clear
/// coat); destination alpha is kept.
pub const ADD: wgpu::BlendState = wgpu::BlendState {
    color: wgpu::BlendComponent {
        src_factor: wgpu::BlendFactor::SrcAlpha,
        dst_factor: wgpu::BlendFactor::One,
        operation: wgpu::BlendOperation::Add,
    },
    alpha: wgpu::BlendComponent {
        src_factor: wgpu::BlendFactor::Zero,
        dst_factor: wgpu::BlendFactor::One,
        operation: wgpu::BlendOperation::Add,
    },
};

/// Multiplies the destination by the fragment colour; destination alpha is kept.
pub const MULTIPLY: wgpu::BlendState = wgpu::BlendState {
    color: wgpu::BlendComponent {
        src_factor: wgpu::BlendFactor::Dst,
        dst_factor: wgpu::BlendFactor::Zero,
        operation: wgpu::BlendOperation::Add,
    },
    alpha: wgpu::BlendComponent {
        src_factor: wgpu::BlendFactor::Zero,
        dst_factor: wgpu::BlendFactor::One,
        operation: wgpu::BlendOperation::Add,
    },
};

/// Every layer, bottom to top: foundation → contour → highlight → blush → eyeshadow → eyeliner →
/// brows → lipstick → clear gloss.
pub const ORDER: [LayerSpec; 9] = [
    foundation::SPEC,
    contour::SPEC,
    highlight::SPEC,
    blush::SPEC,
    eyeshadow::SPEC,
    eyeliner::SPEC,
    brows::SPEC,
    lipstick::SPEC,
    gloss::SPEC,
];

/// A layer's pipeline and uniform buffer, built once.
pub struct LayerPipeline {
    /// The layer's description.
    pub spec: &'static LayerSpec,
    pipeline: wgpu::RenderPipeline,
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    /// Whether the current look turns this layer on.
    enabled: bool,
}

impl LayerPipeline {
    /// Compiles the layer's shader and builds its pipeline.
    pub fn new(
        device: &wgpu::Device,
        spec: &'static LayerSpec,
        shared_layout: &wgpu::BindGroupLayout,
        layer_layout: &wgpu::BindGroupLayout,
        vertex_layout: wgpu::VertexBufferLayout<'_>,
        target: wgpu::TextureFormat,
    ) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(spec.name),
            source: wgpu::ShaderSource::Wgsl(super::shaders::compose(spec.source).into()),
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(spec.name),
            bind_group_layouts: &[Some(shared_layout), Some(layer_layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some(spec.name),
            layout: Some(&layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: Default::default(),
                buffers: &[Some(vertex_layout)],
            },
            primitive: wgpu::PrimitiveState { cull_mode: None, ..Default::default() },
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format: target,
                    blend: Some(spec.blend),
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        let uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(spec.name),
            size: std::mem::size_of::<LayerParams>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(spec.name),
            layout: layer_layout,
            entries: &[wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() }],
        });
        Self { spec, pipeline, uniform, bind_group, enabled: false }
    }

    /// Uploads this layer's numbers for `look` (uniforms only; nothing is rebuilt).
    pub fn set_look(&mut self, queue: &wgpu::Queue, look: &Look) {
        match (self.spec.params)(look) {
            Some(p) => {
                queue.write_buffer(&self.uniform, 0, bytemuck::bytes_of(&p));
                self.enabled = true;
            }
            None => self.enabled = false,
        }
    }

    /// Whether the look turns this layer on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Records this layer's draws: the face mesh once per face.
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>, index_count: u32, faces: u32, vertices_per_face: u32) {
        if !self.enabled {
            return;
        }
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(1, &self.bind_group, &[]);
        for f in 0..faces {
            pass.draw_indexed(0..index_count, (f * vertices_per_face) as i32, f..f + 1);
        }
    }
}
