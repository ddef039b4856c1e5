//! Frame buffers handed to the mirror come back for later frames once it lets go of them.

use std::sync::Arc;

/// Buffers shared out as `Arc<T>` and kept, so that each can be written again once every other
/// holder has dropped it: a live stream of same-sized frames then allocates no frame buffers
/// (a 720p frame is 2.7 MB as RGB and 3.7 MB as RGBA, every frame).
#[derive(Debug)]
pub struct Recycler<T> {
    /// Buffers lent out, oldest first.
    lent: Vec<Arc<T>>,
    /// How many are kept: as many as can be held elsewhere at once (hand-off slots, the frame
    /// shown, the one being tracked, the shade advisor's), each owner saying which.
    keep: usize,
}

impl<T: Default> Recycler<T> {
    /// A recycler keeping up to `keep` buffers.
    pub fn new(keep: usize) -> Self {
        Self { lent: Vec::with_capacity(keep + 1), keep }
    }

    /// A buffer to fill: one shared earlier and since let go of by everyone else (its old
    /// contents and allocation, to be overwritten), or a new empty one.
    pub fn spare(&mut self) -> T {
        let free = self.lent.iter().position(|b| Arc::strong_count(b) == 1 && Arc::weak_count(b) == 0);
        free.and_then(|i| Arc::try_unwrap(self.lent.remove(i)).ok()).unwrap_or_default()
    }

    /// Shares `value` out, keeping a handle to take it back as a spare once the others drop
    /// theirs; the oldest handle is let go of beyond [`Self::new`]'s `keep`.
    pub fn share(&mut self, value: T) -> Arc<T> {
        let shared = Arc::new(value);
        self.lent.push(shared.clone());
        if self.lent.len() > self.keep {
            self.lent.remove(0);
        }
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_comes_back_only_once_nobody_else_holds_it() {
        let mut r: Recycler<Vec<u8>> = Recycler::new(2);
        let mut first = r.spare();
        first.extend_from_slice(&[1, 2, 3]);
        let first = r.share(first);
        // Still held by a reader: the next spare is a new buffer.
        let second = r.spare();
        assert!(second.is_empty() && second.as_ptr() != first.as_ptr());
        let second = r.share(second);
        let first_ptr = first.as_ptr();
        drop(first);
        // Let go of: it comes back with its old contents (and its allocation).
        let again = r.spare();
        assert_eq!(again.as_ptr(), first_ptr);
        assert_eq!(again, [1, 2, 3]);
        // Beyond `keep`, the oldest handle is let go of: never more than two kept.
        r.share(again);
        r.share(vec![9]);
        assert_eq!(r.lent.len(), 2);
        assert!(r.lent.iter().all(|b| !Arc::ptr_eq(b, &second)));
    }
}
