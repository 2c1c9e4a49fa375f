//! Which pairs of single faults a sweep runs: every pair at two different sites, less the
//! pairs whose run is already one of the singles' runs (pruned), then a seeded sample of
//! the rest when they are more than the sweep's budget.
//!
//! The pruning is exact, not a guess. A plan's rules act only at the hits their selector
//! matches, and a run is determined by its plan and seed. So if, in the run of single `a`,
//! no hit ever matches `b`'s selector, the run of `a; b` makes every decision the run of
//! `a` made, and is that run: it can find nothing the single did not. (Rules with a
//! probability would break this, since a roll depends on the rule's place in the plan;
//! a sweep's single faults have none.) A pair is pruned when, for every variant and seed,
//! one of its two faults keeps the other's site from being reached: a panic, a hang or
//! an error that ends the work before it gets there.
//!
//! Faults that "change nothing observable" on their own are not pruned: two such faults
//! can still matter together (a breaker that trips on the second failure).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plan::{Plan, Selector};
use crate::report::Report;

/// How a sweep chose its pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairSelection {
    /// Pairs of single faults at two different sites.
    pub possible: usize,
    /// Pairs not run because, in every variant and seed, one fault's run never reaches
    /// the other's site: the pair's run would be that single's run.
    pub pruned: usize,
    /// Pairs run: all the ones left, or a sample of them.
    pub run: usize,
    /// The sample's seed, when more were left than the budget (`max_pairs`).
    pub sample_seed: Option<u64>,
}

impl PairSelection {
    /// Pairs left after pruning (run or sampled out).
    pub fn left(&self) -> usize {
        self.possible - self.pruned
    }
}

/// The distinct sites of a list of single-fault plans, and which of them a run reached.
#[derive(Debug)]
pub(crate) struct Sites {
    /// Per single, its site's index.
    of_single: Vec<usize>,
    /// The sites' selectors.
    selectors: Vec<Selector>,
    /// Sites selected by point and key (`fetch[3]`).
    by_key: BTreeMap<(String, String), usize>,
    /// Sites selected by point and hit number (`fetch#3`).
    by_hit: BTreeMap<(String, u32), usize>,
    /// Any other site (checked one by one).
    other: Vec<usize>,
}

impl Sites {
    /// The sites of `singles` (each a one-rule plan), in order first seen.
    pub(crate) fn of(singles: &[Plan]) -> Self {
        let mut sites = Sites {
            of_single: Vec::with_capacity(singles.len()),
            selectors: Vec::new(),
            by_key: BTreeMap::new(),
            by_hit: BTreeMap::new(),
            other: Vec::new(),
        };
        for plan in singles {
            let selector = match plan.rules() {
                [rule] => rule.point.clone(),
                _ => panic!("a single-fault plan has one rule: {plan}"),
            };
            let at = match sites.selectors.iter().position(|s| *s == selector) {
                Some(at) => at,
                None => {
                    let at = sites.selectors.len();
                    match (&selector.key, selector.hit) {
                        (Some(key), None) => {
                            sites
                                .by_key
                                .insert((selector.name.clone(), key.clone()), at);
                        }
                        (None, Some(hit)) => {
                            sites.by_hit.insert((selector.name.clone(), hit), at);
                        }
                        _ => sites.other.push(at),
                    }
                    sites.selectors.push(selector);
                    at
                }
            };
            sites.of_single.push(at);
        }
        sites
    }

    /// Which sites `report`'s run reached (a hit its selector matches), one flag per site.
    pub(crate) fn reached(&self, report: &Report) -> Vec<bool> {
        let mut reached = vec![false; self.selectors.len()];
        let mut key = (String::new(), String::new());
        for hit in &report.hits {
            if let Some(k) = &hit.key {
                key.0.clone_from(&hit.point);
                key.1.clone_from(k);
                if let Some(&at) = self.by_key.get(&key) {
                    reached[at] = true;
                }
            }
            if let Some(&at) = self.by_hit.get(&(hit.point.clone(), hit.hit)) {
                reached[at] = true;
            }
            for &at in &self.other {
                reached[at] |= self.selectors[at].matches(&hit.point, hit.key.as_deref(), hit.hit);
            }
        }
        reached
    }

    /// The site of single `i`.
    fn site(&self, i: usize) -> usize {
        self.of_single[i]
    }
}

/// The pairs `(a, b)` (indices into the singles, `a < b`, at two different sites) to run.
///
/// `reached[w][i]` is what single `i`'s run reached in world `w` (a variant and a seed:
/// every run of the singles). Pairs left after pruning beyond `max_pairs` are sampled
/// with `seed` (a partial Fisher–Yates shuffle over splitmix64), and kept in order.
pub(crate) fn select(
    sites: &Sites,
    reached: &[Vec<Vec<bool>>],
    max_pairs: usize,
    seed: u64,
) -> (Vec<(usize, usize)>, PairSelection) {
    let n = sites.of_single.len();
    let mut possible = 0;
    let mut pruned = 0;
    let mut left = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let (sa, sb) = (sites.site(a), sites.site(b));
            if sa == sb {
                continue; // two faults at one site: the first rule would win
            }
            possible += 1;
            let same_as_a_single = reached.iter().all(|world| !world[a][sb] || !world[b][sa]);
            if same_as_a_single && !reached.is_empty() {
                pruned += 1;
            } else {
                left.push((a, b));
            }
        }
    }
    let sample_seed = (left.len() > max_pairs).then_some(seed);
    if sample_seed.is_some() {
        left = sample(left, max_pairs, seed);
    }
    let selection = PairSelection {
        possible,
        pruned,
        run: left.len(),
        sample_seed,
    };
    (left, selection)
}

/// `k` of `items`, chosen with `seed`, in their order.
fn sample<T: Copy>(items: Vec<T>, k: usize, seed: u64) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut state = seed;
    for i in 0..k.min(order.len()) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let r = splitmix64(state);
        // The modulo's bias is below len / 2^64: nothing next to a fixed seed's choice.
        let j = i + (r % (order.len() - i) as u64) as usize;
        order.swap(i, j);
    }
    order.truncate(k);
    order.sort_unstable();
    order.into_iter().map(|i| items[i]).collect()
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Action;

    fn singles(sites: &[&str]) -> Vec<Plan> {
        sites
            .iter()
            .map(|s| Plan::none().rule(Selector::point("p").key(s), Action::Hang))
            .collect()
    }

    /// Three sites; in the one world, single 0 reaches nothing else (it panics first),
    /// single 1 reaches 2, single 2 reaches 1.
    #[test]
    fn a_pair_is_pruned_only_when_one_fault_keeps_the_other_unreached() {
        let plans = singles(&["a", "b", "c"]);
        let sites = Sites::of(&plans);
        let world = vec![
            vec![true, false, false],
            vec![true, true, true],
            vec![true, true, true],
        ];
        let (pairs, counts) = select(&sites, std::slice::from_ref(&world), usize::MAX, 0);
        assert_eq!(pairs, vec![(1, 2)]);
        assert_eq!(
            counts,
            PairSelection {
                possible: 3,
                pruned: 2,
                run: 1,
                sample_seed: None
            }
        );
        // In a second world (another variant) single 0 reaches b: (0, 1) is not pruned.
        let mut other = world;
        other[0][1] = true;
        let (pairs, counts) = select(&sites, &[other.clone(), other.clone()], usize::MAX, 0);
        assert_eq!(pairs, vec![(0, 1), (1, 2)]);
        assert_eq!(counts.pruned, 1);
    }

    #[test]
    fn two_faults_at_one_site_make_no_pair() {
        let plans = vec![
            Plan::none().rule(Selector::point("p").key("a"), Action::Hang),
            Plan::none().rule(Selector::point("p").key("a"), Action::Cancel),
            Plan::none().rule(Selector::point("p").hit(2), Action::Hang),
        ];
        let sites = Sites::of(&plans);
        let all = vec![vec![true, true]; 3];
        let (pairs, counts) = select(&sites, &[all], usize::MAX, 0);
        assert_eq!(pairs, vec![(0, 2), (1, 2)]);
        assert_eq!(counts.possible, 2);
    }

    /// A sample is as big as asked, in order, without repeats, and the same for a seed.
    #[test]
    fn a_sample_is_seeded_and_ordered() {
        let items: Vec<u32> = (0..1000).collect();
        let a = sample(items.clone(), 100, 7);
        assert_eq!(a.len(), 100);
        assert!(a.windows(2).all(|w| w[0] < w[1]), "in order, no repeats");
        assert_eq!(a, sample(items.clone(), 100, 7));
        assert_ne!(a, sample(items.clone(), 100, 8));
        assert_eq!(
            sample(items.clone(), 2000, 7),
            items,
            "asking for more keeps them all"
        );
    }
}
