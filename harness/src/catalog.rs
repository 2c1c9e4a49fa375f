//! Scenarios as data: named variants of one body and the named plans to run them under.

// Sweeps over every single-fault plan (and pair), seed and variant.
pub(crate) mod sweep;
// Which pairs of single faults a sweep runs: pruned, then sampled.
pub(crate) mod pairs;
// Many runs at once, results in order.
pub(crate) mod parallel;
// Rubrics: named checks with hints, and the grades they give.
pub(crate) mod rubric;
// A rubric's seeded plan family: pairs of faults, stops, cancels, slowed dependencies.
pub(crate) mod family;
// The differential: observations of a run, the reference's recorded, the first difference.
pub(crate) mod observe;

use crate::error::Error;
use crate::plan::Plan;
use crate::report::Report;
use crate::run::Builder;

/// A scenario: one pattern, several variants (`unstructured`, `structured`, …) and the
/// fault plans they are compared under.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Its name, e.g. `gather`.
    pub name: &'static str,
    /// One line saying what it shows.
    pub about: &'static str,
    /// The name of the task that runs each variant's body.
    pub root: &'static str,
    /// The variants, in the order they are compared.
    pub variants: Vec<Variant>,
    /// The plans, in order; the first is the baseline.
    pub plans: Vec<NamedPlan>,
    /// Settings every run of the scenario needs (e.g. blocking detection).
    pub setup: fn(&mut Builder),
}

/// One variant of a scenario.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    /// Its name, e.g. `structured`.
    pub name: &'static str,
    /// Runs it with the given settings (typically `|b| b.run(structured::caller)`).
    pub run: fn(&Builder) -> Result<Report, Error>,
}

/// A plan with a name, e.g. `fetch3-fails` = `fetch[3]=error(ConnectionError)`.
#[derive(Debug, Clone, Copy)]
pub struct NamedPlan {
    /// Its name.
    pub name: &'static str,
    /// Its text form.
    pub text: &'static str,
}

impl Scenario {
    /// A scenario with no variants or plans yet.
    pub fn new(name: &'static str, about: &'static str) -> Self {
        Scenario {
            name,
            about,
            root: "body",
            variants: Vec::new(),
            plans: Vec::new(),
            setup: |_| {},
        }
    }

    /// Names the task that runs the body.
    pub fn root(mut self, name: &'static str) -> Self {
        self.root = name;
        self
    }

    /// Settings every run of the scenario needs, applied before the variant, plan and seed.
    pub fn setup(mut self, setup: fn(&mut Builder)) -> Self {
        self.setup = setup;
        self
    }

    /// Adds a variant.
    pub fn variant(
        mut self,
        name: &'static str,
        run: fn(&Builder) -> Result<Report, Error>,
    ) -> Self {
        self.variants.push(Variant { name, run });
        self
    }

    /// Adds a named plan.
    pub fn plan(mut self, name: &'static str, text: &'static str) -> Self {
        self.plans.push(NamedPlan { name, text });
        self
    }

    /// The variant called `name`.
    pub fn find_variant(&self, name: &str) -> Result<&Variant, Error> {
        self.variants
            .iter()
            .find(|v| v.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = self.variants.iter().map(|v| v.name).collect();
                Error::misuse(format!(
                    "scenario {} has no variant {name:?}; its variants are: {}",
                    self.name,
                    known.join(", ")
                ))
            })
    }

    /// The named plan called `name`, parsed.
    pub fn find_plan(&self, name: &str) -> Result<Plan, Error> {
        let named = self.plans.iter().find(|p| p.name == name).ok_or_else(|| {
            let known: Vec<&str> = self.plans.iter().map(|p| p.name).collect();
            Error::misuse(format!(
                "scenario {} has no plan {name:?}; its plans are: {} (or pass a plan's text with --faults)",
                self.name,
                known.join(", ")
            ))
        })?;
        Plan::parse(named.text)
    }

    /// The settings for running `variant` under `plan` (named `plan_name`, if it has one).
    pub fn builder(
        &self,
        variant: &str,
        plan_name: Option<&str>,
        plan: Plan,
        seed: u64,
    ) -> Builder {
        let mut b = Builder::new(self.name, variant);
        (self.setup)(&mut b);
        let replay_plan = match plan_name {
            Some(name) => format!("--plan {name}"),
            None => format!("--faults '{plan}'"),
        };
        b.root(self.root).seed(seed).replay(format!(
            "cargo run -- run {} --variant {variant} {replay_plan} --seed {seed}",
            self.name
        ));
        match plan_name {
            Some(name) => b.named_plan(name, plan),
            None => b.plan(plan),
        };
        b
    }

    /// Runs `variant` under the named plan `plan_name`.
    pub fn run(&self, variant: &str, plan_name: &str, seed: u64) -> Result<Report, Error> {
        let v = self.find_variant(variant)?;
        let plan = self.find_plan(plan_name)?;
        (v.run)(&self.builder(variant, Some(plan_name), plan, seed))
    }

    /// Runs every variant under `plan` (named `plan_name`, if it has one), in order.
    pub fn run_all(
        &self,
        plan_name: Option<&str>,
        plan: &Plan,
        seed: u64,
    ) -> Result<Vec<Report>, Error> {
        self.variants
            .iter()
            .map(|v| (v.run)(&self.builder(v.name, plan_name, plan.clone(), seed)))
            .collect()
    }
}
