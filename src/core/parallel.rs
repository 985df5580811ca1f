//! Bulk work spread over every core: signing a large commit's ops, checking an import's
//! signatures. Small batches stay on the calling thread.

/// Fewer items than this are not worth starting threads for.
const PARALLEL_FROM: usize = 64;

/// `f` applied to every item, results in the items' order; on every core when there are many.
pub(crate) fn map_on_all_cores<T: Send, U: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> U + Sync,
) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if items.len() < PARALLEL_FROM || threads < 2 {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    let mut rest = items;
    while rest.len() > chunk {
        let tail = rest.split_off(chunk);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| scope.spawn(move || c.into_iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items_in_any_batch_size() {
        for n in [0, 1, 63, 64, 65, 1001] {
            let items: Vec<u64> = (0..n).collect();
            let doubled = map_on_all_cores(items, |x| 2 * x);
            assert_eq!(
                doubled,
                (0..n).map(|x| 2 * x).collect::<Vec<_>>(),
                "{n} items"
            );
        }
    }
}
