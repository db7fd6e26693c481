//! Work spread over every core: reading and parsing files, resolving services, running rules.
//! Results keep the order of the inputs, so reports are the same whatever the thread count
//! (`RAYON_NUM_THREADS=1` included).

use rayon::prelude::*;

/// Below this many services (or files), threads cost more than they save: a small workspace
/// must not wait for a thread pool to start.
const PARALLEL_FROM: usize = 4;

/// Whether this many services or files are worth sharing between threads.
pub fn worth_sharing(count: usize) -> bool {
    count >= PARALLEL_FROM
}

pub trait ParallelMap<T> {
    /// `self.iter().map(job).collect()`, on every core when there are enough items to share.
    fn par_map<R: Send>(&self, job: impl Fn(&T) -> R + Sync + Send) -> Vec<R>;

    /// The same, on every core only when `share` (the items are few, but each is big).
    fn par_map_if<R: Send>(&self, share: bool, job: impl Fn(&T) -> R + Sync + Send) -> Vec<R>;
}

impl<T: Sync> ParallelMap<T> for [T] {
    fn par_map<R: Send>(&self, job: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
        self.par_map_if(worth_sharing(self.len()), job)
    }

    fn par_map_if<R: Send>(&self, share: bool, job: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
        if share {
            self.par_iter().map(job).collect()
        } else {
            self.iter().map(job).collect()
        }
    }
}

/// Frees what a large workspace leaves behind (thousands of parsed files) on a thread of its
/// own: nothing waits for it, and when the process ends first the system takes the memory
/// back at once. `count` (services, files) says whether it is large enough for a thread.
pub fn drop_in_background<T: Send + 'static>(value: T, count: usize) {
    if worth_sharing(count) {
        std::thread::spawn(move || drop(value));
    }
}
