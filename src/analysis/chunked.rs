//! A growable list stored in fixed-size chunks. A `Vec` doubles its buffer as it grows and
//! copies everything over, so for a moment it holds the old and the new buffer (and the new
//! one has up to twice the room needed): on a capture of 91,000 TCP conversations that
//! moment was the run's peak memory. Chunks never move and grow by one chunk at a time.

/// Items per chunk: 4096 × a TCP conversation's ~510 bytes ≈ 2 MB.
const CHUNK: usize = 4096;

#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => last.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub(crate) fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.chunks.get_mut(index / CHUNK)?.get_mut(index % CHUNK)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_across_chunks_in_push_order() {
        let mut list = Chunked::default();
        for i in 0..(CHUNK * 2 + 5) {
            list.push(i);
        }
        assert_eq!(list.len(), CHUNK * 2 + 5);
        assert_eq!(list.get(CHUNK + 1), Some(&(CHUNK + 1)));
        assert_eq!(list.get(CHUNK * 2 + 5), None);
        if let Some(x) = list.get_mut(CHUNK * 2) {
            *x = 7;
        }
        assert_eq!(list.get(CHUNK * 2), Some(&7));
        assert!(list
            .iter()
            .enumerate()
            .all(|(i, x)| *x == i || i == CHUNK * 2));
    }
}
