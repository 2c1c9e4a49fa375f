//! The differential against the reference: a rubric's *observations* of a run (data, not
//! code: the result, a count the scenario's own instruments keep), the reference
//! solution's observations under every plan the rubric grades with, recorded in a plain
//! text file, and the first one a learner's run differs on.
//!
//! The recorded text is line-oriented and byte-stable: a `#` comment header, then one line
//! per plan and observation, `<plan>\t<observation>\t<value>`, sorted by plan and
//! observation (a tab, a newline or a backslash in a value is written `\t`, `\n`, `\\`).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::error::Error;
use crate::report::Report;
use crate::resource::ResourceReport;

type Read = Arc<dyn Fn(&Report) -> String + Send + Sync>;

/// One observation of a run: a name (`result`, `messages lost`) and how to read it from a
/// report. Every correct solution shares it with the reference, under every plan graded.
#[derive(Clone)]
pub struct Observation {
    /// Its name, as a hint shows it (`messages lost`).
    pub name: &'static str,
    read: Read,
    /// Compared only under the named plans (the scenario's and the rubric's), not the
    /// family's: where a correct solution may show another value under a generated plan
    /// (a plain tokio task that a `cancel` fault cannot cancel, a stop that finds another
    /// correct design at another point).
    pub named_only: bool,
}

impl fmt::Debug for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observation")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Observation {
    /// An observation read by `read`.
    pub fn new(
        name: &'static str,
        read: impl Fn(&Report) -> String + Send + Sync + 'static,
    ) -> Self {
        Observation {
            name,
            read: Arc::new(read),
            named_only: false,
        }
    }

    /// Compares it only under the named plans, not the family's.
    pub fn named_only(mut self) -> Self {
        self.named_only = true;
        self
    }

    /// The run's result, as the report shows it, but for the task named in a panic's
    /// message (`task fetch[2] panicked: boom` reads `boom`): a plain tokio task has no name
    /// to give, and its panic is the same panic.
    pub fn result() -> Self {
        Observation::new("result", |r| without_panicking_task(&r.result))
    }

    /// The run's result up to its first `(`: `Ok`, `Err`, `Stopped`, …
    pub fn outcome() -> Self {
        Observation::new("outcome", |r| {
            r.result
                .split_once('(')
                .map_or(r.result.as_str(), |(head, _)| head)
                .to_owned()
        })
    }

    /// How many times the fault point `point` was hit (any key, faulted or not).
    pub fn hits(name: &'static str, point: &'static str) -> Self {
        Observation::new(name, move |r| {
            r.hits
                .iter()
                .filter(|h| h.point == point)
                .count()
                .to_string()
        })
    }

    /// The peak of the gauge `gauge` (0 when the run never raised it).
    pub fn gauge_peak(name: &'static str, gauge: &'static str) -> Self {
        Observation::new(name, move |r| match r.resource(gauge) {
            Some(ResourceReport::Gauge(g)) => g.peak.to_string(),
            _ => "0".to_owned(),
        })
    }

    /// How much the gauge `gauge` was raised by over the run (0 when never).
    pub fn gauge_added(name: &'static str, gauge: &'static str) -> Self {
        Observation::new(name, move |r| match r.resource(gauge) {
            Some(ResourceReport::Gauge(g)) => g.added.to_string(),
            _ => "0".to_owned(),
        })
    }

    /// How many transactions committed on the store `store` wrote something.
    pub fn committed(name: &'static str, store: &'static str) -> Self {
        Observation::new(name, move |r| match r.resource(store) {
            Some(ResourceReport::Store(s)) => (s.transactions.iter())
                .filter(|t| t.outcome == crate::resource::TxOutcome::Committed)
                .filter(|t| !t.writes.is_empty())
                .count()
                .to_string(),
            _ => "0".to_owned(),
        })
    }

    /// Reads the observation from `report`.
    pub fn read(&self, report: &Report) -> String {
        (self.read)(report)
    }
}

/// Observations by plan: what one variant showed under every plan graded, or what the
/// reference showed, read back from its recorded text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    entries: BTreeMap<String, BTreeMap<String, String>>,
}

/// The first line of a recorded file: what it is and how to refresh it.
pub(crate) const HEADER: &str = "# The reference solution's observations under every plan its rubric grades \
                          with (data, not code). Refresh: FAULTLINE_UPDATE_REFERENCE=1 cargo test \
                          --test rubric_proof recorded_observations";

impl Observed {
    /// Adds every observation of `other`.
    pub(crate) fn extend(&mut self, other: Observed) {
        for (plan, values) in other.entries {
            self.entries.entry(plan).or_default().extend(values);
        }
    }

    /// Notes `value` for `observation` under `plan`.
    pub fn insert(&mut self, plan: &str, observation: &str, value: String) {
        self.entries
            .entry(plan.to_owned())
            .or_default()
            .insert(observation.to_owned(), value);
    }

    /// The value recorded for `observation` under `plan`.
    pub fn get(&self, plan: &str, observation: &str) -> Option<&str> {
        self.entries.get(plan)?.get(observation).map(String::as_str)
    }

    /// Every value: plan, observation, value, sorted by plan and observation.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.entries.iter().flat_map(|(plan, values)| {
            values
                .iter()
                .map(move |(name, value)| (plan.as_str(), name.as_str(), value.as_str()))
        })
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads recorded text (see the module's doc); `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, Error> {
        let mut observed = Observed::default();
        for (ix, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.splitn(3, '\t');
            let (Some(plan), Some(name), Some(value)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(Error::misuse(format!(
                    "{file}:{}: expected `<plan>\\t<observation>\\t<value>`, found {line:?}",
                    ix + 1
                )));
            };
            observed.insert(plan, name, unescape(value));
        }
        Ok(observed)
    }

    /// The recorded text: the header, then one sorted line per plan and observation.
    pub fn render(&self) -> String {
        let mut out = format!("{HEADER}\n");
        for (plan, values) in &self.entries {
            for (name, value) in values {
                out.push_str(&format!("{plan}\t{name}\t{}\n", escape(value)));
            }
        }
        out
    }
}

/// The first observation (in the rubric's order) whose value under `plan` differs from
/// the reference's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The plan it differs under (its text for a generated plan).
    pub plan: String,
    /// The observation's name.
    pub observation: &'static str,
    /// The reference's value (`not recorded` when the data has none: it is stale).
    pub reference: String,
    /// The graded run's value.
    pub yours: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "under `{}` the reference's {} was {}; yours {}",
            self.plan, self.observation, self.reference, self.yours
        )
    }
}

/// The first of `observations` on which `report` (run under the plan named `plan`)
/// differs from `recorded`, noting each in `observed`. None when the plan could not do to
/// this run what it says (the report's plan notes: a `cancel` fault where a plain tokio
/// task, which the harness cannot cancel, hits the point): the run saw another plan than
/// the reference's.
pub(crate) fn first_difference(
    observations: &[Observation],
    recorded: &Observed,
    plan: &str,
    report: &Report,
    observed: &mut Observed,
) -> Option<Difference> {
    let mut first = None;
    let comparable = report.plan_notes.is_empty();
    let generated = plan.starts_with("family: ");
    for observation in observations.iter().filter(|o| !(generated && o.named_only)) {
        let yours = observation.read(report);
        let reference = recorded.get(plan, observation.name);
        if comparable && first.is_none() && reference != Some(yours.as_str()) {
            first = Some(Difference {
                plan: plan.strip_prefix("family: ").unwrap_or(plan).to_owned(),
                observation: observation.name,
                reference: reference.unwrap_or("not recorded").to_owned(),
                yours: yours.clone(),
            });
        }
        observed.insert(plan, observation.name, yours);
    }
    first
}

/// `text` without the `task <name> panicked: ` of a named task's panic.
fn without_panicking_task(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("task ") {
        let after = &rest[at + "task ".len()..];
        match after.split_once(' ') {
            Some((name, tail)) if !name.is_empty() && tail.starts_with("panicked: ") => {
                out.push_str(&rest[..at]);
                rest = &tail["panicked: ".len()..];
            }
            _ => {
                out.push_str(&rest[..at + "task ".len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_text_reads_back_what_was_written_sorted_and_escaped() {
        let mut observed = Observed::default();
        observed.insert("sigterm", "result", "Ok(())".to_owned());
        observed.insert("family: @40ms shutdown", "lost", "0".to_owned());
        observed.insert("none", "result", "a\tb\nc\\d".to_owned());
        let text = observed.render();
        assert_eq!(
            text,
            format!(
                "{HEADER}\nfamily: @40ms shutdown\tlost\t0\nnone\tresult\ta\\tb\\nc\\\\d\nsigterm\tresult\tOk(())\n"
            )
        );
        assert_eq!(Observed::parse("f", &text).unwrap(), observed);
    }

    #[test]
    fn a_panicking_task_s_name_is_left_out_of_the_result() {
        let named = "Err([Panicked: task fetch[2] panicked: injected panic at fetch[2]: boom])";
        let plain = "Err([Panicked: injected panic at fetch[2]: boom])";
        assert_eq!(without_panicking_task(named), plain);
        assert_eq!(without_panicking_task(plain), plain);
        let other = "Err([Cancelled: task consumer was cancelled]) task x";
        assert_eq!(without_panicking_task(other), other);
    }

    #[test]
    fn a_malformed_line_is_an_error_that_says_where() {
        let err = Observed::parse("ref.txt", "# c\nnone\tresult\n").unwrap_err();
        assert!(err.to_string().contains("ref.txt:2: expected"), "{err}");
    }
}
