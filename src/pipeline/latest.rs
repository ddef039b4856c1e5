//! A one-item hand-off between threads that keeps only the newest value.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

struct State<T> {
    value: Option<T>,
    /// Values replaced before anyone took them.
    dropped: u64,
    closed: bool,
}

/// The newest value from a producer thread, for a consumer thread. Cloning shares the slot.
pub struct Latest<T> {
    inner: Arc<(Mutex<State<T>>, Condvar)>,
}

impl<T> Clone for Latest<T> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone() }
    }
}

impl<T> Default for Latest<T> {
    fn default() -> Self {
        Self { inner: Arc::new((Mutex::new(State { value: None, dropped: 0, closed: false }), Condvar::new())) }
    }
}

impl<T> Latest<T> {
    /// An empty slot.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        // A panic on another thread never leaves the state half-written: keep going.
        self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts a value, replacing (dropping) one not yet taken.
    pub fn put(&self, value: T) {
        let mut s = self.lock();
        if s.value.replace(value).is_some() {
            s.dropped += 1;
        }
        self.inner.1.notify_all();
    }

    /// Takes the newest value if there is one.
    pub fn try_take(&self) -> Option<T> {
        self.lock().value.take()
    }

    /// Waits up to `timeout` for a value. None on timeout or when the slot is closed and empty.
    pub fn take_timeout(&self, timeout: Duration) -> Option<T> {
        let guard = self.lock();
        let (mut s, _) = self
            .inner
            .1
            .wait_timeout_while(guard, timeout, |s| s.value.is_none() && !s.closed)
            .unwrap_or_else(|e| e.into_inner());
        s.value.take()
    }

    /// Whether a value waits to be taken: lets a producer (or a test) pace itself to the
    /// consumer instead of replacing values.
    pub fn is_waiting(&self) -> bool {
        self.lock().value.is_some()
    }

    /// Values that were replaced before being taken.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// Wakes waiting consumers for good: the producer is gone.
    pub fn close(&self) {
        self.lock().closed = true;
        self.inner.1.notify_all();
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_newest_value() {
        let slot = Latest::new();
        for i in 0..5 {
            slot.put(i);
        }
        assert_eq!(slot.try_take(), Some(4));
        assert_eq!(slot.try_take(), None);
        assert_eq!(slot.dropped(), 4);
    }

    #[test]
    fn consumer_wakes_for_a_value_or_close() {
        let slot = Latest::new();
        let producer = slot.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            producer.put(7);
        });
        assert_eq!(slot.take_timeout(Duration::from_secs(5)), Some(7));
        t.join().unwrap();
        assert_eq!(slot.take_timeout(Duration::from_millis(10)), None);
        slot.close();
        assert_eq!(slot.take_timeout(Duration::from_secs(5)), None);
        assert!(slot.is_closed());
    }
}
