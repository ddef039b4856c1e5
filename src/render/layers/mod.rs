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
pub mod ombre;

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
    /// Whether the layer can paint at a texel of the region atlas: its shader's coverage is
    /// zero wherever this is false, so the renderer draws only the mesh triangles over texels
    /// where it is true (on a software rasterizer most of a frame's time is fragments).
    pub paints: fn(&AtlasTexel) -> bool,
    /// Whether the layer also draws over the eye openings (the eyeliner, whose inner edge a
    /// blurred picture spreads across the lash line into the eye); the other layers never paint
    /// eyeballs.
    pub over_eye_openings: bool,
}

/// One texel of the region atlas: the three masks' RGBA bytes there (see
/// [`crate::face::atlas::RegionAtlas`]).
pub type AtlasTexel = [[u8; 4]; 3];

/// Where the face-wide layers paint: the foundation region (`masks[0]` g), the face without its
/// eyes, brows and lips.
pub fn on_face(t: &AtlasTexel) -> bool {
    t[0][1] > 0
}

/// The triangles of `triangles` (vertex indices, with the vertices at `uvs` in the atlas) that
/// cover at least one texel of `atlas` where `paints` holds, or sample one: each triangle's UV
/// bounds widened by two texels (bilinear sampling reads a texel beyond).
pub fn painted_triangles(
    atlas: &crate::face::atlas::RegionAtlas,
    uvs: &[[f32; 2]],
    triangles: &[[u16; 3]],
    paints: fn(&AtlasTexel) -> bool,
) -> Vec<[u16; 3]> {
    use crate::face::atlas::ATLAS_SIZE;
    let n = ATLAS_SIZE as i64;
    let texel = |i: usize| -> AtlasTexel { [atlas.masks[0][i], atlas.masks[1][i], atlas.masks[2][i]] };
    triangles
        .iter()
        .filter(|t| {
            let corners = t.map(|v| uvs[v as usize]);
            let range = |axis: usize| {
                let (lo, hi) =
                    corners.iter().fold((f32::MAX, f32::MIN), |(lo, hi), c| (lo.min(c[axis]), hi.max(c[axis])));
                let to_texel = |x: f32, round: fn(f32) -> f32| (round(x * n as f32) as i64).clamp(0, n - 1);
                (to_texel(lo, f32::floor) - 2).max(0)..=(to_texel(hi, f32::ceil) + 2).min(n - 1)
            };
            let (xs, ys) = (range(0), range(1));
            ys.clone().any(|y| xs.clone().any(|x| paints(&texel((y * n + x) as usize))))
        })
        .copied()
        .collect()
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
/// brows → lipstick → ombré → clear gloss.
pub const ORDER: [LayerSpec; 10] = [
    foundation::SPEC,
    contour::SPEC,
    highlight::SPEC,
    blush::SPEC,
    eyeshadow::SPEC,
    eyeliner::SPEC,
    brows::SPEC,
    lipstick::SPEC,
    ombre::SPEC,
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
    /// The layer's triangles in the renderer's index buffer (those over what it can paint).
    indices: std::ops::Range<u32>,
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
        indices: std::ops::Range<u32>,
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
        Self { spec, pipeline, uniform, bind_group, enabled: false, indices }
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

    /// Records this layer's draws: its part of the face mesh (or the `whole` mesh's indices)
    /// once per face.
    pub fn draw(
        &self,
        pass: &mut wgpu::RenderPass<'_>,
        faces: u32,
        vertices_per_face: u32,
        whole: Option<std::ops::Range<u32>>,
    ) {
        let indices = whole.unwrap_or_else(|| self.indices.clone());
        if !self.enabled || indices.is_empty() {
            return;
        }
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(1, &self.bind_group, &[]);
        for f in 0..faces {
            pass.draw_indexed(indices.clone(), (f * vertices_per_face) as i32, f..f + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::atlas::RegionAtlas;
    use crate::face::mesh::CanonicalMesh;
    use crate::face::regions::skin_triangles;

    #[test]
    fn each_layer_draws_only_the_triangles_over_what_it_paints() {
        let mesh = CanonicalMesh::load();
        let atlas = RegionAtlas::bake(&mesh);
        let all = skin_triangles(&mesh);
        let area = |tris: &[[u16; 3]]| {
            tris.iter()
                .map(|t| {
                    let [a, b, c] = t.map(|v| glam::Vec2::from_array(mesh.uvs[v as usize]));
                    0.5 * (b - a).perp_dot(c - a).abs()
                })
                .sum::<f32>()
        };
        let whole = area(&all);
        let shares: Vec<(&str, f32)> = ORDER
            .iter()
            .map(|s| (s.name, area(&painted_triangles(&atlas, &mesh.uvs, &all, s.paints)) / whole))
            .collect();
        eprintln!("share of the face's area drawn per layer: {shares:.2?}");
        let share = |name: &str| shares.iter().find(|c| c.0 == name).map(|c| c.1).unwrap();
        // The face-wide layers keep nearly all; the lips, lids, brows and liner a small part.
        assert!(share("foundation") > 0.9);
        for small in ["lipstick", "ombre", "gloss", "eyeshadow", "eyeliner", "brows"] {
            assert!(share(small) > 0.0 && share(small) < 0.2, "{small}: {}", share(small));
        }
        // A triangle over a painted texel is kept, its neighbour far from any is not.
        let nowhere = painted_triangles(&atlas, &mesh.uvs, &all, |_| false);
        assert!(nowhere.is_empty());
    }
}
