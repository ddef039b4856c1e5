//! The mirror's picture drawn straight into the window's own render pass, as an egui paint
//! callback (`shaders/mirror_picture.wgsl`). Shown as an egui image instead, the picture cost a
//! black fill under it and egui's blended, colour-converting shader over every pixel; on a
//! software rasteriser those two passes over the picture were most of a frame's time.

use egui_wgpu::{CallbackResources, CallbackTrait, ScreenDescriptor};

use crate::render::RenderViews;
use crate::render::bindings::{sampler_entry, texture_entry, uniform_entry};
use crate::render::shaders::mirror_picture_module;

/// How the picture is drawn this frame; the uniform block of `mirror_picture.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
struct PictureParams {
    split: f32,
    flip: u32,
    _pad: [u32; 2],
}

/// The picture's pipeline, built once per window, and the bind group of the renderer's current
/// textures. Kept in egui's callback resources, where [`PictureCallback`] finds it.
pub struct PicturePipeline {
    /// One pipeline per [`Variant`], built up front.
    variants: [wgpu::RenderPipeline; Variant::COUNT],
    layout: wgpu::BindGroupLayout,
    sampler: wgpu::Sampler,
    params: wgpu::Buffer,
    bound: Option<BoundTextures>,
    window_is_srgb: bool,
}

/// What a pipeline of the picture draws: each variant skips the work the others need, which
/// the shader compiler drops (`SHOW_BEFORE`, `ENCODE` in `mirror_picture.wgsl`). On a software
/// rasteriser every sample and encoding over a window-sized picture costs real time per frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Variant {
    /// The before/after line is on: the bare frame is sampled too.
    before_after: bool,
    /// The window stores sRGB-encoded values but the textures are sampled as linear light.
    encode: bool,
}

impl Variant {
    const COUNT: usize = 4;

    /// Every variant, in the order of [`Variant::index`].
    fn all() -> [Variant; Self::COUNT] {
        std::array::from_fn(|i| Variant { before_after: i & 1 == 1, encode: i & 2 == 2 })
    }

    /// Where this variant's pipeline is kept.
    fn index(self) -> usize {
        usize::from(self.before_after) | usize::from(self.encode) << 1
    }
}

/// The renderer's textures as bound for the picture.
struct BoundTextures {
    /// [`RenderViews::generation`] they belong to.
    generation: u64,
    group: wgpu::BindGroup,
    /// Whether the shader must encode linear samples for the window (see `PictureParams`).
    encode: bool,
}

impl PicturePipeline {
    /// Builds the pipeline for a window whose surface has `window_format`.
    pub fn new(device: &wgpu::Device, window_format: wgpu::TextureFormat) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("mirror picture"),
            source: wgpu::ShaderSource::Wgsl(mirror_picture_module().into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("mirror picture"),
            entries: &[
                texture_entry(0, wgpu::TextureViewDimension::D2),
                texture_entry(1, wgpu::TextureViewDimension::D2),
                sampler_entry(2),
                uniform_entry(3),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("mirror picture"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let variants = Variant::all().map(|variant| {
            let constants = [
                ("SHOW_BEFORE", f64::from(u8::from(variant.before_after))),
                ("ENCODE", f64::from(u8::from(variant.encode))),
            ];
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some("mirror picture"),
                layout: Some(&pipeline_layout),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some("vs_picture"),
                    compilation_options: Default::default(),
                    buffers: &[],
                },
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some("fs_picture"),
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants: &constants,
                        ..Default::default()
                    },
                    targets: &[Some(wgpu::ColorTargetState {
                        format: window_format,
                        blend: None,
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                primitive: wgpu::PrimitiveState::default(),
                depth_stencil: None,
                multisample: wgpu::MultisampleState::default(),
                multiview_mask: None,
                cache: None,
            })
        });
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("mirror picture"),
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            ..Default::default()
        });
        let params = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("mirror picture"),
            size: std::mem::size_of::<PictureParams>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Self { variants, layout, sampler, params, bound: None, window_is_srgb: window_format.is_srgb() }
    }

    /// Binds the renderer's textures when they are new (first frame, new frame size). A plain
    /// window shows the stored sRGB values as they are; an sRGB window, or a device without plain
    /// views, samples linear light (and the shader encodes it for a plain window).
    pub fn bind(&mut self, device: &wgpu::Device, views: &RenderViews<'_>) {
        if self.bound.as_ref().is_some_and(|b| b.generation == views.generation) {
            return;
        }
        let (before, after, encode) = match views.stored.filter(|_| !self.window_is_srgb) {
            Some(plain) => (&plain.camera, &plain.made_up, false),
            None => (views.camera, views.made_up, !self.window_is_srgb),
        };
        let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("mirror picture"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: wgpu::BindingResource::TextureView(before) },
                wgpu::BindGroupEntry { binding: 1, resource: wgpu::BindingResource::TextureView(after) },
                wgpu::BindGroupEntry { binding: 2, resource: wgpu::BindingResource::Sampler(&self.sampler) },
                wgpu::BindGroupEntry { binding: 3, resource: self.params.as_entire_binding() },
            ],
        });
        self.bound = Some(BoundTextures { generation: views.generation, group, encode });
    }
}

/// One frame's picture: an egui paint callback over the picture's rectangle.
#[derive(Debug, Clone, Copy)]
pub struct PictureCallback {
    /// Before/after line as a fraction of the picture's width (`None`: made-up frame only).
    pub split: Option<f32>,
    /// Mirrored left to right.
    pub flip: bool,
}

impl CallbackTrait for PictureCallback {
    fn prepare(
        &self,
        _device: &wgpu::Device,
        queue: &wgpu::Queue,
        _screen: &ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        if let Some(picture) = resources.get::<PicturePipeline>() {
            let params = PictureParams { split: self.split.unwrap_or(0.0), flip: u32::from(self.flip), _pad: [0; 2] };
            queue.write_buffer(&picture.params, 0, bytemuck::bytes_of(&params));
        }
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &CallbackResources,
    ) {
        let Some(picture) = resources.get::<PicturePipeline>() else { return };
        let Some(bound) = picture.bound.as_ref() else { return };
        let variant = Variant { before_after: self.split.is_some(), encode: bound.encode };
        pass.set_pipeline(&picture.variants[variant.index()]);
        pass.set_bind_group(0, &bound.group, &[]);
        pass.draw(0..3, 0..1);
    }
}
