//! A plan being applied during one run: which chain terms are used up, and the seeded roll
//! that decides probabilities.
//!
//! Each run owns one (inside its ledger), so two runs never share a count or a roll.

use crate::plan::{Action, Plan};

/// The per-run state of a plan's rules.
#[derive(Debug)]
pub(crate) struct Injector {
    seed: u64,
    /// Applications so far, per rule, per term.
    used: Vec<Vec<u32>>,
    /// Hits each rule's selector matched.
    matched: Vec<u32>,
    /// Times one of each rule's terms applied.
    fired: Vec<u32>,
}

impl Injector {
    pub(crate) fn new(plan: &Plan, seed: u64) -> Self {
        Injector {
            seed,
            matched: vec![0; plan.rules().len()],
            fired: vec![0; plan.rules().len()],
            used: plan
                .rules()
                .iter()
                .map(|r| vec![0; r.chain.len()])
                .collect(),
        }
    }

    /// What the `hit`th hit of `point` (all keys together) with `key` does under `plan`: the
    /// first matching rule whose chain has a term that applies. `None` is "go on".
    /// Per rule of the plan, in order: how many hits its selector matched, and how many
    /// times one of its terms applied.
    pub(crate) fn counts(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.matched.iter().copied().zip(self.fired.iter().copied())
    }

    pub(crate) fn decide(
        &mut self,
        plan: &Plan,
        point: &str,
        key: Option<&str>,
        hit: u32,
    ) -> Option<Action> {
        for (r, rule) in plan.rules().iter().enumerate() {
            if !rule.point.matches(point, key, hit) {
                continue;
            }
            self.matched[r] += 1;
            for (t, term) in rule.chain.iter().enumerate() {
                let used = &mut self.used[r][t];
                if term.count.is_some_and(|n| *used >= n) {
                    continue;
                }
                if let Some(p) = term.probability
                    && roll(self.seed, r, t, hit) >= u64::from(p.as_basis_points())
                {
                    continue;
                }
                *used += 1;
                self.fired[r] += 1;
                return match &term.action {
                    Action::Off => None,
                    other => Some(other.clone()),
                };
            }
        }
        None
    }
}

/// A number in `0..10_000` from the run's seed, the rule, the term and the hit number:
/// splitmix64 (Steele, Lea & Flood, 2014) over the four mixed together. Stable across
/// platforms and releases, so a seed replays the same decisions.
fn roll(seed: u64, rule: usize, term: usize, hit: u32) -> u64 {
    let mut x = seed;
    for part in [rule as u64, term as u64, u64::from(hit)] {
        x = splitmix64(x ^ part.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    x % 10_000
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(text: &str, seed: u64, hits: u32) -> Vec<Option<Action>> {
        let plan = Plan::parse(text).unwrap();
        let mut inj = Injector::new(&plan, seed);
        (1..=hits)
            .map(|n| inj.decide(&plan, "fetch", None, n))
            .collect()
    }

    fn e() -> Option<Action> {
        Some(Action::Error("E".into()))
    }

    #[test]
    fn first_matching_rule_wins() {
        let plan = Plan::parse("fetch#2=hang; fetch=error(E)").unwrap();
        let mut inj = Injector::new(&plan, 0);
        assert_eq!(inj.decide(&plan, "fetch", None, 1), e());
        assert_eq!(inj.decide(&plan, "fetch", None, 2), Some(Action::Hang));
        assert_eq!(inj.decide(&plan, "other", None, 2), None);
    }

    #[test]
    fn a_count_is_used_up() {
        assert_eq!(decisions("fetch=2*error(E)", 0, 4), [e(), e(), None, None]);
    }

    #[test]
    fn a_chain_moves_on_when_a_term_is_used_up() {
        let d = Some(Action::Delay(std::time::Duration::from_secs(1)));
        assert_eq!(
            decisions("fetch=2*error(E)->delay(1s)", 0, 4),
            [e(), e(), d.clone(), d]
        );
        assert_eq!(
            decisions("fetch=2*off->error(E)", 0, 4),
            [None, None, e(), e()]
        );
    }

    #[test]
    fn a_used_up_rule_falls_through_to_the_next() {
        assert_eq!(
            decisions("fetch=1*hang; fetch=error(E)", 0, 3),
            [Some(Action::Hang), e(), e()]
        );
    }

    #[test]
    fn probabilities_are_seeded_and_roughly_right() {
        let a = decisions("fetch=25%error(E)", 7, 4000);
        assert_eq!(
            a,
            decisions("fetch=25%error(E)", 7, 4000),
            "same seed, same rolls"
        );
        assert_ne!(
            a,
            decisions("fetch=25%error(E)", 8, 4000),
            "another seed, other rolls"
        );
        let hits = a.iter().filter(|d| d.is_some()).count();
        assert!(
            (900..1100).contains(&hits),
            "25% of 4000 is about 1000, got {hits}"
        );
        assert!(
            decisions("fetch=0%error(E)", 1, 500)
                .iter()
                .all(Option::is_none)
        );
        assert!(
            decisions("fetch=100%error(E)", 1, 500)
                .iter()
                .all(Option::is_some)
        );
    }

    #[test]
    fn a_missed_roll_falls_to_the_next_term() {
        let d = decisions("fetch=50%error(E)->hang", 3, 200);
        assert!(
            d.iter().all(Option::is_some),
            "every hit does one or the other"
        );
        assert!(d.contains(&e()) && d.contains(&Some(Action::Hang)));
    }

    #[test]
    fn probability_and_count_together() {
        let d = decisions("fetch=50%3*error(E)", 5, 200);
        assert_eq!(d.iter().filter(|d| d.is_some()).count(), 3);
    }
}
