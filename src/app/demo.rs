//! Unattended runs: a demo that steps through the bundled looks (and sources), statistics
//! written every so often, and a run that ends after a time.
//!
//! A store's demo screen and the one-hour soak test (`scripts/soak`) both need the mirror to
//! change what it shows by itself and to report how it is doing while it runs.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::SourceArg;

/// What the demo shows next.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoStep {
    /// Index of the bundled look to show.
    pub look: usize,
    /// The source to switch to, when several are cycled and it is the turn of another.
    pub source: Option<SourceArg>,
}

/// Steps through looks (and sources) every `every`.
#[derive(Debug, Clone)]
pub struct DemoCycle {
    every: Duration,
    next_at: Instant,
    looks: usize,
    sources: Vec<SourceArg>,
    step: usize,
}

impl DemoCycle {
    /// A cycle over `looks` bundled looks and `sources` (none or one: the source never changes),
    /// starting at `now`.
    pub fn new(every: Duration, looks: usize, sources: Vec<SourceArg>, now: Instant) -> Self {
        Self { every, next_at: now + every, looks: looks.max(1), sources, step: 0 }
    }

    /// The step due at `now`, if one is. Looks change every step; the source changes each time
    /// all looks have been shown once.
    pub fn due(&mut self, now: Instant) -> Option<DemoStep> {
        if now < self.next_at {
            return None;
        }
        self.next_at = now + self.every;
        self.step += 1;
        let look = self.step % self.looks;
        let source = (self.sources.len() > 1 && look == 0)
            .then(|| self.sources[(self.step / self.looks) % self.sources.len()].clone());
        Some(DemoStep { look, source })
    }

    /// When the next step is due.
    pub fn next_at(&self) -> Instant {
        self.next_at
    }
}

/// Frame statistics written as one JSON line every `every` (`--stats-every`), to `path`.
#[derive(Debug, Clone)]
pub struct StatsLog {
    /// The JSON-lines file.
    pub path: PathBuf,
    /// Interval between lines.
    pub every: Duration,
    /// When the next line is due.
    pub next_at: Instant,
}

impl StatsLog {
    /// A log whose first line is due `every` after `now`.
    pub fn new(path: PathBuf, every: Duration, now: Instant) -> Self {
        Self { path, every, next_at: now + every }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_change_every_step_and_sources_after_all_looks() {
        let t0 = Instant::now();
        let s = |n: &str| SourceArg::Path(PathBuf::from(n));
        let mut cycle = DemoCycle::new(Duration::from_secs(10), 3, vec![s("a.mp4"), s("b.png")], t0);
        assert_eq!(cycle.due(t0 + Duration::from_secs(5)), None);
        let steps: Vec<DemoStep> =
            (1..=6).filter_map(|k| cycle.due(t0 + Duration::from_secs(10 * k) + Duration::from_millis(1))).collect();
        let looks: Vec<usize> = steps.iter().map(|s| s.look).collect();
        assert_eq!(looks, [1, 2, 0, 1, 2, 0]);
        let sources: Vec<Option<SourceArg>> = steps.iter().map(|s| s.source.clone()).collect();
        assert_eq!(sources, [None, None, Some(s("b.png")), None, None, Some(s("a.mp4"))]);
    }

    #[test]
    fn one_source_never_switches() {
        let t0 = Instant::now();
        let mut cycle = DemoCycle::new(Duration::from_secs(1), 2, vec![SourceArg::Camera(0)], t0);
        for k in 1..10 {
            let step = cycle.due(t0 + Duration::from_secs(k) + Duration::from_millis(1)).unwrap();
            assert_eq!(step.source, None);
        }
    }
}
