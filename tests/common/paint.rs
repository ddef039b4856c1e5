//! Rendering for tests: one shared renderer (pipelines built once, as in the app), looks from
//! TOML text and the fixture faces the render tests draw on.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard, OnceLock};

use glam::Vec3;
use image::RgbImage;
use vanity::looks::{Finish, Look};
use vanity::render::{FaceDraw, GpuContext, Renderer};

use super::{RefImage, RefVideo, fixture, load, sample};

/// One renderer for all tests: pipelines are built once, as in the app.
pub fn renderer() -> &'static Mutex<Renderer> {
    static R: OnceLock<Mutex<Renderer>> = OnceLock::new();
    R.get_or_init(|| Mutex::new(Renderer::new(GpuContext::headless().expect("a GPU adapter (lavapipe on CI)"))))
}

pub fn render(frame: &RgbImage, faces: &[Vec<Vec3>], look: &Look) -> RgbImage {
    render_with(&mut renderer().lock().unwrap_or_else(|e| e.into_inner()), frame, faces, look)
}

/// `look` over `frame` with `faces` (full strength) by `renderer` as it is set.
pub fn render_with(renderer: &mut Renderer, frame: &RgbImage, faces: &[Vec<Vec3>], look: &Look) -> RgbImage {
    renderer.set_look(look);
    let draws: Vec<FaceDraw> = faces.iter().map(|l| FaceDraw { landmarks: l, strength: 1.0 }).collect();
    renderer.render(frame, &draws).expect("renders")
}

pub fn look(text: &str) -> Look {
    Look::parse(text, std::path::Path::new("test.toml")).expect("valid look")
}

/// The astronaut and MediaPipe's v2 landmarks for her.
pub fn astronaut() -> (RgbImage, Vec<Vec3>) {
    let img = vanity::capture::still::load_rgb(&sample("astronaut.png")).unwrap();
    let r: RefImage = load(&fixture("astronaut_v2.json"));
    (img, r.faces[0].points())
}

/// The astronaut ×2 (her lips are only about 35×12 pixels in the original).
pub fn astronaut_x2() -> (RgbImage, Vec<Vec3>) {
    let (img, lm) = astronaut();
    let big = image::imageops::resize(&img, img.width() * 2, img.height() * 2, image::imageops::FilterType::Triangle);
    (big, lm.iter().map(|p| *p * 2.0).collect())
}

/// Carphone frame 60 (mouth wide open) upscaled ×4, with MediaPipe's landmarks scaled to match.
pub fn open_mouth() -> (RgbImage, Vec<Vec3>) {
    let mut src = vanity::capture::open(&sample("carphone.mp4")).unwrap();
    let mut frame = None;
    for _ in 0..=60 {
        frame = src.next_frame().unwrap();
    }
    let small = frame.unwrap().image;
    let big =
        image::imageops::resize(&small, small.width() * 4, small.height() * 4, image::imageops::FilterType::Triangle);
    let r: RefVideo = load(&fixture("carphone_static_v2.json"));
    let f = r.frames.iter().find(|f| f.index == 60).unwrap();
    (big, f.faces[0].points().iter().map(|p| *p * 4.0).collect())
}

pub fn lipstick(color: &str, finish: Finish, opacity: f32) -> Look {
    look(&format!(
        "name = \"t\"\n[lipstick]\ncolor = \"{color}\"\nfinish = \"{}\"\nopacity = {opacity}\n",
        finish.name()
    ))
}

/// A face at kiosk distance: the part of `img` around the face (its landmark box with half its
/// size as margin) scaled so that the inter-ocular distance is `iod` pixels, and the landmarks
/// moved to match (the library's own, as `vanity sheet --finishes` uses).
pub fn at_kiosk_distance(img: &RgbImage, lm: &[Vec3], iod: f32) -> (RgbImage, Vec<Vec3>) {
    vanity::render::sheet::at_kiosk_distance(img, lm, iod, 0.5)
}

/// The phone photo (a 1080×1440 JPEG) and MediaPipe's v2 landmarks for its face.
pub fn phone() -> (RgbImage, Vec<Vec3>) {
    let img = vanity::capture::still::load_rgb(&fixture("phone.jpg")).unwrap();
    let r: RefImage = load(&fixture("phone_v2.json"));
    (img, r.faces[0].points())
}

/// The faces of the group photo, each with MediaPipe's v2 landmarks.
pub fn group() -> (RgbImage, Vec<Vec<Vec3>>) {
    let img = vanity::capture::still::load_rgb(&fixture("group.png")).unwrap();
    let r: RefImage = load(&fixture("group_v2.json"));
    (img, r.faces.iter().map(|f| f.points()).collect())
}

/// A `width`×`height` texture a window's pass can draw into and a test can read back: what the
/// window-side tests (panel, mirror picture) render into instead of a swapchain image.
pub fn window_target(device: &wgpu::Device, width: u32, height: u32, format: wgpu::TextureFormat) -> wgpu::Texture {
    device.create_texture(&wgpu::TextureDescriptor {
        label: Some("window stand-in"),
        size: wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    })
}

/// The shared renderer, locked, with one of its comparison switches set (lips read from the
/// picture or not, the light direction pinned, hair read or not); set back as the app runs it
/// when dropped, even by a failing test, so that the next test finds the renderer as the app
/// runs it.
pub struct Switched {
    /// The locked renderer.
    renderer: MutexGuard<'static, Renderer>,
    /// Sets the switch back.
    reset: fn(&mut Renderer),
}

impl Switched {
    /// Locks the shared renderer and `set`s a switch that `reset` sets back.
    fn lock(set: impl FnOnce(&mut Renderer), reset: fn(&mut Renderer)) -> Self {
        let mut renderer = renderer().lock().unwrap_or_else(|e| e.into_inner());
        set(&mut renderer);
        Self { renderer, reset }
    }

    /// Lips read from the picture or the mesh's own lip line drawn (`from_picture` false).
    pub fn lips_from_picture(from_picture: bool) -> Self {
        Self::lock(|r| r.set_lips_from_picture(from_picture), |r| r.set_lips_from_picture(true))
    }

    /// Every face lit from `direction` instead of its estimated one (None: its own).
    pub fn light_pinned(direction: Option<Vec3>) -> Self {
        Self::lock(|r| r.pin_light_direction(direction), |r| r.pin_light_direction(None))
    }

    /// The mesh's own lip line drawn, and every face lit from `direction`: what a lip mask alone
    /// changes, with nothing read from the picture moving with it.
    pub fn mesh_lips_in_pinned_light(direction: Vec3) -> Self {
        Self::lock(
            |r| {
                r.set_lips_from_picture(false);
                r.pin_light_direction(Some(direction));
            },
            |r| {
                r.set_lips_from_picture(true);
                r.pin_light_direction(None);
            },
        )
    }

    /// Each face's hair read or not.
    pub fn hair_read(on: bool) -> Self {
        Self::lock(|r| r.set_hair_read(on), |r| r.set_hair_read(true))
    }

    /// `look` over `frame` with `faces`, as [`render`] draws it.
    pub fn draw(&mut self, frame: &RgbImage, faces: &[Vec<Vec3>], look: &Look) -> RgbImage {
        render_with(&mut self.renderer, frame, faces, look)
    }
}

impl Deref for Switched {
    type Target = Renderer;
    fn deref(&self) -> &Renderer {
        &self.renderer
    }
}

impl DerefMut for Switched {
    fn deref_mut(&mut self) -> &mut Renderer {
        &mut self.renderer
    }
}

impl Drop for Switched {
    fn drop(&mut self) {
        (self.reset)(&mut self.renderer);
    }
}

/// Inter-ocular distance at a kiosk, pixels (the middle of 150–250).
pub const KIOSK_IOD: f32 = 200.0;
/// Real faces at kiosk distance: the astronaut, the phone photo and the video's open mouth.
pub fn kiosk_faces() -> Vec<(&'static str, RgbImage, Vec<Vec3>)> {
    kiosk_faces_at(KIOSK_IOD)
}

/// The kiosk faces scaled so that their inter-ocular distance is `iod` pixels.
pub fn kiosk_faces_at(iod: f32) -> Vec<(&'static str, RgbImage, Vec<Vec3>)> {
    let (a, al) = astronaut();
    let (p, pl) = phone();
    let (o, ol) = open_mouth();
    vec![
        ("astronaut", at_kiosk_distance(&a, &al, iod)),
        ("phone", at_kiosk_distance(&p, &pl, iod)),
        ("open mouth", at_kiosk_distance(&o, &ol, iod)),
    ]
    .into_iter()
    .map(|(name, (img, lm))| (name, img, lm))
    .collect()
}

/// The face-wide layers, each alone at full opacity.
pub const FACE_WIDE_LAYERS: [(&str, &str); 4] = [
    ("foundation", "[foundation]\ncolor = \"#C98A6A\"\nopacity = 1.0\nsmoothing = 0.0\n"),
    ("contour", "[contour]\ncolor = \"#6F4A36\"\nopacity = 1.0\n"),
    ("blush", "[blush]\ncolor = \"#E0607A\"\nopacity = 1.0\n"),
    ("highlight", "[highlight]\ncolor = \"#EED4B4\"\nopacity = 1.0\n"),
];
