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
    /// The store light's correction from a grey card (`vanity calibrate`), used by the advisor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<crate::advisor::Correction>,
}

impl Default for Settings {
    fn default() -> Self {
        Self { look: None, flip: true, show_stats: false, model: ModelKind::V2, camera: 0, calibration: None }
    }
}

/// `settings.toml` in `VANITY_CONFIG_DIR` or the platform config folder (e.g. ~/.config/vanity).
pub fn path() -> Option<PathBuf> {
    crate::data::user_dir().map(|d| d.join("settings.toml"))
}

impl Settings {
    /// The saved settings, or defaults when there are none or they cannot be read (logged).
    pub fn load() -> Settings {
        match path() {
            Some(p) => Self::load_from(&p),
            None => Settings::default(),
        }
    }

    /// The settings in `p` (see [`Settings::load`]).
    fn load_from(p: &std::path::Path) -> Settings {
        let text = match std::fs::read(p) {
            Ok(bytes) => bytes,
            Err(_) => return Settings::default(),
        };
        let parsed = String::from_utf8(text)
            .map_err(|_| "not a text file".to_string())
            .and_then(|t| toml::from_str::<Settings>(&t).map_err(|e| e.message().to_string()));
        let mut settings = match parsed {
            Ok(s) => s,
            Err(why) => {
                // Kept aside, not overwritten by the next save: the user may want it back.
                let aside = p.with_extension("toml.bad");
                let kept = std::fs::rename(p, &aside).is_ok();
                tracing::warn!(
                    "{}: unreadable settings ({why}); using defaults{}",
                    p.display(),
                    if kept { format!(", the file is kept as {}", aside.display()) } else { String::new() }
                );
                return Settings::default();
            }
        };
        // A remembered look gets the same checks as a look file (opacity, thickness, shades).
        if let Some(look) = &settings.look
            && let Err(e) = Look::parse(&look.to_toml(), p)
        {
            tracing::warn!("{}: remembered look ignored: {e}", p.display());
            settings.look = None;
        }
        settings
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
            calibration: None,
        };
        let back: Settings = toml::from_str(&toml::to_string_pretty(&s).unwrap()).unwrap();
        assert_eq!(s, back);
    }

    #[test]
    fn a_remembered_look_gets_the_look_file_checks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.toml");
        let bad = "flip = false\ncamera = 1\n[look]\nname = \"x\"\n[look.eyeliner]\ncolor = \"#111111\"\nthickness = 40.0\nwing = 0.3\n";
        std::fs::write(&p, bad).unwrap();
        let s = Settings::load_from(&p);
        assert_eq!(s.look, None, "an out-of-range look is dropped");
        assert!(!s.flip && s.camera == 1, "the rest is kept");
        let inf = "[look]\nname = \"x\"\n[look.lipstick]\ncolor = \"#B0153A\"\nopacity = inf\n";
        std::fs::write(&p, inf).unwrap();
        assert_eq!(Settings::load_from(&p).look, None);
        let empty = "[look]\nname = \"x\"\n[look.eyeshadow]\ncolors = []\n";
        std::fs::write(&p, empty).unwrap();
        assert_eq!(Settings::load_from(&p).look, None);
    }

    #[test]
    fn an_unreadable_settings_file_is_kept_aside_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.toml");
        std::fs::write(&p, [0u8, 159, 146, 150, 255]).unwrap();
        assert_eq!(Settings::load_from(&p), Settings::default());
        assert_eq!(std::fs::read(dir.path().join("settings.toml.bad")).unwrap(), [0u8, 159, 146, 150, 255]);
    }
}
