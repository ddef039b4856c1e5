//! The live mirror: camera (or file) → tracking → makeup → window, with the egui style panel.
//!
//! Threads: `capture` (nokhwa or a file, paced) hands the newest frame to `tracking`, which hands
//! the newest tracked frame to the UI thread; the UI thread renders makeup with wgpu and draws the
//! panel with egui. Hand-offs keep only the newest item (see `pipeline::Latest`).

pub mod demo;
pub mod kiosk;
pub mod mirror;
pub mod mirror_picture;
pub mod mirror_view;
pub mod panel;
pub mod panel_cache;
pub mod settings;
pub mod snapshot;
pub mod stats;

use std::path::PathBuf;
use std::str::FromStr;

use crate::tracking::{ModelKind, ModelPaths};

/// Where frames come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceArg {
    /// Camera by index.
    Camera(u32),
    /// An image, a folder of frames or an .mp4 file, looped.
    Path(PathBuf),
}

impl FromStr for SourceArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        // Only `camera` and `camera:N` name cameras; `camera.mp4` or `cameras/` are files.
        match s.strip_prefix("camera") {
            Some("") => Ok(SourceArg::Camera(0)),
            Some(rest) if rest.starts_with(':') => match rest[1..].parse() {
                Ok(n) => Ok(SourceArg::Camera(n)),
                Err(_) => Err(format!("`{s}`: expected camera, camera:N (N a number) or a path")),
            },
            _ => Ok(SourceArg::Path(PathBuf::from(s))),
        }
    }
}

impl AppError {
    /// A window error; "no display?" is suggested only when neither X11 nor Wayland is set.
    pub fn window(reason: impl std::fmt::Display) -> Self {
        let has_display =
            ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
        let hint = if has_display { "" } else { " (no display: run under a desktop session or xvfb-run)" };
        AppError::Window(format!("{reason}{hint}"))
    }
}

/// A demo that changes the look every `every`, and the source after all looks when several
/// are given.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleOptions {
    /// Time each look is shown.
    pub every: std::time::Duration,
    /// Sources to alternate between (the first is the one the app opens).
    pub sources: Vec<SourceArg>,
}

/// Everything the app is started with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Frame source; `None`: the camera used last time (camera 0 the first time).
    pub source: Option<SourceArg>,
    /// Demo: step through the bundled looks (and sources) by itself.
    pub cycle: Option<CycleOptions>,
    /// Look to start with (file or bundled name); otherwise the last one used.
    pub look: Option<String>,
    /// Unattended store mode.
    pub kiosk: bool,
    /// PIN (typed, then Enter) that leaves kiosk mode.
    pub kiosk_pin: String,
    /// Seconds with no face before a kiosk puts its default look back.
    pub kiosk_reset_secs: f32,
    /// Exit after this many presented frames (automation).
    pub exit_after: Option<u64>,
    /// Exit after this long (automation).
    pub exit_after_time: Option<std::time::Duration>,
    /// Write a line of statistics to `stats` this often instead of one report at exit.
    pub stats_every: Option<std::time::Duration>,
    /// Open the Advisor tab and start "Find my shades" at launch (demos, automation).
    pub find_shades: bool,
    /// Save the window as shown when exiting.
    pub screenshot: Option<PathBuf>,
    /// Write frame statistics when exiting.
    pub stats: Option<PathBuf>,
    /// Landmark model.
    pub model: Option<ModelKind>,
    /// Model folder.
    pub models: ModelPaths,
    /// Requested camera resolution.
    pub width: u32,
    /// Requested camera resolution.
    pub height: u32,
    /// Most faces made up at once.
    pub max_faces: usize,
    /// Look for hands, so that makeup leaves what they cover bare.
    pub hands: bool,
    /// Place the body under each face, so that makeup leaves a shoulder in front of it bare.
    pub bodies: bool,
}

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Source(#[from] crate::capture::SourceError),
    #[error(transparent)]
    Tracking(#[from] crate::tracking::TrackingError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Look(#[from] crate::looks::LookError),
    /// No window could be opened; the text says why (and hints at a display only when none is set).
    #[error("cannot open a window: {0}")]
    Window(String),
    /// Writing the screenshot or statistics failed.
    #[error("{path}: {reason}")]
    Output { path: PathBuf, reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse() {
        assert_eq!("camera".parse::<SourceArg>().unwrap(), SourceArg::Camera(0));
        assert_eq!("camera:2".parse::<SourceArg>().unwrap(), SourceArg::Camera(2));
        assert!("camera:x".parse::<SourceArg>().is_err());
        assert_eq!("a.mp4".parse::<SourceArg>().unwrap(), SourceArg::Path("a.mp4".into()));
    }
}
