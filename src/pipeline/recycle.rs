//! Frame buffers handed to the mirror come back for later frames once it lets go of them.

use std::sync::Arc;

/// Buffers shared out as `Arc<T>` and kept, so that each can be written again once every other
/// holder has dropped it: a live stream of same-sized frames then allocates no frame buffers
/// (a 720p frame is 2.7 MB as RGB and 3.7 MB as RGBA, every frame).
#[derive(Debug)]
pub struct Recycler<T> {
    /// Buffers lent out, oldest first.
    lent: Vec<Arc<T>>,
    /// How many are kept: enough for the frame in the hand-off slot, the one shown and the one
    /// being made.
    keep: usize,
}

impl<T: Default> Recycler<T> {
    /// A recycler keeping up to `keep` buffers.
    pub fn new(keep: usize) -> Self {
        Self { lent: Vec::with_capacity(keep + 1), keep }
    }

    /// A buffer to fill, held by nobody else: one lent earlier and since let go of (its old
    /// contents, to be overwritten), or a new empty one.
    pub fn fill(&mut self) -> Arc<T> {
        match self.lent.iter().position(|b| Arc::strong_count(b) == 1 && Arc::weak_count(b) == 0) {
            Some(i) => self.lent.remove(i),
            None => Arc::new(T::default()),
        }
    }

    /// Lends `buffer` out, keeping a handle to reuse it once the others drop theirs; the oldest
    /// handle is let go of beyond [`Self::new`]'s `keep`.
    pub fn lend(&mut self, buffer: &Arc<T>) {
        self.lent.push(buffer.clone());
        if self.lent.len() > self.keep {
            self.lent.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_comes_back_only_once_nobody_else_holds_it() {
        let mut r: Recycler<Vec<u8>> = Recycler::new(2);
        let mut first = r.fill();
        Arc::get_mut(&mut first).unwrap().extend_from_slice(&[1, 2, 3]);
        r.lend(&first);
        // Still held by a reader: the next fill is a new buffer.
        let second = r.fill();
        assert!(second.is_empty() && !Arc::ptr_eq(&first, &second));
        r.lend(&second);
        let first_ptr = Arc::as_ptr(&first);
        drop(first);
        // Let go of: it comes back with its old contents (and its allocation).
        let mut again = r.fill();
        assert_eq!(Arc::as_ptr(&again), first_ptr);
        assert_eq!(*again, [1, 2, 3]);
        assert!(Arc::get_mut(&mut again).is_some(), "nobody else holds it");
        // Beyond `keep`, the oldest handle is let go of: never more than two kept.
        r.lend(&again);
        r.lend(&Arc::new(vec![9]));
        assert_eq!(r.lent.len(), 2);
        assert!(r.lent.iter().all(|b| !Arc::ptr_eq(b, &second)));
    }
}
