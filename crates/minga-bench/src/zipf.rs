//! Popularity as on a real forum: a few pages are read far more than the
//! rest. Items are ranked by a seeded shuffle and the item of rank r is
//! read in proportion to 1/r (Zipf, s = 1).

use crate::rng::Rng;

/// Items in rank order with the share of reads each stands for.
#[derive(Clone, Debug)]
pub struct Ranked<T> {
    pub items: Vec<T>,
    pub weights: Vec<f64>,
    /// How many items were ranked (more than `items.len()` when capped).
    pub ranked: usize,
}

/// Ranks `items` by a shuffle seeded with `seed`. Beyond `cap` items, keeps
/// `cap` of them evenly spaced through the ranking, each carrying the
/// summed weight of the ranks from it to the next one kept, so the share
/// of reads that go to the long tail stays what it would be.
pub fn rank<T>(mut items: Vec<T>, seed: u64, cap: usize) -> Ranked<T> {
    let n = items.len();
    let mut rng = Rng::derive(seed, &[0x7a69_7066]);
    for i in (1..n).rev() {
        items.swap(i, rng.below(i as u64 + 1) as usize);
    }
    if n <= cap {
        let weights = (1..=n).map(|r| 1.0 / r as f64).collect();
        return Ranked { items, weights, ranked: n };
    }
    let starts: Vec<usize> = (0..cap).map(|k| k * n / cap).collect();
    let weights = (0..cap)
        .map(|k| {
            let end = starts.get(k + 1).copied().unwrap_or(n);
            (starts[k]..end).map(|r| 1.0 / (r + 1) as f64).sum()
        })
        .collect();
    let mut kept = Vec::with_capacity(cap);
    let mut next = starts.iter().peekable();
    for (i, item) in items.into_iter().enumerate() {
        if next.peek().is_some_and(|&&s| s == i) {
            kept.push(item);
            next.next();
        }
    }
    Ranked { items: kept, weights, ranked: n }
}

/// Index of the item a uniform draw `u` in [0, 1) lands on, given the
/// running sums of the weights (as the generated Lua does it).
pub fn pick(cumulative: &[f64], u: f64) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    cumulative.partition_point(|&c| c < u * total).min(cumulative.len().saturating_sub(1))
}

pub fn cumulative(weights: &[f64]) -> Vec<f64> {
    weights
        .iter()
        .scan(0.0, |sum, w| {
            *sum += w;
            Some(*sum)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sets_are_ranked_whole() {
        let r = rank((0..10).collect(), 1, 100);
        assert_eq!(r.ranked, 10);
        let mut items = r.items.clone();
        items.sort_unstable();
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        assert_eq!(r.weights[0], 1.0);
        assert_eq!(r.weights[3], 0.25);
        // The same seed ranks alike; another seed differently.
        assert_eq!(rank((0..10).collect::<Vec<i32>>(), 1, 100).items, r.items);
        assert_ne!(rank((0..10).collect::<Vec<i32>>(), 2, 100).items, r.items);
    }

    #[test]
    fn capped_sets_keep_the_tails_share() {
        let n = 10_000;
        let r = rank((0..n).collect(), 1, 100);
        assert_eq!((r.items.len(), r.weights.len(), r.ranked), (100, 100, n));
        let whole: f64 = (1..=n).map(|r| 1.0 / r as f64).sum();
        let kept: f64 = r.weights.iter().sum();
        assert!((whole - kept).abs() < 1e-9);
        // The first kept item stands for ranks 1 to 100.
        let first: f64 = (1..=100).map(|r| 1.0 / r as f64).sum();
        assert!((r.weights[0] - first).abs() < 1e-12);
        assert!(r.weights.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn draws_follow_the_weights() {
        let c = cumulative(&[1.0, 0.5, 0.5]);
        assert_eq!(pick(&c, 0.0), 0);
        assert_eq!(pick(&c, 0.49), 0);
        assert_eq!(pick(&c, 0.51), 1);
        assert_eq!(pick(&c, 0.99), 2);
        let mut rng = Rng::new(5);
        let mut counts = [0u32; 3];
        for _ in 0..100_000 {
            counts[pick(&c, rng.unit())] += 1;
        }
        assert!((counts[0] as f64 / 100_000.0 - 0.5).abs() < 0.01, "{counts:?}");
    }
}
