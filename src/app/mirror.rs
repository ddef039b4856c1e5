//! The mirror window: winit event loop on the UI thread, wgpu makeup, egui panel.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Pos2, Rect, Vec2};
use winit::application::ApplicationHandler;
use winit::event::{ElementState, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};

use crate::pipeline::tracking_thread::Waker;
use winit::keyboard::{Key, NamedKey};
use winit::window::{Fullscreen, Window, WindowId};

use super::demo::{DemoCycle, StatsLog};
use super::kiosk::{IdleState, Kiosk, KioskKey};
use super::mirror_picture::PicturePipeline;
use super::mirror_view::{self, MirrorOverlay};
use super::panel::{self, Action, PanelState, Tab};
use super::panel_cache::{PanelCache, PanelPaint, WindowFrame};
use super::settings::Settings;
use super::snapshot;
use super::stats::{FrameStats, FrameTimes, FreshFrame, ProcessUsage};
use super::{AppError, AppOptions, SourceArg};
use crate::capture::FrameSource;
use crate::capture::camera::{self, CameraSource};
use crate::looks::{Catalog, Look};
use crate::pipeline::capture_thread::CapturedFrame;
use crate::pipeline::{
    AdvisorJob, AdvisorThread, CaptureStatus, CaptureThread, FaceFader, Latest, TrackedFrame, TrackingThread,
};
use crate::render::readback::Readback;
use crate::render::{CameraFrame, FaceDraw, GpuContext, Renderer};
use crate::tracking::bodies::BodyFinder;
use crate::tracking::{ModelKind, Tracker, TrackerConfig};

/// The event a worker sends to wake the event loop: a new tracked frame (or a tracking error).
#[derive(Debug, Clone, Copy)]
struct NewFrame;

/// How often the idle event loop looks for changes nobody wakes it for (a lost camera, the
/// advisor's progress): a look, not a redraw.
const HEARTBEAT: Duration = Duration::from_millis(250);

/// Redraw interval while a face fades in or out.
const FADE_FRAME: Duration = Duration::from_millis(16);

/// Time to hold the grey card up after pressing "Calibrate".
const CALIBRATION_DELAY: std::time::Duration = std::time::Duration::from_secs(3);
/// Largest still image the mirror shows (a larger photo is scaled down once, when opened).
const STILL_MAX: (u32, u32) = (1920, 1080);
/// Look a kiosk starts with and returns to when `--look` names none.
const KIOSK_LOOK: &str = "natural";

/// Opens the source: a camera (falling back to the bundled sample when there is none), or a file.
fn open_source(
    opts: &AppOptions,
    source: &SourceArg,
) -> Result<(CaptureThread, Option<String>, Option<u32>), AppError> {
    match source {
        SourceArg::Camera(index) => match CameraSource::open(*index, opts.width, opts.height, 30) {
            Ok(cam) => {
                let (index, w, h) = (*index, opts.width, opts.height);
                let reopen = move || CameraSource::open(index, w, h, 30).map(|c| Box::new(c) as Box<dyn FrameSource>);
                Ok((CaptureThread::spawn(reopen, Some(Box::new(cam)), true), None, Some(index)))
            }
            Err(e) => {
                let sample = crate::data::sample_video();
                tracing::warn!("{e}; showing {}", sample.display());
                let note = format!("No camera found ({e}). Showing the sample video.");
                Ok((CaptureThread::spawn_file(&sample, true)?, Some(note), None))
            }
        },
        SourceArg::Path(p) if crate::capture::is_still(p) => {
            Ok((CaptureThread::spawn_still(p, STILL_MAX.0, STILL_MAX.1)?, None, None))
        }
        SourceArg::Path(p) => Ok((CaptureThread::spawn_file(p, true)?, None, None)),
    }
}

/// What the tracking thread runs: the face (and hand) tracker, and the pose model when the bodies
/// under the faces are looked for (on a thread of their own, see
/// [`crate::pipeline::body_thread`]).
struct TrackingModels {
    tracker: Tracker,
    bodies: Option<BodyFinder>,
}

impl TrackingModels {
    /// Starts tracking `frames`.
    fn spawn(self, frames: Latest<CapturedFrame>, waker: Waker) -> TrackingThread {
        TrackingThread::spawn(self.tracker, self.bodies, frames, waker)
    }
}

fn tracking_models(opts: &AppOptions, model: ModelKind) -> Result<TrackingModels, AppError> {
    let config = TrackerConfig {
        model,
        max_faces: opts.max_faces,
        max_hands: if opts.hands { crate::tracking::hands::MAX_HANDS } else { 0 },
        ..TrackerConfig::default()
    };
    let bodies = opts.bodies.then(|| BodyFinder::new(&opts.models.bodies(), config.session)).transpose()?;
    Ok(TrackingModels { tracker: Tracker::new(&opts.models, config)?, bodies })
}

/// GPU and window state, created once the event loop is running.
struct Gfx {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    renderer: Renderer,
    egui_state: egui_winit::State,
    egui_renderer: egui_wgpu::Renderer,
    /// The style panel's pixels, painted again only when it changes.
    panel_cache: PanelCache,
}

impl Gfx {
    /// The window's next image; `None` (and a redraw asked for) when the surface is not ready,
    /// after configuring it again.
    fn next_surface_texture(&mut self, device: &wgpu::Device) -> Option<wgpu::SurfaceTexture> {
        match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(t) | wgpu::CurrentSurfaceTexture::Suboptimal(t) => Some(t),
            other => {
                let why = match other {
                    wgpu::CurrentSurfaceTexture::Timeout => "timeout",
                    wgpu::CurrentSurfaceTexture::Occluded => "occluded",
                    _ => "outdated",
                };
                tracing::debug!("surface not ready: {why}");
                self.surface.configure(device, &self.config);
                self.window.request_redraw();
                None
            }
        }
    }

    /// Binds the renderer's textures for the picture when they are new (first frame, new size).
    fn bind_picture(&mut self, device: &wgpu::Device) {
        let Some(views) = self.renderer.views() else { return };
        if let Some(picture) = self.egui_renderer.callback_resources.get_mut::<PicturePipeline>() {
            picture.bind(device, &views);
        }
    }
}

struct Mirror {
    opts: AppOptions,
    catalog: Catalog,
    looks: Vec<Look>,
    panel: PanelState,
    uploaded_look: Option<Look>,
    capture: CaptureThread,
    tracking: TrackingThread,
    note: Option<String>,
    fader: FaceFader,
    current: Option<TrackedFrame>,
    /// Tracked frames taken so far: names the current one for the renderer's upload cache.
    frames_taken: u64,
    last_face: Instant,
    start: Instant,
    gfx: Option<Gfx>,
    egui_ctx: egui::Context,
    stats: FrameStats,
    first_present: Option<Instant>,
    /// Frames presented since the start (`stats` restarts with each `--stats-every` line).
    presented: u64,
    /// `--cycle`: the looks (and sources) shown next.
    demo: Option<DemoCycle>,
    /// `--stats-every`: where and when the next line of statistics goes.
    stats_log: Option<StatsLog>,
    /// Wakes the event loop from the tracking thread.
    waker: Waker,
    /// What is shown now (a still is shown again when the advisor starts measuring).
    source: Option<SourceArg>,
    /// When a still's picture was last offered to the advisor.
    still_offered_at: Option<Instant>,
    /// When the picture must be redrawn even without a new frame (a fade, egui, a timer).
    redraw_at: Option<Instant>,
    /// The status line shown by the last redraw (a change redraws).
    shown_status: Option<String>,
    /// The tracked frame (`frames_taken`) the makeup was last rendered for.
    makeup_frame: Option<u64>,
    snapshot: Option<PathBuf>,
    /// Kiosk mode's PIN entry and idle rules (`None`: not a kiosk).
    kiosk: Option<Kiosk>,
    /// The shade advisor, measuring off the UI thread.
    advisor: AdvisorThread,
    /// Version of the advisor state the panel shows.
    advisor_version: u64,
    /// The advice rules (kept to restart the advisor after a calibration).
    rules: crate::advisor::Rules,
    /// Maps the advisor's skin areas onto the face for their outlines.
    outliner: crate::advisor::sampling::Sampler,
    /// When the grey card in the box will be measured.
    calibrate_at: Option<Instant>,
    /// The look the app started with: a kiosk returns to it when nobody is in front.
    home_look: Look,
    result: Result<(), AppError>,
}

impl Mirror {
    fn init_gfx(&mut self, event_loop: &ActiveEventLoop) -> Result<Gfx, AppError> {
        let mut attrs = Window::default_attributes()
            .with_title("Vanity")
            .with_inner_size(winit::dpi::PhysicalSize::new(self.opts.width, self.opts.height));
        if self.opts.kiosk {
            // Size the window to the screen too: without a window manager (a bare kiosk X server)
            // the fullscreen request alone may not resize it.
            if let Some(m) = event_loop.primary_monitor().or_else(|| event_loop.available_monitors().next()) {
                attrs = attrs.with_inner_size(m.size()).with_position(m.position());
            }
            attrs = attrs.with_fullscreen(Some(Fullscreen::Borderless(None)));
        }
        let window = Arc::new(event_loop.create_window(attrs).map_err(AppError::window)?);
        let (ctx, surface) = GpuContext::for_window(&window)?;
        let size = window.inner_size();
        let caps = surface.get_capabilities(&ctx.adapter);
        // egui blends in gamma space and wants a plain (non-sRGB) framebuffer; the makeup textures
        // are sRGB views, so egui samples them as linear and encodes correctly.
        let format = caps.formats.iter().copied().find(|f| !f.is_srgb()).unwrap_or(caps.formats[0]);
        let usage = wgpu::TextureUsages::RENDER_ATTACHMENT
            | (caps.usages & (wgpu::TextureUsages::COPY_SRC | wgpu::TextureUsages::COPY_DST));
        let config = wgpu::SurfaceConfiguration {
            usage,
            format,
            width: size.width.max(1),
            height: size.height.max(1),
            // Latest frame wins: no waiting on vblank queues (the compositor still syncs).
            present_mode: wgpu::PresentMode::AutoNoVsync,
            // Never queue frames: one in flight keeps capture → present latency down.
            desired_maximum_frame_latency: 1,
            alpha_mode: caps.alpha_modes[0],
            view_formats: vec![],
            color_space: Default::default(),
        };
        surface.configure(&ctx.device, &config);
        let mut egui_renderer = egui_wgpu::Renderer::new(&ctx.device, format, egui_wgpu::RendererOptions::default());
        egui_renderer.callback_resources.insert(PicturePipeline::new(&ctx.device, format));
        let egui_state = egui_winit::State::new(
            self.egui_ctx.clone(),
            egui::ViewportId::ROOT,
            &window,
            Some(window.scale_factor() as f32),
            None,
            Some(ctx.device.limits().max_texture_dimension_2d as usize),
        );
        tracing::info!("window on {}", ctx.describe());
        let panel_cache = PanelCache::default();
        Ok(Gfx { window, surface, config, renderer: Renderer::new(ctx), egui_state, egui_renderer, panel_cache })
    }

    fn handle(&mut self, actions: Vec<Action>) {
        for a in actions {
            match a {
                Action::Model(m) => match tracking_models(&self.opts, m) {
                    Ok(t) => {
                        let old = std::mem::replace(
                            &mut self.tracking,
                            t.spawn(self.capture.frames.clone(), self.waker.clone()),
                        );
                        old.stop();
                    }
                    Err(e) => self.note = Some(format!("Cannot switch model: {e}")),
                },
                Action::Camera(i) => match CameraSource::open(i, self.opts.width, self.opts.height, 30) {
                    Ok(cam) => {
                        let (w, h) = (self.opts.width, self.opts.height);
                        let reopen =
                            move || CameraSource::open(i, w, h, 30).map(|c| Box::new(c) as Box<dyn FrameSource>);
                        self.replace_capture(CaptureThread::spawn(reopen, Some(Box::new(cam)), true));
                        self.panel.camera = Some(i);
                        self.source = Some(SourceArg::Camera(i));
                        self.note = None;
                    }
                    Err(e) => self.note = Some(format!("{e}")),
                },
                Action::FindShades => {
                    self.advisor.start();
                    // A still has stopped sending frames: show it again for the measurement.
                    if let Some(SourceArg::Path(p)) = &self.source
                        && crate::capture::is_still(p)
                    {
                        let source = SourceArg::Path(p.clone());
                        self.show_source(&source);
                    }
                }
                Action::AdvisorPreferences(p) => self.advisor.set_preferences(p),
                Action::CalibrateGreyCard => self.calibrate_at = Some(Instant::now() + CALIBRATION_DELAY),
                Action::Snapshot => {
                    self.snapshot = Some(snapshot::new_path());
                }
            }
        }
    }

    /// A still sends only a few frames and a slow window shows fewer: while the advisor measures
    /// a still, the picture on screen is offered again (at most every [`HEARTBEAT`]).
    fn offer_still_to_advisor(&mut self, now: Instant) {
        // Cheap checks first: `is_still` asks the file system, so only while the advisor waits.
        if !self.advisor.measuring() || self.still_offered_at.is_some_and(|t| now < t + HEARTBEAT) {
            return;
        }
        if !matches!(&self.source, Some(SourceArg::Path(p)) if crate::capture::is_still(p)) {
            return;
        }
        if let Some(cur) = &self.current
            && let Some(face) = cur.faces.iter().max_by(|a, b| a.inter_ocular().total_cmp(&b.inter_ocular()))
        {
            self.advisor.offer(AdvisorJob { image: cur.image.clone(), landmarks: face.landmarks.clone() });
            self.still_offered_at = Some(now);
        }
    }

    /// The line saying what is wrong with the source or the tracker, if anything is.
    fn status_line(&self) -> Option<String> {
        match self.capture.status() {
            CaptureStatus::Reconnecting(why) if self.panel.camera.is_some() => {
                Some(format!("Camera lost, reconnecting… ({why})"))
            }
            // A file is not a camera: say what is wrong with it.
            CaptureStatus::Reconnecting(why) => Some(format!("Cannot play the source: {why}")),
            _ => {
                let tracker_error = self.tracking.error.lock().unwrap_or_else(|e| e.into_inner()).clone();
                tracker_error.or_else(|| self.tracking.skipping.lock().unwrap_or_else(|e| e.into_inner()).clone())
            }
        }
    }

    /// When the picture must next be redrawn with no new frame: a fade under way, egui's own
    /// request, the demo, the statistics line, the end of an automated run, the grey-card
    /// calibration or a kiosk's idle steps.
    fn next_redraw(&self, now: Instant, egui_delay: Option<Duration>) -> Option<Instant> {
        let mut due: Vec<Instant> = Vec::new();
        if let Some(d) = egui_delay.filter(|d| *d < Duration::from_secs(3600)) {
            due.push(now + d);
        }
        if self.fader.animating(now) {
            due.push(now + FADE_FRAME);
        }
        // `--exit-after N` counts presented frames: a still would stop presenting, so automation
        // redraws a few times a second.
        if self.opts.exit_after.is_some() {
            due.push(now + HEARTBEAT);
        }
        due.extend(self.demo.as_ref().map(DemoCycle::next_at));
        due.extend(self.stats_log.as_ref().map(|l| l.next_at));
        due.extend(self.opts.exit_after_time.map(|t| self.start + t));
        due.extend(self.calibrate_at);
        if let Some(kiosk) = &self.kiosk {
            due.extend(kiosk.idle_steps(self.last_face).into_iter().filter(|t| *t > now));
        }
        due.into_iter().min()
    }

    /// Stops the capture and tracking threads and starts tracking `new`'s frames.
    fn replace_capture(&mut self, new: CaptureThread) {
        let frames = new.frames.clone();
        std::mem::replace(&mut self.capture, new).stop();
        match tracking_models(&self.opts, self.panel.model) {
            Ok(t) => std::mem::replace(&mut self.tracking, t.spawn(frames, self.waker.clone())).stop(),
            Err(e) => self.note = Some(format!("Cannot restart tracking: {e}")),
        }
    }

    /// The demo's next look (and source), when one is due.
    fn step_demo(&mut self, now: Instant) {
        let Some(step) = self.demo.as_mut().and_then(|d| d.due(now)) else { return };
        if let Some(look) = self.looks.get(step.look) {
            self.panel.look = look.clone();
        }
        if let Some(source) = step.source {
            tracing::info!("demo: showing {source:?}");
            self.show_source(&source);
        }
    }

    /// Opens `source` and tracks it from now on (or says why not, keeping the current one).
    fn show_source(&mut self, source: &SourceArg) {
        match open_source(&self.opts, source) {
            Ok((capture, note, camera)) => {
                self.replace_capture(capture);
                self.note = note;
                self.panel.camera = camera;
                self.source = Some(source.clone());
            }
            Err(e) => self.note = Some(format!("Cannot open the next source: {e}")),
        }
    }

    /// Appends this interval's statistics to the `--stats-every` file when a line is due (or
    /// `force`d, at exit) and starts the next interval.
    fn log_stats(&mut self, now: Instant, force: bool) {
        let Some(log) = self.stats_log.as_mut() else { return };
        if !force && now < log.next_at {
            return;
        }
        log.next_at = now + log.every;
        let line = self.stats.to_interval_line(now.duration_since(self.start).as_secs_f64(), ProcessUsage::now());
        let written = std::fs::OpenOptions::new()
            .append(true)
            .open(&log.path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
        if let Err(e) = written {
            // A kiosk keeps running without its log; the error is said once.
            tracing::error!("{}: cannot write statistics ({e}); no more will be written", log.path.display());
            self.stats_log = None;
        }
        self.stats = FrameStats { ui_scale: self.stats.ui_scale, ..FrameStats::default() };
        self.first_present = None;
    }

    /// Measures the grey card in the middle of the current frame, keeps the correction in the
    /// settings and restarts the advisor with it.
    fn calibrate_from_current_frame(&mut self) {
        let Some(frame) = self.current.as_ref().map(|c| c.image.clone()) else { return };
        match crate::advisor::calibrate_from_grey_card(&frame) {
            Some(c) => {
                let (xy, _) = c.illuminant();
                self.note = Some(format!("Store light calibrated: {:.0} K.", crate::advisor::colour::cct(xy)));
                let mut settings = Settings::load();
                settings.calibration = Some(c);
                settings.save();
                self.advisor = AdvisorThread::spawn(self.catalog.clone(), self.rules.clone(), Some(c));
                if let Some(gfx) = self.gfx.as_mut() {
                    gfx.renderer.set_calibration(Some(c));
                }
                self.advisor_version = 0;
                self.panel.advisor = Default::default();
            }
            None => self.note = Some("No grey card in the box (clipped or too dark): try again.".into()),
        }
    }

    /// Outlines of the skin areas the advisor read, on the largest face, while its result shows.
    fn condition_outlines(&self) -> Vec<Vec<glam::Vec2>> {
        let showing = self.panel.tab == Tab::Advisor
            && matches!(&self.panel.advisor, crate::pipeline::AdvisorState::Done(Some(r)) if r.measurement.lighting.verdict.allows_advice());
        let Some(face) = self
            .current
            .as_ref()
            .filter(|_| showing)
            .and_then(|c| c.faces.iter().max_by(|a, b| a.inter_ocular().total_cmp(&b.inter_ocular())))
        else {
            return Vec::new();
        };
        (0..crate::advisor::sampling::AREAS.len()).map(|k| self.outliner.outline(k, &face.landmarks, 40)).collect()
    }

    /// A command encoder holding the makeup for this redraw. The makeup is rendered again only
    /// for a new frame, a new look or a fade: a redraw for the panel alone reuses the picture.
    /// `None` before the window exists.
    fn encode_makeup(&mut self, now: Instant) -> Option<wgpu::CommandEncoder> {
        let gfx = self.gfx.as_mut()?;
        let mut encoder = gfx.renderer.context().device.create_command_encoder(&Default::default());
        let look_changed = self.uploaded_look.as_ref() != Some(&self.panel.look);
        if look_changed {
            gfx.renderer.set_look(&self.panel.look);
            self.uploaded_look = Some(self.panel.look.clone());
        }
        let stale = look_changed || self.fader.animating(now) || self.makeup_frame != Some(self.frames_taken);
        if let Some(cur) = self.current.as_ref().filter(|_| stale) {
            self.makeup_frame = Some(self.frames_taken);
            let visible = self.fader.visible(now);
            let draws: Vec<FaceDraw> = visible.iter().map(|(l, s)| FaceDraw { landmarks: l, strength: *s }).collect();
            let time = self.start.elapsed().as_secs_f32();
            let camera = CameraFrame { rgb: &cur.image, rgba: Some(&cur.rgba), id: Some(self.frames_taken) };
            gfx.renderer.set_hands(&cur.hands);
            gfx.renderer.set_bodies(&cur.bodies);
            gfx.renderer.encode(&mut encoder, camera, &draws, time);
        }
        Some(encoder)
    }

    /// Whether the frame being drawn ends the run (`--exit-after`, `--exit-after-secs`). With
    /// `--find-shades`, automation also waits for the measurement (bounded: the advisor gives
    /// up after NO_FACE_AFTER without a face).
    fn is_last_frame(&self, now: Instant) -> bool {
        let ending = self.opts.exit_after.is_some_and(|n| self.presented + 1 >= n)
            || self.opts.exit_after_time.is_some_and(|t| now.duration_since(self.start) >= t);
        ending && !(self.opts.find_shades && self.advisor.measuring())
    }

    /// Where this frame's picture is saved, if anywhere: a user's snapshot (never in a kiosk),
    /// or the `--screenshot` on the `last` frame.
    fn shot_path(&self, last: bool) -> Option<PathBuf> {
        match (&self.snapshot, last, &self.opts.screenshot) {
            (Some(p), _, _) if !self.opts.kiosk => Some(p.clone()),
            (_, true, Some(p)) => Some(p.clone()),
            _ => None,
        }
    }

    /// The run's last frame was presented: the `--stats` file (whole or not at all), then exit.
    fn finish_run(&mut self, event_loop: &ActiveEventLoop) {
        if let Some(p) = self.opts.stats.as_ref().filter(|_| self.opts.stats_every.is_none())
            && let Err(e) = crate::outfile::write_text(p, &self.stats.to_json(&self.panel.advisor))
        {
            self.result = Err(AppError::Output { path: p.clone(), reason: e.to_string() });
        }
        event_loop.exit();
    }

    /// Saves a read-back window picture: a user's snapshot (with its look beside it, and a note
    /// saying where) or the `--screenshot` at exit (whose failure is the run's result).
    fn finish_shot(&mut self, device: &wgpu::Device, rb: Readback, path: &Path) {
        let saved = snapshot::save_readback(device, rb, path);
        if let Err(e) = &saved {
            tracing::error!("{e}");
        }
        if self.snapshot.take().is_none() {
            if let Err(e) = saved {
                self.result = Err(e);
            }
            return;
        }
        self.note = Some(match saved.and_then(|()| snapshot::save_look_beside(path, &self.panel.look)) {
            Ok(()) => format!("Saved {}", path.display()),
            Err(e) => e.to_string(),
        });
    }

    /// Takes the tracking thread's newest frame, if there is one: faces to the fader, the
    /// largest face to the advisor while it measures.
    fn take_tracked_frame(&mut self, now: Instant) -> Option<FreshFrame> {
        let r = self.tracking.results.try_take()?;
        self.fader.update(&r.faces, now);
        if !r.faces.is_empty() {
            self.last_face = now;
        }
        let fresh = FreshFrame { captured: r.captured, track_ms: r.track_ms };
        // The advisor measures the largest face of each new frame while it is asked to.
        if self.advisor.measuring()
            && let Some(face) = r.faces.iter().max_by(|a, b| a.inter_ocular().total_cmp(&b.inter_ocular()))
        {
            self.advisor.offer(AdvisorJob { image: r.image.clone(), landmarks: face.landmarks.clone() });
        }
        self.current = Some(r);
        self.frames_taken += 1;
        Some(fresh)
    }

    /// What changes with time alone before a frame is drawn: the demo cycle, the kiosk's idle
    /// rules (its own look back when nobody is in front), the advisor's newest state and a due
    /// grey-card calibration. Returns the kiosk's idle state.
    fn apply_timed_rules(&mut self, now: Instant) -> IdleState {
        self.step_demo(now);
        let idle = self.kiosk.as_ref().map(|k| k.idle(now.duration_since(self.last_face))).unwrap_or_default();
        if idle.reset_look && self.panel.look != self.home_look {
            self.panel.look = self.home_look.clone();
        }
        if let Some((version, state)) = self.advisor.state_if_newer(self.advisor_version) {
            self.panel.advisor = state;
            self.advisor_version = version;
        }
        if self.calibrate_at.is_some_and(|t| now >= t) {
            self.calibrate_at = None;
            self.calibrate_from_current_frame();
        }
        idle
    }

    fn redraw(&mut self, event_loop: &ActiveEventLoop) {
        let now = Instant::now();
        let fresh = self.take_tracked_frame(now);
        let idle = self.apply_timed_rules(now);
        let face_guide = self.advisor.measuring();
        let calibrating = self.calibrate_at.is_some();
        let outlines = self.condition_outlines();
        let status = self.status_line();
        self.shown_status.clone_from(&status);
        let render_start = Instant::now();
        let Some(mut encoder) = self.encode_makeup(now) else { return };
        let makeup_done = Instant::now();
        let Some(gfx) = self.gfx.as_mut() else { return };
        let device = gfx.renderer.context().device.clone();
        let queue = gfx.renderer.context().queue.clone();
        gfx.bind_picture(&device);
        let raw = gfx.egui_state.take_egui_input(&gfx.window);
        let frame_size = gfx.renderer.views().map(|v| v.size);

        let stats_line = self.panel.show_stats.then(|| overlay_text(&self.stats));
        let overlay = MirrorOverlay {
            outlines: &outlines,
            calibrating,
            messages: [self.note.as_deref(), status.as_deref(), stats_line.as_deref()].into_iter().flatten().collect(),
            face_guide,
            attract: idle.attract,
        };
        let (catalog, looks, panel_state) = (&self.catalog, &self.looks, &mut self.panel);
        let mut actions = Vec::new();
        let mut window_rect = Rect::NOTHING;
        let mut full = self.egui_ctx.run_ui(raw, |ui| {
            window_rect = ui.max_rect();
            actions = lay_out_window(ui, panel_state, catalog, looks, |ui, rect, state| {
                mirror_view::show(ui, rect, state, frame_size, &overlay);
            });
        });
        let egui_delay = full.viewport_output.get(&egui::ViewportId::ROOT).map(|v| v.repaint_delay);
        gfx.egui_state.handle_platform_output(&gfx.window, full.platform_output);
        let prims = self.egui_ctx.tessellate(full.shapes, full.pixels_per_point);
        for (id, deltas) in &full.textures_delta.set {
            for delta in deltas {
                gfx.egui_renderer.update_texture(&device, &queue, *id, delta);
            }
        }
        let screen = egui_wgpu::ScreenDescriptor {
            size_in_pixels: [gfx.config.width, gfx.config.height],
            pixels_per_point: full.pixels_per_point,
        };
        self.stats.ui_scale = full.pixels_per_point;
        let panel = panel_rect(window_rect);
        let textures_changed = !full.textures_delta.set.is_empty() || !full.textures_delta.free.is_empty();
        let window = WindowFrame {
            screen: &screen,
            panel,
            format: gfx.config.format,
            usage: gfx.config.usage,
            textures_changed,
        };
        let (extra, paint) =
            gfx.panel_cache.prepare(&device, &queue, &mut gfx.egui_renderer, &mut encoder, prims, window);
        tracing::trace!(panel = ?paint.how, "egui output prepared");
        let ui_built = Instant::now();
        let Some(surface_texture) = gfx.next_surface_texture(&device) else { return };
        let acquired = Instant::now();
        gfx.panel_cache.paint(&mut encoder, &surface_texture.texture, &gfx.egui_renderer, &paint, &screen);
        let ui_painted = Instant::now();
        for id in &full.textures_delta.free {
            gfx.egui_renderer.free_texture(id);
        }
        // Applied above; egui asserts (in debug builds) that no delta is dropped unhandled.
        full.textures_delta.clear();
        self.handle(actions);
        let last = self.is_last_frame(now);
        let shot = self.shot_path(last);
        let readback = shot.as_ref().map(|_| Readback::record(&device, &mut encoder, &surface_texture.texture));
        queue.submit(extra.into_iter().chain([encoder.finish()]));
        self.gfx.as_ref().expect("still there").window.pre_present_notify();
        queue.present(surface_texture);
        let presented = Instant::now();
        let first = *self.first_present.get_or_insert(presented);
        let times = FrameTimes { render_start, makeup_done, ui_built, acquired, ui_painted, presented };
        self.stats.record_presented(&times, fresh, first);
        self.stats.panel_painted += u64::from(paint.how != PanelPaint::Reused);
        self.presented += 1;
        if let (Some(path), Some(rb)) = (shot, readback) {
            self.finish_shot(&device, rb, &path);
        }
        self.log_stats(presented, last);
        if last {
            self.finish_run(event_loop);
        }
        self.redraw_at = self.next_redraw(Instant::now(), egui_delay);
        tracing::trace!(
            ?egui_delay,
            animating = self.fader.animating(Instant::now()),
            "next redraw in {:?}",
            self.redraw_at.map(|t| t.saturating_duration_since(Instant::now()))
        );
    }
}

/// Clears `view` and paints egui's output into it (the window, or an offscreen snapshot).
pub fn paint_egui(
    encoder: &mut wgpu::CommandEncoder,
    view: &wgpu::TextureView,
    egui_renderer: &egui_wgpu::Renderer,
    prims: &[egui::ClippedPrimitive],
    screen: &egui_wgpu::ScreenDescriptor,
) {
    let mut pass = encoder
        .begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("egui"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations { load: wgpu::LoadOp::Clear(wgpu::Color::BLACK), store: wgpu::StoreOp::Store },
            })],
            ..Default::default()
        })
        .forget_lifetime();
    egui_renderer.render(&mut pass, prims, screen);
}

/// The window: the mirror on the left (drawn by `mirror`), the style panel on the right, each
/// clipped to its own side. Returns what the user asked for in the panel. Public for the tests
/// that paint a window headless.
pub fn lay_out_window(
    ui: &mut egui::Ui,
    state: &mut PanelState,
    catalog: &Catalog,
    looks: &[Look],
    mirror: impl FnOnce(&mut egui::Ui, Rect, &mut PanelState),
) -> Vec<Action> {
    let all = ui.max_rect();
    let panel_rect = panel_rect(all);
    let mirror_rect = Rect::from_min_max(all.min, Pos2::new(panel_rect.left(), all.bottom()));
    let mut actions = Vec::new();
    ui.scope_builder(egui::UiBuilder::new().max_rect(panel_rect), |ui| {
        // Clipped to its own rectangle, the panel's pixels can be kept between frames
        // (`PanelCache`) while the mirror beside it changes.
        ui.set_clip_rect(panel_rect);
        let style = ui.style().clone();
        egui::Frame::side_top_panel(&style).show(ui, |ui| {
            ui.set_min_size(panel_rect.size() - Vec2::splat(16.0));
            egui::ScrollArea::vertical().show(ui, |ui| actions = panel::show(ui, state, catalog, looks));
        });
    });
    ui.scope_builder(egui::UiBuilder::new().max_rect(mirror_rect), |ui| {
        ui.set_clip_rect(mirror_rect);
        mirror(ui, mirror_rect, state);
    });
    actions
}

/// Where the style panel goes in a window whose whole area is `all` (points): its right edge.
pub fn panel_rect(all: Rect) -> Rect {
    Rect::from_min_max(Pos2::new(all.right() - panel::PANEL_WIDTH, all.top()), all.max)
}

/// The statistics line the overlay shows (toggle in the panel).
fn overlay_text(s: &FrameStats) -> String {
    let last = |v: &crate::app::stats::Recent| v.last().unwrap_or(0.0);
    format!(
        "camera {:.0} fps (shown {:.0}) · latency {:.0} ms · track {:.1} ms · render {:.1} ms",
        s.camera_fps(),
        s.fps(),
        last(&s.latency_ms),
        last(&s.track_ms),
        last(&s.render_ms)
    )
}

impl ApplicationHandler<NewFrame> for Mirror {
    fn user_event(&mut self, _event_loop: &ActiveEventLoop, _event: NewFrame) {
        if let Some(gfx) = &self.gfx {
            gfx.window.request_redraw();
        }
    }

    /// Between events: redraws what is due or changed, then sleeps until the next deadline (or
    /// a new frame wakes it). Nothing changed, nothing drawn.
    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        let now = Instant::now();
        self.offer_still_to_advisor(now);
        let changed = self.status_line() != self.shown_status || self.advisor.has_newer(self.advisor_version);
        if self.redraw_at.is_some_and(|t| t <= now) || changed {
            tracing::trace!(changed, due = ?self.redraw_at.map(|t| now.duration_since(t)), "redraw");
            self.redraw_at = None;
            if let Some(gfx) = &self.gfx {
                gfx.window.request_redraw();
            }
        }
        let wake = self.redraw_at.map_or(now + HEARTBEAT, |t| t.min(now + HEARTBEAT));
        event_loop.set_control_flow(ControlFlow::WaitUntil(wake));
    }

    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.gfx.is_some() {
            return;
        }
        match self.init_gfx(event_loop) {
            Ok(mut g) => {
                // Makeup is lit by the store's calibrated light too, when a grey card measured it.
                g.renderer.set_calibration(Settings::load().calibration);
                g.window.request_redraw();
                self.gfx = Some(g);
            }
            Err(e) => {
                self.result = Err(e);
                event_loop.exit();
            }
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        // Input egui wants to show redraws; the redraw itself is not input (egui-winit answers
        // "repaint" to it, which would redraw forever).
        if let Some(gfx) = self.gfx.as_mut()
            && !matches!(event, WindowEvent::RedrawRequested)
            && gfx.egui_state.on_window_event(&gfx.window, &event).repaint
        {
            tracing::trace!(?event, "input redraws");
            gfx.window.request_redraw();
        }
        match event {
            WindowEvent::CloseRequested if !self.opts.kiosk => event_loop.exit(),
            WindowEvent::Resized(size) => {
                if let Some(gfx) = self.gfx.as_mut() {
                    gfx.config.width = size.width.max(1);
                    gfx.config.height = size.height.max(1);
                    gfx.surface.configure(&gfx.renderer.context().device, &gfx.config);
                    gfx.window.request_redraw();
                }
            }
            WindowEvent::KeyboardInput { event, .. } if event.state == ElementState::Pressed => {
                let key = match &event.logical_key {
                    Key::Named(NamedKey::Enter) => Some(KioskKey::Enter),
                    Key::Character(c) => Some(KioskKey::Text(c.to_string())),
                    _ => None,
                };
                if let (Some(kiosk), Some(key)) = (self.kiosk.as_mut(), key)
                    && kiosk.key(key)
                {
                    event_loop.exit();
                }
            }
            WindowEvent::RedrawRequested => self.redraw(event_loop),
            _ => {}
        }
    }
}

/// Runs the mirror until the window closes (or `--exit-after` frames).
pub fn run(opts: AppOptions) -> Result<(), AppError> {
    let catalog = Catalog::load(&Catalog::bundled_path())?;
    let looks: Vec<Look> = crate::looks::look::bundled()?;
    let settings = if opts.kiosk { Settings::default() } else { Settings::load() };
    let look = match (&opts.look, opts.kiosk) {
        (Some(name), _) => Look::find(name)?.0,
        (None, true) => Look::find(KIOSK_LOOK)?.0,
        (None, false) => match settings.look.clone() {
            Some(l) => l,
            None => Look::find(KIOSK_LOOK)?.0,
        },
    };
    let home_look = look.clone();
    // A kiosk reads the stored grey-card calibration too (reading stores nothing).
    let calibration = Settings::load().calibration;
    let rules = crate::advisor::Rules::load(&crate::advisor::Rules::bundled_path())?;
    let advisor = AdvisorThread::spawn(catalog.clone(), rules.clone(), calibration);
    if opts.find_shades {
        advisor.start();
    }
    // The camera used last time, unless the command line names a source.
    let source = opts.source.clone().unwrap_or(SourceArg::Camera(settings.camera));
    // An explicit --model wins over the remembered one.
    let model = opts.model.unwrap_or(settings.model);
    let (capture, note, camera) = open_source(&opts, &source)?;
    let event_loop = EventLoop::<NewFrame>::with_user_event().build().map_err(AppError::window)?;
    // Wait for something to happen: a new frame (the tracking thread wakes the loop), input, or
    // a deadline set by the last redraw.
    event_loop.set_control_flow(ControlFlow::Wait);
    let proxy = event_loop.create_proxy();
    let waker: Waker = Arc::new(move || {
        let _ = proxy.send_event(NewFrame);
    });
    let tracking = tracking_models(&opts, model)?.spawn(capture.frames.clone(), waker.clone());
    let now = Instant::now();
    let stats_log = match (&opts.stats, opts.stats_every) {
        (Some(path), Some(every)) => {
            // Started empty now, so a folder that cannot be written to is said before the window opens.
            std::fs::write(path, b"").map_err(|e| AppError::Output { path: path.clone(), reason: e.to_string() })?;
            Some(StatsLog::new(path.clone(), every, now))
        }
        _ => None,
    };
    let demo = opts.cycle.as_ref().map(|c| DemoCycle::new(c.every, looks.len(), c.sources.clone(), now));
    let panel = PanelState {
        look,
        tab: if opts.find_shades { Tab::Advisor } else { Tab::Lips },
        split: None,
        flip: settings.flip,
        show_stats: settings.show_stats,
        model,
        camera,
        cameras: if matches!(source, SourceArg::Camera(_)) { camera::list() } else { Vec::new() },
        kiosk: opts.kiosk,
        advisor: Default::default(),
        preferences: Default::default(),
    };
    let kiosk =
        opts.kiosk.then(|| Kiosk::new(&opts.kiosk_pin, std::time::Duration::from_secs_f32(opts.kiosk_reset_secs)));
    let mut app = Mirror {
        opts,
        catalog,
        looks,
        panel,
        uploaded_look: None,
        capture,
        tracking,
        note,
        fader: FaceFader::new(),
        current: None,
        frames_taken: 0,
        last_face: now,
        start: now,
        gfx: None,
        egui_ctx: egui::Context::default(),
        stats: FrameStats::default(),
        first_present: None,
        presented: 0,
        demo,
        stats_log,
        waker,
        source: Some(source.clone()),
        still_offered_at: None,
        redraw_at: None,
        shown_status: None,
        makeup_frame: None,
        snapshot: None,
        kiosk,
        advisor,
        advisor_version: 0,
        rules,
        outliner: crate::advisor::sampling::Sampler::new(),
        calibrate_at: None,
        home_look,
        result: Ok(()),
    };
    event_loop.run_app(&mut app).map_err(AppError::window)?;
    if !app.opts.kiosk {
        Settings {
            look: Some(app.panel.look.clone()),
            flip: app.panel.flip,
            show_stats: app.panel.show_stats,
            model: app.panel.model,
            camera: app.panel.camera.unwrap_or(settings.camera),
            calibration: settings.calibration,
        }
        .save();
    }
    app.result
}
