//! What the app remembers between runs (the platform's config folder; never in kiosk mode).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::looks::Look;
use crate::tracking::ModelKind;

/// Remembered state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The look on screen when the app closed.
    pub look: Option<Look>,
    /// Mirror the image like a real mirror.
    pub flip: bool,
    /// Show the fps/latency overlay.
    pub show_stats: bool,
    /// Landmark model.
    pub model: ModelKind,
    /// Camera index last used.
    pub camera: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { look: None, flip: true, show_stats: false, model: ModelKind::V2, camera: 0 }
    }
}

/// `settings.toml` in `VANITY_CONFIG_DIR` or the platform config folder (e.g. ~/.config/vanity).
pub fn path() -> Option<PathBuf> {
    crate::data::user_dir().map(|d| d.join("settings.toml"))
}

impl Settings {
    /// The saved settings, or defaults when there are none or they cannot be read (logged).
    pub fn load() -> Settings {
        let Some(p) = path() else { return Settings::default() };
        match std::fs::read_to_string(&p) {
            Ok(text) => toml::from_str(&text).unwrap_or_else(|e| {
                tracing::warn!("{}: ignoring unreadable settings: {e}", p.display());
                Settings::default()
            }),
            Err(_) => Settings::default(),
        }
    }

    /// Saves the settings; failures are logged, never fatal (the mirror keeps working).
    pub fn save(&self) {
        let Some(p) = path() else { return };
        let result = p
            .parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| std::fs::write(&p, toml::to_string_pretty(self).expect("settings serialise")));
        if let Err(e) = result {
            tracing::warn!("{}: cannot save settings: {e}", p.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_toml() {
        let s = Settings {
            look: Some(Look { name: "x".into(), ..Look::default() }),
            flip: false,
            show_stats: true,
            model: ModelKind::V1,
            camera: 2,
        };
        let back: Settings = toml::from_str(&toml::to_string_pretty(&s).unwrap()).unwrap();
        assert_eq!(s, back);
    }
}
