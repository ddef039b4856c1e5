//! The renderer: pipelines built once, per-frame uploads, headless readback.

use bytemuck::{Pod, Zeroable};
use glam::Vec3;
use image::RgbImage;

use super::RenderError;
use super::bindings::{sampler_entry, texture_entry, uniform_entry};
use super::context::GpuContext;
use super::frame_prep::FramePrep;
use super::layers::{LayerPipeline, LayerSpec, ORDER, painted_triangles};
use super::readback::Readback;
use crate::advisor::measure::FaceShape;
use crate::face::atlas::{ATLAS_SIZE, RegionAtlas};
use crate::face::mesh::{CanonicalMesh, VERTEX_COUNT};
use crate::face::regions::{eye_opening_triangles, skin_triangles};
use crate::looks::Look;
use crate::tracking::bodies::Body;
use crate::tracking::hands::Hand;

/// What the tracker found in front of a photo's faces (frame pixels), shifted into each region a
/// large photo is drawn in.
#[derive(Debug, Clone, Copy)]
struct InFront<'a> {
    hands: &'a [Hand],
    bodies: &'a [Body],
}

/// Most faces drawn in one pass (the size of the per-face uniform array in
/// `shaders/common/face_mesh.wgsl`): the live mirror's limit; headless renders draw more in
/// further passes.
pub const MAX_FACES: usize = 8;
/// Format of the camera texture and of the output: sampling and blending happen in linear light.
pub const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;

/// One mesh vertex of one face, as the layers' vertex shaders read it.
#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub(super) struct Vertex {
    /// Frame pixels.
    pub(super) pos: [f32; 2],
    /// Place in the region atlas.
    pub(super) uv: [f32; 2],
    /// Unit surface normal, camera space (x right, y down, z towards the camera).
    pub(super) normal: [f32; 3],
    /// How wide lipstick fades across the outer lip line near this vertex, in the atlas's lip
    /// feathers: the picture's own lip edge at the nearest outer lip vertex
    /// ([`super::lip_edges::LipEdges::outer_feathers`], converted by
    /// [`super::lip_feather::LipFeatherMap`]).
    pub(super) lip_feather: f32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Default)]
struct FrameInfo {
    size: [f32; 2],
    time: f32,
    _pad: f32,
}

/// One face's uniforms, as `shaders/common/face_mesh.wgsl` reads them.
#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Default)]
pub(super) struct FaceInfo {
    /// Mean linear luminance of the bare lips.
    pub(super) lip_luma: f32,
    /// Mean linear luminance of the bare skin.
    pub(super) skin_luma: f32,
    /// Inter-ocular distance, pixels.
    pub(super) iod_px: f32,
    /// 0–1: how strongly makeup shows.
    pub(super) strength: f32,
    /// What the light multiplies a reflectance by (linear RGB); w 1 when measured on this face.
    pub(super) light: [f32; 4],
    /// Unit vector towards the light, camera space; w unused.
    pub(super) light_dir: [f32; 4],
    /// x: the face's shape (see [`shape_id`]).
    pub(super) shape: [f32; 4],
    /// The face's skin colour: median r, g chromaticity and the tolerance on each (0: no model).
    pub(super) skin: [f32; 4],
    /// The hair above the face: median r, g chromaticity and the tolerance on each (0: no model).
    pub(super) hair: [f32; 4],
    /// The brows' chromaticity as an rgb summing to 1; w 1 when read, 0 when not.
    pub(super) brows: [f32; 4],
    /// How the camera blurs the eyes, for the eyeliner: x the feather (pixels) a drawn edge fades
    /// over to blur as the camera did there, y and z the pixels one liner unit spans across the
    /// foot of the lid and the band above it, w how far (liner units) the foot reaches; all 0
    /// when not measured (see [`super::eye_edges::LinerScale`]).
    pub(super) eye_edges: [f32; 4],
    /// The eyeliner's wing: x the pixels one liner unit spans across it (0 when the eyes' blur
    /// is not measured); the others unused.
    pub(super) liner_wing: [f32; 4],
}

/// The face shape as the sculpting shaders read it (`shape_is` in `shaders/common/sculpt.wgsl`).
pub(super) fn shape_id(shape: FaceShape) -> f32 {
    match shape {
        FaceShape::Oval => 0.0,
        FaceShape::Round => 1.0,
        FaceShape::Square => 2.0,
        FaceShape::Heart => 3.0,
        FaceShape::Long => 4.0,
    }
}

/// A camera frame for [`Renderer::encode`].
#[derive(Debug, Clone, Copy)]
pub struct CameraFrame<'a> {
    /// The pixels.
    pub rgb: &'a RgbImage,
    /// The same pixels as RGBA when the caller has them (the capture thread converts live
    /// frames), so the UI thread only uploads; converted here otherwise.
    pub rgba: Option<&'a [u8]>,
    /// Names the frame: one already uploaded is not uploaded again. None: a picture, always
    /// uploaded.
    pub id: Option<u64>,
}

impl<'a> CameraFrame<'a> {
    /// A still picture (no id, converted on upload).
    pub fn picture(rgb: &'a RgbImage) -> Self {
        Self { rgb, rgba: None, id: None }
    }
}

/// The pixels of `frame` as RGBA (opaque), what the camera texture takes.
pub fn rgba_of(frame: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    fill_rgba(frame, &mut out);
    out
}

/// Writes `frame` as RGBA (opaque) into `out`, reusing its allocation: a stream of frames
/// converted into the same buffers allocates nothing.
pub fn fill_rgba(frame: &RgbImage, out: &mut Vec<u8>) {
    // Same size as the buffer's last frame: nothing cleared, every byte written below.
    let len = frame.as_raw().len() / 3 * 4;
    out.truncate(len);
    out.resize(len, 255);
    for (rgba, rgb) in out.chunks_exact_mut(4).zip(frame.as_raw().chunks_exact(3)) {
        rgba.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
    }
}

/// One face to draw.
#[derive(Debug, Clone, Copy)]
pub struct FaceDraw<'a> {
    /// Landmarks in frame pixels (at least the 468 mesh points).
    pub landmarks: &'a [Vec3],
    /// 0–1: how strongly makeup shows (fades out when tracking loses the face).
    pub strength: f32,
}

/// Every triangle a layer may draw, as one run of the index buffer: the skin's, then the eye
/// openings' (for comparisons: see [`Renderer::set_draw_whole_mesh`]).
struct WholeMesh {
    /// The skin's triangles.
    skin: std::ops::Range<u32>,
    /// The skin's and the eye openings'.
    with_eyes: std::ops::Range<u32>,
}

impl WholeMesh {
    /// The triangles `spec`'s layer may draw.
    fn for_layer(&self, spec: &LayerSpec) -> std::ops::Range<u32> {
        if spec.over_eye_openings { self.with_eyes.clone() } else { self.skin.clone() }
    }
}

/// The camera and output textures and their bind group, sized to the frame: rebuilt only when
/// the frame size changes.
struct FrameTargets {
    size: (u32, u32),
    camera: wgpu::Texture,
    camera_view: wgpu::TextureView,
    target: wgpu::Texture,
    target_view: wgpu::TextureView,
    /// Both textures viewed without sRGB decoding, where the device can (see [`StoredViews`]).
    stored: Option<StoredViews>,
    /// What covers the faces' lips (R8, frame-sized; see [`OccluderMask`]).
    occluders: wgpu::Texture,
    shared: wgpu::BindGroup,
}

/// The camera and made-up textures viewed as plain `Rgba8Unorm`: sampling returns the
/// sRGB-encoded values as stored, which a window with a plain (non-sRGB) surface can show as they
/// are, without converting every pixel to linear light and back.
pub struct StoredViews {
    /// The camera frame.
    pub camera: wgpu::TextureView,
    /// The made-up frame.
    pub made_up: wgpu::TextureView,
}

/// The renderer's textures for a window to show: the bare camera frame (the "before" of the
/// before/after split) and the made-up picture.
#[derive(Clone, Copy)]
pub struct RenderViews<'a> {
    /// The camera frame as uploaded.
    pub camera: &'a wgpu::TextureView,
    /// The frame with the makeup on.
    pub made_up: &'a wgpu::TextureView,
    /// The same two textures without sRGB decoding; `None` where the device cannot view a
    /// texture in a second format (some GL drivers).
    pub stored: Option<&'a StoredViews>,
    /// Width and height of both, pixels.
    pub size: (u32, u32),
    /// Changes whenever the textures are recreated (a new frame size): a window registers them
    /// with egui again then.
    pub generation: u64,
}

/// Draws makeup over camera frames.
pub struct Renderer {
    ctx: GpuContext,
    shared_layout: wgpu::BindGroupLayout,
    sampler: wgpu::Sampler,
    regions_view: wgpu::TextureView,
    vertices: wgpu::Buffer,
    indices: wgpu::Buffer,
    frame_info: wgpu::Buffer,
    face_info: wgpu::Buffer,
    layers: Vec<LayerPipeline>,
    /// Every triangle of the face, in the index buffer after the layers' own runs.
    whole_mesh: WholeMesh,
    /// Whether each layer draws the whole face mesh instead of its own part (for comparisons).
    draw_whole_mesh: bool,
    /// The CPU half of each frame: lips, light, skin, occluders, vertices.
    prep: FramePrep,
    targets: Option<FrameTargets>,
    rgba: Vec<u8>,
    /// Bumped whenever the frame-sized textures are recreated.
    generation: u64,
    /// Id of the frame now in the camera texture, when the caller gave one.
    uploaded: Option<u64>,
}

impl Renderer {
    /// Builds every pipeline, the region masks and the mesh indices.
    pub fn new(ctx: GpuContext) -> Self {
        let device = &ctx.device;
        let mesh = CanonicalMesh::load();
        let atlas = RegionAtlas::bake(&mesh);

        let shared_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("shared"),
            entries: &[
                texture_entry(0, wgpu::TextureViewDimension::D2),
                sampler_entry(1),
                texture_entry(2, wgpu::TextureViewDimension::D2Array),
                sampler_entry(3),
                uniform_entry(4),
                uniform_entry(5),
                texture_entry(6, wgpu::TextureViewDimension::D2),
            ],
        });
        let layer_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("layer"),
            entries: &[uniform_entry(0)],
        });
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("linear clamp"),
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            ..Default::default()
        });

        let regions = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("region masks"),
            size: wgpu::Extent3d { width: ATLAS_SIZE, height: ATLAS_SIZE, depth_or_array_layers: 3 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Rgba8Unorm,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        for (layer, mask) in atlas.masks.iter().enumerate() {
            ctx.queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture: &regions,
                    mip_level: 0,
                    origin: wgpu::Origin3d { x: 0, y: 0, z: layer as u32 },
                    aspect: wgpu::TextureAspect::All,
                },
                bytemuck::cast_slice(mask),
                wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(ATLAS_SIZE * 4), rows_per_image: None },
                wgpu::Extent3d { width: ATLAS_SIZE, height: ATLAS_SIZE, depth_or_array_layers: 1 },
            );
        }
        let regions_view = regions.create_view(&wgpu::TextureViewDescriptor {
            dimension: Some(wgpu::TextureViewDimension::D2Array),
            ..Default::default()
        });

        // Each layer's own triangles, one run after another: a layer draws only the part of
        // the face it can paint.
        let triangles = skin_triangles(&mesh);
        let with_eyes: Vec<[u16; 3]> = triangles.iter().copied().chain(eye_opening_triangles(&mesh)).collect();
        let mut index_data: Vec<u16> = Vec::new();
        let layer_indices: Vec<std::ops::Range<u32>> = ORDER
            .iter()
            .map(|spec| {
                let start = index_data.len() as u32;
                let candidates = if spec.over_eye_openings { &with_eyes } else { &triangles };
                let painted = painted_triangles(&atlas, &mesh.uvs, candidates, spec.paints);
                index_data.extend(painted.iter().flatten());
                start..index_data.len() as u32
            })
            .collect();
        let whole_mesh = {
            let start = index_data.len() as u32;
            index_data.extend(with_eyes.iter().flatten());
            WholeMesh { skin: start..start + 3 * triangles.len() as u32, with_eyes: start..index_data.len() as u32 }
        };
        let indices = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("mesh indices"),
            size: (index_data.len() * 2).next_multiple_of(4) as u64,
            usage: wgpu::BufferUsages::INDEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut padded = bytemuck::cast_slice::<u16, u8>(&index_data).to_vec();
        padded.resize(padded.len().next_multiple_of(4), 0);
        ctx.queue.write_buffer(&indices, 0, &padded);
        let vertices = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("mesh vertices"),
            size: (MAX_FACES * VERTEX_COUNT * std::mem::size_of::<Vertex>()) as u64,
            usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let uniform = |label, size: usize| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: size as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        };
        let frame_info = uniform("frame info", std::mem::size_of::<FrameInfo>());
        let face_info = uniform("face info", std::mem::size_of::<FaceInfo>() * MAX_FACES);

        let vertex_layout = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<Vertex>() as u64,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Float32x2, 2 => Float32x3, 3 => Float32],
        };
        let layers = ORDER
            .iter()
            .zip(layer_indices)
            .map(|(spec, indices)| {
                LayerPipeline::new(device, spec, &shared_layout, &layer_layout, vertex_layout.clone(), FORMAT, indices)
            })
            .collect();

        Self {
            ctx,
            shared_layout,
            sampler,
            regions_view,
            vertices,
            indices,
            frame_info,
            face_info,
            layers,
            whole_mesh,
            draw_whole_mesh: false,
            prep: FramePrep::new(&mesh),
            targets: None,
            rgba: Vec::new(),
            generation: 0,
            uploaded: None,
        }
    }

    /// The GPU context (shared with the window and egui in the app).
    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// Lights makeup by a kiosk's grey-card calibration (`vanity calibrate`) instead of each
    /// face's eye whites: the store's light is fixed and the card measured it once.
    pub fn set_calibration(&mut self, calibration: Option<crate::advisor::Correction>) {
        self.prep.set_calibration(calibration);
    }

    /// Switches to `look`: uploads each layer's numbers; nothing is rebuilt.
    pub fn set_look(&mut self, look: &Look) {
        for layer in &mut self.layers {
            layer.set_look(&self.ctx.queue, look);
        }
    }

    /// Names of the layers the current look turns on, bottom to top.
    pub fn enabled_layers(&self) -> Vec<&'static str> {
        self.layers.iter().filter(|l| l.enabled()).map(|l| l.spec.name).collect()
    }

    fn ensure_size(&mut self, w: u32, h: u32) {
        if self.targets.as_ref().is_some_and(|s| s.size == (w, h)) {
            return;
        }
        let device = &self.ctx.device;
        let plain = FORMAT.remove_srgb_suffix();
        let can_view_plain =
            self.ctx.adapter.get_downlevel_capabilities().flags.contains(wgpu::DownlevelFlags::VIEW_FORMATS);
        let view_formats: &[wgpu::TextureFormat] = if can_view_plain { &[plain] } else { &[] };
        let texture = |label, usage| {
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: FORMAT,
                usage,
                view_formats,
            })
        };
        let camera = texture(
            "camera frame",
            wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST | wgpu::TextureUsages::COPY_SRC,
        );
        let target = texture(
            "output",
            wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::COPY_DST
                | wgpu::TextureUsages::COPY_SRC
                | wgpu::TextureUsages::TEXTURE_BINDING,
        );
        let occluders = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("lip occluders"),
            size: wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::R8Unorm,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        let occluders_view = occluders.create_view(&Default::default());
        let camera_view = camera.create_view(&Default::default());
        let target_view = target.create_view(&Default::default());
        let plain_view = |t: &wgpu::Texture| {
            t.create_view(&wgpu::TextureViewDescriptor { format: Some(plain), ..Default::default() })
        };
        let stored = can_view_plain.then(|| StoredViews { camera: plain_view(&camera), made_up: plain_view(&target) });
        let shared = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("shared"),
            layout: &self.shared_layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: wgpu::BindingResource::TextureView(&camera_view) },
                wgpu::BindGroupEntry { binding: 1, resource: wgpu::BindingResource::Sampler(&self.sampler) },
                wgpu::BindGroupEntry { binding: 2, resource: wgpu::BindingResource::TextureView(&self.regions_view) },
                wgpu::BindGroupEntry { binding: 3, resource: wgpu::BindingResource::Sampler(&self.sampler) },
                wgpu::BindGroupEntry { binding: 4, resource: self.frame_info.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 5, resource: self.face_info.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 6, resource: wgpu::BindingResource::TextureView(&occluders_view) },
            ],
        });
        tracing::debug!(w, h, "renderer resized");
        self.generation += 1;
        self.uploaded = None;
        self.targets =
            Some(FrameTargets { size: (w, h), camera, camera_view, target, target_view, stored, occluders, shared });
    }

    /// The camera frame and the made-up output as textures (for drawing in a window), once a
    /// frame was encoded.
    pub fn views(&self) -> Option<RenderViews<'_>> {
        self.targets.as_ref().map(|t| RenderViews {
            camera: &t.camera_view,
            made_up: &t.target_view,
            stored: t.stored.as_ref(),
            size: t.size,
            generation: self.generation,
        })
    }

    /// Uploads the frame and faces, and records the makeup draws into `encoder`, leaving the
    /// result in the output texture (see [`Renderer::views`]). A frame whose id is the one already
    /// uploaded (the window redraws faster than the camera delivers, or a fade is running) is not
    /// uploaded again; one without an id always is.
    pub fn encode(
        &mut self,
        encoder: &mut wgpu::CommandEncoder,
        camera: CameraFrame<'_>,
        faces: &[FaceDraw<'_>],
        time: f32,
    ) {
        let CameraFrame { rgb: frame, rgba, id: frame_id } = camera;
        let (w, h) = frame.dimensions();
        self.ensure_size(w, h);
        let queue = &self.ctx.queue;
        let targets = self.targets.as_ref().expect("targets made above");

        let extent = wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 };
        if frame_id.is_none() || frame_id != self.uploaded {
            let pixels = match rgba.filter(|p| p.len() == (w * h * 4) as usize) {
                Some(ready) => ready,
                None => {
                    fill_rgba(frame, &mut self.rgba);
                    &self.rgba
                }
            };
            queue.write_texture(
                targets.camera.as_image_copy(),
                pixels,
                wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(w * 4), rows_per_image: None },
                extent,
            );
            self.uploaded = frame_id;
        }
        if frame_id.is_none() {
            // A picture, not the next frame of a video: nothing to smooth the light with.
            self.prep.forget();
        }
        encoder.copy_texture_to_texture(targets.camera.as_image_copy(), targets.target.as_image_copy(), extent);
        self.draw_faces(encoder, frame, &faces[..faces.len().min(MAX_FACES)], time);
    }

    /// Works out the makeup of up to [`MAX_FACES`] of `faces` in `frame` on the CPU (lip edges,
    /// light, skin, occluders, vertices) without touching the GPU: the first half of
    /// [`Renderer::encode`], public so that its cost and allocations can be measured alone. For
    /// measuring only: it moves the video smoothing on a frame and clears the occluder marks it
    /// does not upload, so a frame to be drawn goes through `encode` alone.
    pub fn prepare(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) {
        self.prep.prepare(frame, faces);
    }

    /// Draws the makeup of up to [`MAX_FACES`] faces over what the output texture holds. Each call
    /// must be submitted before the next: the faces' data is written to the queue, not the encoder.
    fn draw_faces(&mut self, encoder: &mut wgpu::CommandEncoder, frame: &RgbImage, faces: &[FaceDraw<'_>], time: f32) {
        let (w, h) = frame.dimensions();
        self.prep.prepare(frame, faces);
        self.upload_occluders(w);
        let queue = &self.ctx.queue;
        let targets = self.targets.as_ref().expect("targets made by encode");
        if !self.prep.vertices.is_empty() {
            queue.write_buffer(&self.vertices, 0, bytemuck::cast_slice(&self.prep.vertices));
        }
        queue.write_buffer(&self.face_info, 0, bytemuck::cast_slice(&self.prep.infos));
        let info = FrameInfo { size: [w as f32, h as f32], time, _pad: 0.0 };
        queue.write_buffer(&self.frame_info, 0, bytemuck::bytes_of(&info));

        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("makeup"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &targets.target_view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations { load: wgpu::LoadOp::Load, store: wgpu::StoreOp::Store },
            })],
            ..Default::default()
        });
        let drawn = self.prep.drawn as u32;
        if drawn > 0 {
            pass.set_bind_group(0, &targets.shared, &[]);
            pass.set_vertex_buffer(0, self.vertices.slice(..));
            pass.set_index_buffer(self.indices.slice(..), wgpu::IndexFormat::Uint16);
            for layer in &self.layers {
                let whole = self.draw_whole_mesh.then(|| self.whole_mesh.for_layer(layer.spec));
                layer.draw(&mut pass, drawn, VERTEX_COUNT as u32, whole);
            }
        }
    }

    /// The hands in the frames drawn from now on (the tracker's, for the frame about to be
    /// encoded): makeup leaves what they cover bare. Pass none for a picture without hands.
    pub fn set_hands(&mut self, hands: &[Hand]) {
        self.prep.set_hands(hands);
    }

    /// The bodies under the faces in the frames drawn from now on (the tracker's, for the frame
    /// about to be encoded): makeup leaves a shoulder in front of a face bare. Pass none for a
    /// picture whose bodies were not looked for.
    pub fn set_bodies(&mut self, bodies: &[Body]) {
        self.prep.set_bodies(bodies);
    }

    /// Uploads the part of the occluder mask ([`super::occluders::OccluderMask`]) that changed
    /// this frame, for a frame `w` pixels wide.
    fn upload_occluders(&self, w: u32) {
        let mask = &self.prep.occluder_mask;
        let (Some(r), Some(targets)) = (mask.changed(), self.targets.as_ref()) else { return };
        self.ctx.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &targets.occluders,
                mip_level: 0,
                origin: wgpu::Origin3d { x: r.x0, y: r.y0, z: 0 },
                aspect: wgpu::TextureAspect::All,
            },
            mask.pixels(),
            wgpu::TexelCopyBufferLayout {
                offset: u64::from(r.y0 * w + r.x0),
                bytes_per_row: Some(w),
                rows_per_image: None,
            },
            wgpu::Extent3d { width: r.x1 - r.x0, height: r.y1 - r.y0, depth_or_array_layers: 1 },
        );
    }

    /// What the last frame drawn found covering the faces (255 = covered), one byte per frame
    /// pixel: for tests and tools.
    pub fn occluders(&self) -> &[u8] {
        self.prep.occluder_mask.pixels()
    }

    /// Draws every layer over the whole face mesh (the eye openings too for a layer that draws
    /// them) instead of only the triangles over what it can paint (off, the default): lets a
    /// test show that leaving the rest out changes no pixel.
    pub fn set_draw_whole_mesh(&mut self, on: bool) {
        self.draw_whole_mesh = on;
    }

    /// Reads the lips from the picture (the default: contours fitted to the lip's edges, fingers
    /// in front left bare) or draws the mesh's own lip line over everything: lets a test or a
    /// benchmark compare the two.
    pub fn set_lips_from_picture(&mut self, on: bool) {
        self.prep.set_lips_from_picture(on);
    }

    /// Lights every face from `direction` (towards the light, camera space: x right, y down, z
    /// towards the camera) instead of the direction estimated from its shading, or from its own
    /// again with None (the default; a zero vector counts as None): lets a test show what the
    /// estimate moves.
    pub fn pin_light_direction(&mut self, direction: Option<Vec3>) {
        self.prep.pin_light_direction(direction);
    }

    /// Reads each face's hair above its forehead (the default), so that a lock of it across a
    /// brow or lid stays bare, or leaves hair to the skin model alone: lets a test show what
    /// reading it costs a clear face.
    pub fn set_hair_read(&mut self, on: bool) {
        self.prep.set_hair_read(on);
    }

    /// Renders makeup over `frame` for `faces` and waits for the GPU (no readback): for timing.
    pub fn render_only(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) -> Result<(), RenderError> {
        let mut encoder = self.ctx.device.create_command_encoder(&Default::default());
        self.encode(&mut encoder, CameraFrame::picture(frame), faces, 0.0);
        let index = self.ctx.queue.submit([encoder.finish()]);
        self.ctx
            .device
            .poll(wgpu::PollType::Wait { submission_index: Some(index), timeout: None })
            .map_err(|e| RenderError::Readback(e.to_string()))?;
        Ok(())
    }

    /// Whether a `width`×`height` frame fits this device: one texture, and one readback buffer.
    fn fits(&self, width: u32, height: u32) -> bool {
        let limits = self.ctx.device.limits();
        let padded_row = u64::from(width * 4).next_multiple_of(u64::from(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT));
        width <= limits.max_texture_dimension_2d
            && height <= limits.max_texture_dimension_2d
            && padded_row * u64::from(height) <= limits.max_buffer_size
    }

    /// Renders a photo of any size. One that fits the device is rendered whole ([`Self::render`]);
    /// a larger one (a 108 MP phone picture, a 17000-pixel panorama) only around its faces, the
    /// only pixels makeup touches, each region pasted back into a copy of the photo.
    pub fn render_photo(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) -> Result<RgbImage, RenderError> {
        if self.fits(frame.width(), frame.height()) {
            return self.render(frame, faces);
        }
        let mut out = frame.clone();
        let hands = std::mem::take(&mut self.prep.hands);
        let bodies = std::mem::take(&mut self.prep.bodies);
        // A face whose eyes cannot be read is lit as the whole photo's faces are, not only its
        // region's.
        self.prep.measure_photo(frame, faces);
        let result = self.render_regions(frame, faces, InFront { hands: &hands, bodies: &bodies }, &mut out);
        self.prep.end_photo();
        self.prep.hands = hands;
        self.prep.bodies = bodies;
        result.map(|()| out)
    }

    /// Renders each region of `frame` around its faces (hands and bodies shifted into the region)
    /// into `out`.
    fn render_regions(
        &mut self,
        frame: &RgbImage,
        faces: &[FaceDraw<'_>],
        InFront { hands, bodies }: InFront<'_>,
        out: &mut RgbImage,
    ) -> Result<(), RenderError> {
        for region in face_regions(frame.dimensions(), faces) {
            if !self.fits(region.width, region.height) {
                let limit = self.ctx.device.limits().max_texture_dimension_2d;
                return Err(RenderError::FaceTooLarge { width: region.width, height: region.height, limit });
            }
            let crop = image::imageops::crop_imm(frame, region.x, region.y, region.width, region.height).to_image();
            let offset = Vec3::new(region.x as f32, region.y as f32, 0.0);
            let shifted: Vec<Vec<Vec3>> =
                region.faces.iter().map(|&f| faces[f].landmarks.iter().map(|p| *p - offset).collect()).collect();
            let draws: Vec<FaceDraw> = region
                .faces
                .iter()
                .zip(&shifted)
                .map(|(&f, landmarks)| FaceDraw { landmarks, strength: faces[f].strength })
                .collect();
            let shifted_hands: Vec<Hand> = hands
                .iter()
                .map(|h| Hand { joints: h.joints.iter().map(|p| *p - offset).collect(), presence: h.presence })
                .collect();
            self.set_hands(&shifted_hands);
            let shifted_bodies: Vec<Body> = bodies
                .iter()
                .map(|b| Body {
                    joints: b.joints.iter().map(|p| *p - offset).collect(),
                    visibility: b.visibility.clone(),
                })
                .collect();
            self.set_bodies(&shifted_bodies);
            let made_up = self.render_picture(&crop, &draws)?;
            image::imageops::replace(out, &made_up, i64::from(region.x), i64::from(region.y));
        }
        Ok(())
    }

    /// Renders makeup over `frame` for `faces` and reads the result back (headless use). Any
    /// number of faces: beyond [`MAX_FACES`] they are drawn in further passes, one submission each.
    pub fn render(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) -> Result<RgbImage, RenderError> {
        // More faces than one pass draws: each pass's faces are lit as the whole picture's are.
        if faces.len() > MAX_FACES {
            self.prep.measure_photo(frame, faces);
        } else {
            self.prep.end_photo();
        }
        let result = self.render_picture(frame, faces);
        self.prep.end_photo();
        result
    }

    /// [`Self::render`] in the room light set for the photo it is part of (its own when none is).
    fn render_picture(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) -> Result<RgbImage, RenderError> {
        let mut batches = faces.chunks(MAX_FACES);
        let mut encoder = self.ctx.device.create_command_encoder(&Default::default());
        self.encode(&mut encoder, CameraFrame::picture(frame), batches.next().unwrap_or_default(), 0.0);
        for batch in batches {
            self.ctx.queue.submit([encoder.finish()]);
            encoder = self.ctx.device.create_command_encoder(&Default::default());
            // Other faces of the same picture, not the next frame of the first pass's.
            self.prep.forget();
            self.draw_faces(&mut encoder, frame, batch, 0.0);
        }
        let target = &self.targets.as_ref().expect("targets made by encode").target;
        let readback = Readback::record(&self.ctx.device, &mut encoder, target);
        self.ctx.queue.submit([encoder.finish()]);
        readback.into_image(&self.ctx.device)
    }
}

/// A part of a photo holding whole faces with a margin: rendered on its own when the photo is too
/// large for the device.
#[derive(Debug, Clone, PartialEq)]
struct FaceRegion {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    /// Indices of the faces inside.
    faces: Vec<usize>,
}

/// Margin around a face's landmarks, as a share of its larger side (makeup feathers past the
/// mesh a little; the region statistics need the whole face).
const REGION_MARGIN: f32 = 0.25;

/// One region per face (its landmarks' bounds plus a margin, clamped to the frame), overlapping
/// regions merged, so that every face lies whole in exactly one region.
fn face_regions((frame_w, frame_h): (u32, u32), faces: &[FaceDraw<'_>]) -> Vec<FaceRegion> {
    let mut regions: Vec<FaceRegion> = Vec::new();
    for (i, face) in faces.iter().enumerate() {
        let (min, max) = face
            .landmarks
            .iter()
            .fold((Vec3::splat(f32::MAX), Vec3::splat(f32::MIN)), |(lo, hi), p| (lo.min(*p), hi.max(*p)));
        let margin = (max.x - min.x).max(max.y - min.y) * REGION_MARGIN;
        let x0 = (min.x - margin).floor().clamp(0.0, frame_w as f32) as u32;
        let y0 = (min.y - margin).floor().clamp(0.0, frame_h as f32) as u32;
        let x1 = (max.x + margin).ceil().clamp(0.0, frame_w as f32) as u32;
        let y1 = (max.y + margin).ceil().clamp(0.0, frame_h as f32) as u32;
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        regions.push(FaceRegion { x: x0, y: y0, width: x1 - x0, height: y1 - y0, faces: vec![i] });
    }
    // Merge until no two regions overlap.
    let overlaps = |a: &FaceRegion, b: &FaceRegion| {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    };
    'merge: loop {
        for i in 0..regions.len() {
            for j in i + 1..regions.len() {
                if overlaps(&regions[i], &regions[j]) {
                    let b = regions.remove(j);
                    let a = &mut regions[i];
                    let (x1, y1) = ((a.x + a.width).max(b.x + b.width), (a.y + a.height).max(b.y + b.height));
                    a.x = a.x.min(b.x);
                    a.y = a.y.min(b.y);
                    a.width = x1 - a.x;
                    a.height = y1 - a.y;
                    a.faces.extend(b.faces);
                    continue 'merge;
                }
            }
        }
        break;
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f32, y: f32, side: f32) -> Vec<Vec3> {
        vec![Vec3::new(x, y, 0.0), Vec3::new(x + side, y + side, 0.0)]
    }

    #[test]
    fn camera_pixels_become_opaque_rgba_in_order_and_a_reused_buffer_holds_only_the_new_frame() {
        let frame = RgbImage::from_fn(3, 2, |x, y| image::Rgb([x as u8, y as u8, 7 + (x + y) as u8]));
        let rgba = rgba_of(&frame);
        assert_eq!(rgba.len(), 3 * 2 * 4);
        for (i, (px, rgb)) in rgba.chunks_exact(4).zip(frame.pixels()).enumerate() {
            assert_eq!(px, &[rgb[0], rgb[1], rgb[2], 255], "pixel {i}");
        }
        let mut reused = vec![9u8; 1000];
        fill_rgba(&frame, &mut reused);
        assert_eq!(reused, rgba, "a longer buffer from a bigger frame must not leave pixels behind");
    }

    #[test]
    fn face_regions_hold_whole_faces_and_merge_when_they_overlap() {
        let (a, b, c) = (square(100.0, 100.0, 100.0), square(180.0, 120.0, 100.0), square(2000.0, 50.0, 40.0));
        let draws: Vec<FaceDraw> =
            [&a, &b, &c].iter().map(|l| FaceDraw { landmarks: l.as_slice(), strength: 1.0 }).collect();
        let regions = face_regions((4000, 3000), &draws);
        assert_eq!(regions.len(), 2, "{regions:?}");
        assert_eq!(regions[0].faces, vec![0, 1]);
        assert_eq!((regions[0].x, regions[0].y), (75, 75));
        assert_eq!((regions[0].width, regions[0].height), (230, 170));
        // Clamped at the frame's top edge.
        assert_eq!((regions[1].x, regions[1].y, regions[1].height), (1990, 40, 60));
    }
}
