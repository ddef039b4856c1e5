//! Kiosk policy: how an unattended store mirror is left (a PIN, then Enter), when it shows its
//! attract screen and when it puts its own look back. Kept apart from the window code so each
//! rule is tested on its own.

use std::time::Duration;

/// Seconds without a face before the kiosk shows its attract screen.
pub const ATTRACT_AFTER: Duration = Duration::from_secs(3);

/// Longest PIN a kiosk takes (longer typing starts over).
pub const MAX_PIN: usize = 16;

/// A key the kiosk listens to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KioskKey {
    /// Characters typed (one key press may give more than one).
    Text(String),
    /// Enter: check what was typed.
    Enter,
}

/// What the kiosk wants done while nobody is in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdleState {
    /// Show the "step up to the mirror" screen.
    pub attract: bool,
    /// Put the kiosk's own look back.
    pub reset_look: bool,
}

/// The PIN being typed and the idle rules of one kiosk.
#[derive(Debug, Clone)]
pub struct Kiosk {
    pin: String,
    typed: String,
    reset_after: Duration,
}

impl Kiosk {
    /// A kiosk left with `pin` (1 to [`MAX_PIN`] letters or digits, checked on the command line)
    /// that puts its look back after `reset_after` with no face.
    pub fn new(pin: &str, reset_after: Duration) -> Self {
        Self { pin: pin.to_string(), typed: String::new(), reset_after }
    }

    /// Takes a key; true when it was Enter after the PIN (the kiosk may close). Anything else
    /// typed before Enter, an empty entry or more than [`MAX_PIN`] characters starts over.
    pub fn key(&mut self, key: KioskKey) -> bool {
        match key {
            KioskKey::Enter => {
                let unlocked = !self.typed.is_empty() && self.typed == self.pin;
                self.typed.clear();
                unlocked
            }
            KioskKey::Text(text) => {
                self.typed.push_str(&text);
                if self.typed.chars().count() > MAX_PIN {
                    self.typed.clear();
                }
                false
            }
        }
    }

    /// When the idle steps happen for a face last seen at `last_face` (the attract screen, the
    /// look put back): the window must redraw then even with nothing new to show.
    pub fn idle_steps(&self, last_face: std::time::Instant) -> [std::time::Instant; 2] {
        // Just past each threshold, as `idle` compares strictly.
        let past = Duration::from_millis(1);
        [last_face + ATTRACT_AFTER + past, last_face + self.reset_after + past]
    }

    /// What to show after `idle` with no face in front of the mirror.
    pub fn idle(&self, idle: Duration) -> IdleState {
        IdleState { attract: idle > ATTRACT_AFTER, reset_look: idle > self.reset_after }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(kiosk: &mut Kiosk, text: &str) -> bool {
        text.chars().for_each(|c| {
            kiosk.key(KioskKey::Text(c.to_string()));
        });
        kiosk.key(KioskKey::Enter)
    }

    #[test]
    fn only_the_pin_then_enter_leaves() {
        let mut k = Kiosk::new("2468", Duration::from_secs(30));
        assert!(!k.key(KioskKey::Enter), "Enter alone never leaves");
        assert!(!typed(&mut k, "1234"));
        assert!(!typed(&mut k, "24689"), "more than the PIN");
        assert!(!typed(&mut k, "246"), "less than the PIN");
        assert!(typed(&mut k, "2468"));
        // A wrong try before does not spoil the next: each Enter starts over.
        assert!(!typed(&mut k, "0000"));
        assert!(typed(&mut k, "2468"));
    }

    #[test]
    fn the_longest_pin_can_be_typed_and_longer_typing_starts_over() {
        let pin = "a".repeat(MAX_PIN);
        let mut k = Kiosk::new(&pin, Duration::from_secs(30));
        assert!(typed(&mut k, &pin));
        // 17 characters: the entry starts over at the 17th, which is then all that was typed.
        assert!(!typed(&mut k, &format!("{pin}a")));
        let mut k = Kiosk::new("12", Duration::from_secs(30));
        for _ in 0..=MAX_PIN {
            k.key(KioskKey::Text("9".into()));
        }
        assert!(typed(&mut k, "12"), "after starting over, the PIN works");
    }

    #[test]
    fn attract_after_three_seconds_and_the_look_back_after_the_reset_time() {
        let k = Kiosk::new("1", Duration::from_secs(10));
        assert_eq!(k.idle(Duration::from_secs(1)), IdleState { attract: false, reset_look: false });
        assert_eq!(k.idle(Duration::from_secs(4)), IdleState { attract: true, reset_look: false });
        assert_eq!(k.idle(Duration::from_secs(11)), IdleState { attract: true, reset_look: true });
    }
}
