//! The style panel's pixels kept between frames. The panel changes when the user touches it; the
//! mirror beside it changes with every camera frame. Painted again each frame, the panel's fill
//! and its thousands of small glyph triangles cost a software rasteriser more than the makeup
//! does (measured: ~30 of ~65 ms of rasteriser-thread time per 720p frame). So egui's output is
//! split: what is clipped to the panel is painted into a window-sized texture only when it
//! differs from the last frame's, and copied into the window; the rest (the picture, its
//! overlay) is painted every frame.

use egui::epaint::{ClippedPrimitive, Primitive};
use egui_wgpu::ScreenDescriptor;

/// A rectangle of window pixels, `x0..x1` × `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PixelRect {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

impl PixelRect {
    const EMPTY: Self = Self { x0: 0, y0: 0, x1: 0, y1: 0 };

    /// The pixels a primitive clipped to `clip` (points) may touch: egui-wgpu's scissor
    /// rectangle, rounded and clamped exactly as it does.
    fn scissor(clip: egui::Rect, pixels_per_point: f32, size: [u32; 2]) -> Self {
        let px = |v: f32| (pixels_per_point * v).round() as u32;
        let x0 = px(clip.min.x).clamp(0, size[0]);
        let y0 = px(clip.min.y).clamp(0, size[1]);
        Self { x0, y0, x1: px(clip.max.x).clamp(x0, size[0]), y1: px(clip.max.y).clamp(y0, size[1]) }
    }

    fn is_empty(self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }

    fn contains(self, other: Self) -> bool {
        self.x0 <= other.x0 && self.y0 <= other.y0 && other.x1 <= self.x1 && other.y1 <= self.y1
    }

    fn overlaps(self, other: Self) -> bool {
        !self.is_empty()
            && !other.is_empty()
            && self.x0 < other.x1
            && other.x0 < self.x1
            && self.y0 < other.y1
            && other.y0 < self.y1
    }

    fn union(self, other: Self) -> Self {
        match (self.is_empty(), other.is_empty()) {
            (true, _) => other,
            (_, true) => self,
            _ => Self {
                x0: self.x0.min(other.x0),
                y0: self.y0.min(other.y0),
                x1: self.x1.max(other.x1),
                y1: self.y1.max(other.y1),
            },
        }
    }
}

/// Where a primitive's pixels can land: its scissor, narrowed to what it draws (a mesh's
/// vertices, a callback's viewport).
fn reach(prim: &ClippedPrimitive, screen: &ScreenDescriptor) -> PixelRect {
    let drawn = match &prim.primitive {
        Primitive::Mesh(mesh) => mesh.calc_bounds(),
        Primitive::Callback(callback) => callback.rect,
    };
    // A pixel of margin around the bounds: rasterisation rounds, and a false overlap only costs
    // painting the panel live for that frame.
    let margin = 1.0 / screen.pixels_per_point;
    PixelRect::scissor(prim.clip_rect.intersect(drawn.expand(margin)), screen.pixels_per_point, screen.size_in_pixels)
}

/// How the panel reached the window this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelPaint {
    /// Copied from the pixels kept from an earlier frame: nothing in it changed.
    Reused,
    /// Painted into the kept pixels (it changed, or nothing was kept yet), then copied.
    Painted,
    /// Painted straight into the window with everything else: the window cannot be copied into,
    /// or something painted outside the panel (a tooltip, a menu) reaches over it.
    Live,
}

/// The window this frame's egui output is for.
#[derive(Clone, Copy)]
pub struct WindowFrame<'a> {
    /// egui's screen: size in pixels and pixels per point.
    pub screen: &'a ScreenDescriptor,
    /// Where the style panel is, in points.
    pub panel: egui::Rect,
    /// The window images' format (the kept texture's).
    pub format: wgpu::TextureFormat,
    /// The window images' uses: without COPY_DST the kept panel cannot be copied in.
    pub usage: wgpu::TextureUsages,
    /// egui updated or freed a texture this frame (a font atlas): kept glyphs may be stale.
    pub textures_changed: bool,
}

/// What the window shows this frame, prepared before its texture is acquired.
pub struct PreparedPaint {
    /// Primitives painted into the window this frame, in egui's order.
    live: Vec<ClippedPrimitive>,
    /// The kept panel pixels to copy into the window, if any.
    copy: Option<PixelRect>,
    /// How the panel got there.
    pub how: PanelPaint,
}

/// The pixels of the panel as last painted, and the primitives they show.
struct KeptPanel {
    /// Window-sized, in the window's format.
    texture: wgpu::Texture,
    pixels_per_point: f32,
    prims: Vec<ClippedPrimitive>,
}

impl KeptPanel {
    /// The kept texture's size in pixels.
    fn size(&self) -> [u32; 2] {
        [self.texture.width(), self.texture.height()]
    }

    /// Whether these pixels show exactly `prims` for a `screen` of this format.
    fn shows(&self, prims: &[ClippedPrimitive], screen: &ScreenDescriptor, format: wgpu::TextureFormat) -> bool {
        self.texture.format() == format
            && self.size() == screen.size_in_pixels
            && self.pixels_per_point == screen.pixels_per_point
            && self.prims.len() == prims.len()
            && self.prims.iter().zip(prims).all(|(a, b)| same_primitive(a, b))
    }
}

/// Whether two mesh primitives paint the same pixels (callbacks are never kept).
fn same_primitive(a: &ClippedPrimitive, b: &ClippedPrimitive) -> bool {
    match (&a.primitive, &b.primitive) {
        (Primitive::Mesh(x), Primitive::Mesh(y)) => a.clip_rect == b.clip_rect && x == y,
        _ => false,
    }
}

/// The panel's kept pixels (see the module's comment). One per window.
#[derive(Default)]
pub struct PanelCache {
    kept: Option<KeptPanel>,
    /// egui changed a texture since the kept pixels were painted (in this frame or in one painted
    /// live): glyphs or images they show may be stale.
    textures_changed: bool,
}

impl PanelCache {
    /// Splits `prims` into what is kept (mesh primitives whose pixels lie inside the window's
    /// panel) and what is painted live, paints the kept part into the cache when it changed
    /// (submitted at once), and uploads the live part's buffers into `encoder`. Returns egui's
    /// command buffers to submit before `encoder`, and what [`Self::paint`] draws.
    pub fn prepare(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        egui_renderer: &mut egui_wgpu::Renderer,
        encoder: &mut wgpu::CommandEncoder,
        prims: Vec<ClippedPrimitive>,
        window: WindowFrame<'_>,
    ) -> (Vec<wgpu::CommandBuffer>, PreparedPaint) {
        let WindowFrame { screen, panel, format, usage, textures_changed } = window;
        let can_copy = usage.contains(wgpu::TextureUsages::COPY_DST);
        let scissor =
            |p: &ClippedPrimitive| PixelRect::scissor(p.clip_rect, screen.pixels_per_point, screen.size_in_pixels);
        let panel_px = PixelRect::scissor(panel, screen.pixels_per_point, screen.size_in_pixels);
        self.textures_changed |= textures_changed;
        // A primitive clipped to nothing paints nothing: it is left live rather than compared.
        let keep: Vec<bool> = prims
            .iter()
            .map(|p| {
                matches!(p.primitive, Primitive::Mesh(_)) && !scissor(p).is_empty() && panel_px.contains(scissor(p))
            })
            .collect();
        let region =
            prims.iter().zip(&keep).filter(|(_, k)| **k).fold(PixelRect::EMPTY, |r, (p, _)| r.union(scissor(p)));
        let covered = prims.iter().zip(&keep).any(|(p, k)| !k && reach(p, screen).overlaps(region));
        if !can_copy || covered || region.is_empty() {
            let extra = egui_renderer.update_buffers(device, queue, encoder, &prims, screen);
            return (extra, PreparedPaint { live: prims, copy: None, how: PanelPaint::Live });
        }
        let (kept, live): (Vec<_>, Vec<_>) = prims.into_iter().zip(keep).partition(|(_, k)| *k);
        let kept: Vec<ClippedPrimitive> = kept.into_iter().map(|(p, _)| p).collect();
        let live: Vec<ClippedPrimitive> = live.into_iter().map(|(p, _)| p).collect();
        let reusable = !self.textures_changed && self.kept.as_ref().is_some_and(|k| k.shows(&kept, screen, format));
        let how = if reusable {
            PanelPaint::Reused
        } else {
            self.paint_kept(device, queue, egui_renderer, kept, screen, format);
            PanelPaint::Painted
        };
        let extra = egui_renderer.update_buffers(device, queue, encoder, &live, screen);
        (extra, PreparedPaint { live, copy: Some(region), how })
    }

    /// Paints `kept` into the cache's texture (made for this size and format if needed) in a
    /// command buffer of its own: egui's buffers hold one list of primitives at a time, so the
    /// live list is uploaded only after this one is submitted.
    fn paint_kept(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        egui_renderer: &mut egui_wgpu::Renderer,
        kept: Vec<ClippedPrimitive>,
        screen: &ScreenDescriptor,
        format: wgpu::TextureFormat,
    ) {
        let texture = match self.kept.take() {
            Some(k) if k.texture.format() == format && k.size() == screen.size_in_pixels => k.texture,
            _ => device.create_texture(&wgpu::TextureDescriptor {
                label: Some("kept panel"),
                size: wgpu::Extent3d {
                    width: screen.size_in_pixels[0],
                    height: screen.size_in_pixels[1],
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
                view_formats: &[],
            }),
        };
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("kept panel") });
        let uploads = egui_renderer.update_buffers(device, queue, &mut encoder, &kept, screen);
        let view = texture.create_view(&Default::default());
        super::mirror::paint_egui(&mut encoder, &view, egui_renderer, &kept, screen);
        // Submitted now, before the live list replaces egui's buffers.
        queue.submit(uploads.into_iter().chain([encoder.finish()]));
        tracing::trace!(prims = kept.len(), "panel painted into its kept pixels");
        self.textures_changed = false;
        self.kept = Some(KeptPanel { texture, pixels_per_point: screen.pixels_per_point, prims: kept });
    }

    /// Paints the frame into `target` (the window's texture): the live primitives over black,
    /// then the kept panel pixels copied in.
    pub fn paint(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        target: &wgpu::Texture,
        egui_renderer: &egui_wgpu::Renderer,
        prepared: &PreparedPaint,
        screen: &ScreenDescriptor,
    ) {
        let view = target.create_view(&Default::default());
        super::mirror::paint_egui(encoder, &view, egui_renderer, &prepared.live, screen);
        // `copy` is set only when `prepare` left kept pixels showing this frame's panel.
        let (Some(r), Some(kept)) = (prepared.copy, self.kept.as_ref()) else { return };
        if [target.width(), target.height()] != kept.size() {
            // The window's image is not the size egui laid out for (a resize under way): the
            // panel shows next frame, laid out for the new size.
            tracing::debug!(target = ?[target.width(), target.height()], kept = ?kept.size(), "panel not copied");
            return;
        }
        let origin = wgpu::Origin3d { x: r.x0, y: r.y0, z: 0 };
        encoder.copy_texture_to_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &kept.texture,
                mip_level: 0,
                origin,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyTextureInfo { texture: target, mip_level: 0, origin, aspect: wgpu::TextureAspect::All },
            wgpu::Extent3d { width: r.x1 - r.x0, height: r.y1 - r.y0, depth_or_array_layers: 1 },
        );
    }
}
