//! Plan families: the seeded, deterministic plans a rubric grades under beyond the
//! scenario's named plans and the single-fault sweep. A mistake that shows only under a
//! plan nobody wrote down — two faults at once, a stop at another instant, a slow
//! dependency, a key that always fails, a cancel in the middle — shows under one of these.
//!
//! The generator is here, in one place; a scenario's rubric supplies its knobs
//! ([`Family`]): which kinds of plan apply, the virtual span a stop or a cancel may come
//! in, and the points that stand for a dependency's latency.

use std::time::Duration;

use crate::catalog::Scenario;
use crate::catalog::sweep::{default_actions, single_fault_plans};
use crate::error::Error;
use crate::plan::{Action, Event, Plan, Selector};

/// A scenario's knobs for its rubric's plan family, and the checks that hold under every
/// plan of it (promises: they must not depend on which plan runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The seed of the family's choices (which pairs of faults).
    pub seed: u64,
    /// How many pairs of single faults (two sites, the sweep's actions) to draw.
    pub pairs: usize,
    /// How many triples of single faults to draw.
    pub triples: usize,
    /// The actions the pairs and triples draw from (the sweep's by default).
    pub actions: Vec<Action>,
    /// A stop (`@t shutdown`) at every `every` virtual ms from `every` up to `until`.
    pub stops: Option<(u64, u64)>,
    /// A cancel of the task named here at every `every` virtual ms up to `until`.
    pub cancels: Option<(&'static str, u64, u64)>,
    /// Points that stand for a dependency's latency, each with its latency in ms: every
    /// hit is slowed ×2 and ×10 (a delay of 1× and 9× the latency on top).
    pub slowed: Vec<(&'static str, u64)>,
    /// Keys that always fail, each with the error's kind (`point[key]=error(kind)`: every
    /// hit of that key; a kind the code retries makes retries that must end).
    pub always_fails: Vec<(&'static str, &'static str, &'static str)>,
    /// The checks applied under every plan of the family.
    pub checks: Vec<&'static str>,
}

impl Family {
    /// A family with no plans yet, applying `checks`, seeded with 0.
    pub fn new(checks: &[&'static str]) -> Self {
        Family {
            seed: 0,
            pairs: 0,
            triples: 0,
            actions: default_actions(),
            stops: None,
            cancels: None,
            slowed: Vec::new(),
            always_fails: Vec::new(),
            checks: checks.to_vec(),
        }
    }

    /// Draws `pairs` pairs and `triples` triples of single faults.
    pub fn faults(mut self, pairs: usize, triples: usize) -> Self {
        self.pairs = pairs;
        self.triples = triples;
        self
    }

    /// Draws the pairs and triples from these actions only (a promise the design keeps
    /// under errors, delays and hangs, but not when a stage's task is killed).
    pub fn actions(mut self, actions: Vec<Action>) -> Self {
        self.actions = actions;
        self
    }

    /// A stop at every `every` ms up to `until` ms.
    pub fn stops(mut self, every: u64, until: u64) -> Self {
        self.stops = Some((every, until));
        self
    }

    /// A cancel of `task` at every `every` ms up to `until` ms.
    pub fn cancels(mut self, task: &'static str, every: u64, until: u64) -> Self {
        self.cancels = Some((task, every, until));
        self
    }

    /// The point `point`, whose latency is `latency_ms`, slowed ×2 and ×10.
    pub fn slowed(mut self, point: &'static str, latency_ms: u64) -> Self {
        self.slowed.push((point, latency_ms));
        self
    }

    /// Key `key` of `point` fails at every hit, with an error of kind `kind`.
    pub fn always_fails(
        mut self,
        point: &'static str,
        key: &'static str,
        kind: &'static str,
    ) -> Self {
        self.always_fails.push((point, key, kind));
        self
    }

    /// The family's plans for `scenario`, in a fixed order, each with its name
    /// (`family: <text>`): pairs and triples of faults first, then stops, cancels, slowed
    /// dependencies and keys that always fail.
    pub fn plans(&self, scenario: &Scenario) -> Result<Vec<(String, Plan)>, Error> {
        let mut plans = Vec::new();
        if self.pairs + self.triples > 0 {
            let singles = single_fault_plans(scenario, &self.actions)?;
            let mut rng = SplitMix(self.seed);
            for (count, size) in [(self.pairs, 2), (self.triples, 3)] {
                for _ in 0..count {
                    if let Some(plan) = draw(&singles, size, &mut rng) {
                        plans.push(plan);
                    }
                }
            }
        }
        if let Some((every, until)) = self.stops {
            for t in (every..until).step_by(every.max(1) as usize) {
                plans.push(Plan::none().at(Duration::from_millis(t), Event::Shutdown));
            }
        }
        if let Some((task, every, until)) = self.cancels {
            for t in (every..until).step_by(every.max(1) as usize) {
                plans.push(
                    Plan::none().at(Duration::from_millis(t), Event::Cancel(task.to_owned())),
                );
            }
        }
        for &(point, latency) in &self.slowed {
            for extra in [latency, 9 * latency] {
                plans.push(Plan::none().rule(
                    Selector::point(point),
                    Action::Delay(Duration::from_millis(extra)),
                ));
            }
        }
        for &(point, key, kind) in &self.always_fails {
            plans.push(Plan::none().rule(
                Selector::point(point).key(key),
                Action::Error(kind.to_owned()),
            ));
        }
        Ok(plans
            .into_iter()
            .map(|p| (format!("family: {p}"), p))
            .collect())
    }
}

/// `size` single faults at different sites, drawn from `singles`; `None` when there are
/// not enough sites.
fn draw(singles: &[Plan], size: usize, rng: &mut SplitMix) -> Option<Plan> {
    let site = |p: &Plan| p.rules().first().map(|r| r.point.clone());
    let mut chosen: Vec<&Plan> = Vec::new();
    for _ in 0..size * 8 {
        if chosen.len() == size || singles.is_empty() {
            break;
        }
        let pick = &singles[(rng.next() % singles.len() as u64) as usize];
        if chosen.iter().all(|c| site(c) != site(pick)) {
            chosen.push(pick);
        }
    }
    (chosen.len() == size).then(|| chosen.iter().fold(Plan::none(), |acc, p| acc.and(p)))
}

/// SplitMix64: a small seeded generator, the same numbers on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_same_plans_for_the_same_seed_and_others_for_another() {
        let singles: Vec<Plan> = (0..20)
            .map(|k| Plan::none().rule(Selector::point("p").key(k), Action::Error("E".to_owned())))
            .collect();
        let draw_all = |seed| {
            let mut rng = SplitMix(seed);
            (0..5)
                .map(|_| draw(&singles, 2, &mut rng).unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(draw_all(1), draw_all(1));
        assert_ne!(draw_all(1), draw_all(2));
        for plan in draw_all(3) {
            assert_eq!(plan.matches("p[").count(), 2, "{plan}");
        }
    }

    #[test]
    fn stops_cancels_slowed_and_always_failing_keys_are_each_a_plan() {
        let scenario = Scenario::new("s", "t");
        let family = Family::new(&[])
            .stops(100, 350)
            .cancels("caller", 200, 500)
            .slowed("fetch", 50)
            .always_fails("fetch", "3", "AlwaysFails");
        let names: Vec<String> = family
            .plans(&scenario)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                "family: @100ms shutdown",
                "family: @200ms shutdown",
                "family: @300ms shutdown",
                "family: @200ms cancel(caller)",
                "family: @400ms cancel(caller)",
                "family: fetch=delay(50ms)",
                "family: fetch=delay(450ms)",
                "family: fetch[3]=error(AlwaysFails)",
            ]
        );
    }
}
