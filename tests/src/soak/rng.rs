//! A seeded random number generator (SplitMix64): a few lines, so a soak run is
//! reproducible from its seed without a dependency.

/// SplitMix64 (Steele, Lea and Flood); statistically fine for drawing faults.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` must not be 0).
    pub fn below(&mut self, bound: u32) -> u32 {
        // Multiply-shift: no modulo bias worth speaking of for bounds this small.
        (((self.next_u64() >> 32) * u64::from(bound)) >> 32) as u32
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u32, high: u32) -> u32 {
        low + self.below(high - low + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_draws_and_every_value_reached() {
        let draws = |seed| {
            let mut rng = Rng::new(seed);
            (0..1000).map(|_| rng.between(3, 9)).collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
        let seen = draws(7);
        assert!((3..=9).all(|value| seen.contains(&value)));
        assert!(seen.iter().all(|value| (3..=9).contains(value)));
    }
}
