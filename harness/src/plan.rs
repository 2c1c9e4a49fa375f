//! Fault plans: ordered rules at named points, and events at virtual times.
//!
//! Text form, rules separated by `;`:
//!
//! ```text
//! fetch[3]=error(ConnectionError)     key 3 of point `fetch` fails
//! fetch#2=delay(250ms)                the 2nd hit of `fetch` waits 250 ms of virtual time
//! db=hang                             every hit of `db` hangs until cancelled
//! parse=panic(bad input)              panics with that message
//! fetch[1]=cancel                     the task is cancelled there, as if aborted
//! fetch=25%error(E)                   a quarter of the hits fail (seeded by the run's seed)
//! fetch=3*error(E)                    the first 3 hits fail, then the rule is used up
//! fetch=2*error(E)->delay(1s)         2 errors, then every later hit waits 1 s
//! fetch=2*off->error(E)               2 hits pass untouched, then every later hit fails
//! @200ms cancel(caller)               abort the task named `caller` at 200 ms
//! @1500ms shutdown                    fire the run's shutdown signal at 1.5 s
//! allow hyper-util                    accept that crate's background tasks (see below)
//! ```
//!
//! The action side is a chain of terms `[P%][N*]action`, joined by `->`, with fail-rs's
//! meaning: at each hit the first term that is not used up and whose probability roll
//! succeeds applies (and a count of `N` is used up after `N` applications). When no term
//! applies, the rule passes and later rules are asked. So `fetch=50%error(E)->delay(1s)`
//! fails half the hits and delays the others. Probabilities come from a PRNG seeded by the
//! run's seed, the rule, the term and the hit number: the same seed makes the same
//! decisions. A term after one that can never be used up (no count, no probability) could
//! never apply, and is an error.
//!
//! `allow who` accepts background tasks spawned with plain tokio by a crate or at a place
//! whose row name starts with `who`, as
//! [`Builder::allow_background`](crate::Builder::allow_background) does: a run under the
//! plan judges them as that run would.
//!
//! `Display` gives back text that parses to the same plan. The parser is written by hand
//! so that every error says where, what was expected, and a hint.

// Plan files in TOML (`Plan::from_toml`).
pub(crate) mod file;
// A plan's per-run state: used-up counts and seeded probability rolls.
pub(crate) mod injector;
// Fault points: where code under test asks the plan what to do.
pub(crate) mod point;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::error::Error;

/// A fault plan: rules (first match wins) and timed events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    rules: Vec<Rule>,
    events: Vec<TimedEvent>,
    /// Prefixes of background tasks' names to accept (`allow hyper-util`).
    allowed: Vec<String>,
}

/// What happens at a fault point that a rule selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Which hits of which point.
    pub point: Selector,
    /// What they do: the first term not used up whose probability roll succeeds
    /// (`a->b`, fail-rs's chains). Never empty.
    pub chain: Vec<Term>,
}

/// One term of a rule's chain: `[P%][N*]action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// `25%`: applies only when the run's seeded roll succeeds; `None` is always.
    pub probability: Option<Probability>,
    /// `3*`: used up after this many applications; `None` is never used up.
    pub count: Option<u32>,
    /// What it does.
    pub action: Action,
}

/// A probability in hundredths of a percent (basis points): `25%` is 2500, `0.5%` is 50.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Probability(u16);

/// Selects hits of a fault point: by name, optionally by key and by hit number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The point's name, e.g. `fetch`.
    pub name: String,
    /// `fetch[3]`: only hits with this key.
    pub key: Option<String>,
    /// `fetch#3`: only the 3rd hit of the point (counting from 1, all keys together).
    pub hit: Option<u32>,
}

/// What a fault point does when a rule selects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Return an error of this kind (a [`Failure`](crate::Failure)).
    Error(String),
    /// Wait this long on the virtual clock, then go on.
    Delay(Duration),
    /// Stay pending until the task is cancelled; the clock still advances.
    Hang,
    /// Panic with this message.
    Panic(String),
    /// Cancel the task at this point, as if it had been aborted.
    Cancel,
    /// Do nothing (fail-rs's `off`): useful in a chain, `2*off->error(E)`.
    Off,
}

/// Something the harness does at a virtual time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedEvent {
    /// Virtual time since the start of the run.
    pub at: Duration,
    /// What happens then.
    pub event: Event,
}

/// A timed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Abort the alive task with this name.
    Cancel(String),
    /// Fire the run's shutdown signal ([`shutdown_token`](crate::shutdown_token)).
    Shutdown,
}

impl Plan {
    /// The empty plan: no faults.
    pub fn none() -> Self {
        Plan::default()
    }

    /// Parses the text form; see the module docs.
    pub fn parse(text: &str) -> Result<Self, Error> {
        text.parse()
    }

    /// Adds a rule with a single, unbounded action (after the existing ones: earlier rules win).
    pub fn rule(self, point: Selector, action: Action) -> Self {
        self.chain(point, vec![Term::new(action)])
    }

    /// Adds a rule with a chain of terms (`a->b`). Panics on an empty chain (API misuse).
    pub fn chain(mut self, point: Selector, chain: Vec<Term>) -> Self {
        assert!(
            !chain.is_empty(),
            "a rule needs at least one term: pass vec![Term::new(action)]"
        );
        self.rules.push(Rule { point, chain });
        self
    }

    /// This plan's rules followed by `other`'s, and both plans' events (a pair in a sweep).
    pub fn and(mut self, other: &Plan) -> Self {
        self.rules.extend(other.rules.iter().cloned());
        for who in &other.allowed {
            self = self.allow(who.clone());
        }
        for e in &other.events {
            self = self.at(e.at, e.event.clone());
        }
        self
    }

    /// Adds a timed event.
    pub fn at(mut self, at: Duration, event: Event) -> Self {
        self.events.push(TimedEvent { at, event });
        self.events.sort_by_key(|e| e.at);
        self
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Accepts background tasks of a crate or place (`allow hyper-util`), as
    /// [`Builder::allow_background`](crate::Builder::allow_background) does.
    pub fn allow(mut self, who: impl Into<String>) -> Self {
        let who = who.into();
        if !self.allowed.contains(&who) {
            self.allowed.push(who);
        }
        self
    }

    /// The crates and places whose background tasks the plan accepts.
    pub fn allowed(&self) -> &[String] {
        &self.allowed
    }

    /// The timed events, by time.
    pub fn events(&self) -> &[TimedEvent] {
        &self.events
    }

    /// Whether the plan injects nothing.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.events.is_empty() && self.allowed.is_empty()
    }

    /// Whether the plan can cancel a task: a timed `cancel(task)` event or a `cancel` action.
    pub fn can_cancel(&self) -> bool {
        let events = self
            .events
            .iter()
            .any(|e| matches!(e.event, Event::Cancel(_)));
        let actions =
            (self.rules.iter().flat_map(|r| &r.chain)).any(|t| t.action == Action::Cancel);
        events || actions
    }
}

impl Term {
    /// An unbounded term: applies at every hit.
    pub fn new(action: Action) -> Self {
        Term {
            probability: None,
            count: None,
            action,
        }
    }

    /// Applies only with this probability (`25%`).
    pub fn probability(mut self, p: Probability) -> Self {
        self.probability = Some(p);
        self
    }

    /// Used up after `n` applications (`3*`).
    pub fn times(mut self, n: u32) -> Self {
        self.count = Some(n);
        self
    }

    /// Whether this term applies forever, so that nothing after it in a chain can.
    pub fn is_unbounded(&self) -> bool {
        self.probability.is_none() && self.count.is_none()
    }
}

impl Probability {
    /// `percent`% (0 to 100; larger values are clamped to 100).
    pub fn percent(percent: u16) -> Self {
        Probability(percent.min(100) * 100)
    }

    /// `bp` hundredths of a percent (0 to 10,000; larger values are clamped).
    pub fn basis_points(bp: u16) -> Self {
        Probability(bp.min(10_000))
    }

    /// In hundredths of a percent.
    pub fn as_basis_points(self) -> u16 {
        self.0
    }
}

impl Selector {
    /// Every hit of `name`.
    pub fn point(name: impl Into<String>) -> Self {
        Selector {
            name: name.into(),
            key: None,
            hit: None,
        }
    }

    /// Only hits with this key.
    pub fn key(mut self, key: impl fmt::Display) -> Self {
        self.key = Some(key.to_string());
        self
    }

    /// Only the `n`th hit (from 1).
    pub fn hit(mut self, n: u32) -> Self {
        self.hit = Some(n);
        self
    }

    pub(crate) fn matches(&self, point: &str, key: Option<&str>, hit: u32) -> bool {
        self.name == point
            && self.key.as_deref().is_none_or(|k| Some(k) == key)
            && self.hit.is_none_or(|n| n == hit)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let rules = self.rules.iter().map(|r| r.to_string());
        let events = self.events.iter().map(|e| e.to_string());
        let allowed = self.allowed.iter().map(|who| format!("allow {who}"));
        let all: Vec<String> = rules.chain(events).chain(allowed).collect();
        f.write_str(&all.join("; "))
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=", self.point)?;
        for (i, term) in self.chain.iter().enumerate() {
            if i > 0 {
                f.write_str("->")?;
            }
            write!(f, "{term}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.probability {
            write!(f, "{p}")?;
        }
        if let Some(n) = self.count {
            write!(f, "{n}*")?;
        }
        write!(f, "{}", self.action)
    }
}

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{whole}%"),
            _ if frac % 10 == 0 => write!(f, "{whole}.{}%", frac / 10),
            _ => write!(f, "{whole}.{frac:02}%"),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(key) = &self.key {
            write!(f, "[{key}]")?;
        }
        if let Some(hit) = self.hit {
            write!(f, "#{hit}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Error(kind) => write!(f, "error({kind})"),
            Action::Delay(d) => write!(f, "delay({})", Ms(*d)),
            Action::Hang => f.write_str("hang"),
            Action::Panic(msg) => write!(f, "panic({msg})"),
            Action::Cancel => f.write_str("cancel"),
            Action::Off => f.write_str("off"),
        }
    }
}

impl fmt::Display for TimedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{} ", Ms(self.at))?;
        match &self.event {
            Event::Cancel(task) => write!(f, "cancel({task})"),
            Event::Shutdown => f.write_str("shutdown"),
        }
    }
}

/// A duration written in milliseconds, the unit of every report.
struct Ms(Duration);

impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0.as_millis())
    }
}

impl FromStr for Plan {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let mut plan = Plan::none();
        let mut offset = 0;
        for item in text.split(';') {
            let start = offset + (item.len() - item.trim_start().len());
            offset += item.len() + 1;
            let item = item.trim();
            if item.is_empty() || (item == "none" && text.trim() == "none") {
                continue;
            }
            let mut p = Parser {
                text,
                pos: start,
                end: start + item.len(),
            };
            if item.starts_with('@') {
                let event = p.event()?;
                plan = plan.at(event.at, event.event);
            } else if let Some(who) = item
                .strip_prefix("allow ")
                .or((item == "allow").then_some(""))
            {
                let who = who.trim();
                if who.is_empty() || who.contains(char::is_whitespace) {
                    p.pos = p.end.min(start + "allow".len() + 1);
                    return Err(p.fail(
                        "one crate or place after `allow`",
                        "allow hyper-util accepts that crate's background tasks; allow src/server.rs, a place's",
                    ));
                }
                plan = plan.allow(who);
            } else {
                let rule = p.rule()?;
                plan.rules.push(rule);
            }
        }
        Ok(plan)
    }
}

/// A cursor over one `;`-separated item of the plan text.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..self.end]
    }

    fn fail(&self, expected: &str, hint: &str) -> Error {
        let found = match self.rest().chars().next() {
            Some(c) => format!("'{c}'"),
            None => "the end of the rule".to_owned(),
        };
        Error::plan(
            self.text,
            self.pos,
            format!("expected {expected}, found {found}"),
            hint,
        )
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn take_while(&mut self, ok: impl Fn(char) -> bool) -> &str {
        let rest = &self.text[self.pos..self.end];
        let len = rest.find(|c| !ok(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn ident(&mut self, what: &str, hint: &str) -> Result<String, Error> {
        let id = self.take_while(|c| c.is_alphanumeric() || "_-.:".contains(c));
        if id.is_empty() {
            return Err(self.fail(what, hint));
        }
        Ok(id.to_owned())
    }

    fn number(&mut self, what: &str, hint: &str) -> Result<u64, Error> {
        let start = self.pos;
        let digits = self.take_while(|c| c.is_ascii_digit());
        if digits.is_empty() {
            return Err(self.fail(what, hint));
        }
        digits.parse().map_err(|_| {
            Error::plan(
                self.text,
                start,
                format!("{what} is too large"),
                "use a smaller number",
            )
        })
    }

    fn duration(&mut self) -> Result<Duration, Error> {
        let hint = "write a virtual duration such as 250ms or 2s";
        let n = self.number("a duration", hint)?;
        if self.eat("ms") {
            Ok(Duration::from_millis(n))
        } else if self.eat("s") {
            Ok(Duration::from_secs(n))
        } else {
            Err(self.fail("a unit, 'ms' or 's'", hint))
        }
    }

    fn expect(&mut self, s: &str, hint: &str) -> Result<(), Error> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.fail(&format!("'{s}'"), hint))
        }
    }

    fn done(&mut self) -> Result<(), Error> {
        self.skip_spaces();
        if self.rest().is_empty() {
            Ok(())
        } else {
            Err(self.fail("the end of the rule", "separate rules with ';'"))
        }
    }

    /// The text up to the closing parenthesis (messages may hold anything but ')' and ';').
    fn until_close(&mut self, what: &str) -> Result<String, Error> {
        let inner = self.take_while(|c| c != ')').trim().to_owned();
        self.expect(")", &format!("close the {what} with ')'"))?;
        Ok(inner)
    }

    fn rule(&mut self) -> Result<Rule, Error> {
        let name = self.ident(
            "a fault point name",
            "a rule reads point=action, e.g. fetch[3]=error(ConnectionError)",
        )?;
        let mut point = Selector::point(name);
        if self.eat("[") {
            let key = self.take_while(|c| c != ']').trim().to_owned();
            if key.is_empty() {
                return Err(self.fail("a key", "write the key between brackets, e.g. fetch[3]"));
            }
            self.expect("]", "close the key with ']'")?;
            point.key = Some(key);
        }
        if self.eat("#") {
            let hit = self.number("a hit number", "fetch#2 selects the 2nd hit of fetch")?;
            if hit == 0 {
                return Err(Error::plan(
                    self.text,
                    self.pos - 1,
                    "hit numbers count from 1",
                    "the first hit is #1",
                ));
            }
            point.hit = Some(u32::try_from(hit).unwrap_or(u32::MAX));
        }
        self.skip_spaces();
        self.expect("=", "a rule reads point=action, e.g. fetch=delay(250ms)")?;
        self.skip_spaces();
        let mut chain = vec![self.term()?];
        loop {
            self.skip_spaces();
            if !self.eat("->") {
                break;
            }
            let at = self.pos - 2;
            if chain.last().is_some_and(Term::is_unbounded) {
                return Err(Error::plan(
                    self.text,
                    at,
                    "the term after '->' can never apply: the one before it is never used up",
                    "give the earlier term a count or a probability, e.g. 2*error(E)->delay(1s)",
                ));
            }
            self.skip_spaces();
            chain.push(self.term()?);
        }
        self.done()?;
        Ok(Rule { point, chain })
    }

    /// `[P%][N*]action`.
    fn term(&mut self) -> Result<Term, Error> {
        let hint = "a term reads [P%][N*]action: 25%error(E), 3*delay(1s), 50%2*hang";
        let mut term = Term::new(Action::Off);
        if self.rest().starts_with(|c: char| c.is_ascii_digit()) {
            let start = self.pos;
            let whole = self.number("a number", hint)?;
            if self.eat(".") || self.rest().starts_with('%') {
                let mut bp = whole.saturating_mul(100);
                if self.text[start..self.pos].ends_with('.') {
                    let frac_at = self.pos;
                    let frac = self.take_while(|c| c.is_ascii_digit()).to_owned();
                    if frac.is_empty() || frac.len() > 2 {
                        self.pos = frac_at;
                        return Err(self.fail(
                            "one or two decimals",
                            "probabilities go down to hundredths of a percent, e.g. 12.5% or 0.01%",
                        ));
                    }
                    let frac: u64 = frac.parse().unwrap_or(0);
                    bp += if self.pos - frac_at == 1 {
                        frac * 10
                    } else {
                        frac
                    };
                }
                self.expect("%", "a probability ends with '%', e.g. 25%error(E)")?;
                if bp > 10_000 {
                    return Err(Error::plan(
                        self.text,
                        start,
                        "a probability above 100%",
                        "write a percentage from 0% to 100%",
                    ));
                }
                term.probability = Some(Probability(bp as u16));
                if self.rest().starts_with(|c: char| c.is_ascii_digit()) {
                    let n = self.number("a count", hint)?;
                    self.expect("*", "a count ends with '*', e.g. 3*error(E)")?;
                    term.count = Some(self.count(n, start)?);
                }
            } else if self.eat("*") {
                term.count = Some(self.count(whole, start)?);
            } else {
                return Err(self.fail(
                    "'%' or '*' after a number",
                    "25%error(E) applies a quarter of the time; 3*error(E) applies 3 times",
                ));
            }
        }
        term.action = self.action()?;
        Ok(term)
    }

    fn count(&self, n: u64, start: usize) -> Result<u32, Error> {
        match u32::try_from(n) {
            Ok(0) => Err(Error::plan(
                self.text,
                start,
                "a count of 0 never applies",
                "counts start at 1, e.g. 3*error(E); to skip hits, use off: 2*off->error(E)",
            )),
            Ok(n) => Ok(n),
            Err(_) => Err(Error::plan(
                self.text,
                start,
                "the count is too large",
                "counts go up to 4294967295",
            )),
        }
    }

    fn action(&mut self) -> Result<Action, Error> {
        let hint = "actions are error(Kind), delay(250ms), hang, panic(message), cancel and off";
        let word = self.take_while(|c| c.is_ascii_alphabetic()).to_owned();
        match word.as_str() {
            "error" => {
                self.expect(
                    "(",
                    "write the error kind in parentheses: error(ConnectionError)",
                )?;
                let kind = self.ident("an error kind", "e.g. error(ConnectionError)")?;
                self.expect(")", "close the error kind with ')'")?;
                Ok(Action::Error(kind))
            }
            "delay" => {
                self.expect("(", "write the delay in parentheses: delay(250ms)")?;
                let d = self.duration()?;
                self.expect(")", "close the delay with ')'")?;
                Ok(Action::Delay(d))
            }
            "hang" => Ok(Action::Hang),
            "cancel" => Ok(Action::Cancel),
            "off" => Ok(Action::Off),
            "panic" => {
                if self.eat("(") {
                    Ok(Action::Panic(self.until_close("panic message")?))
                } else {
                    Ok(Action::Panic(String::new()))
                }
            }
            _ => {
                self.pos -= word.len();
                Err(self.fail("an action", hint))
            }
        }
    }

    fn event(&mut self) -> Result<TimedEvent, Error> {
        self.expect(
            "@",
            "a timed event reads @200ms cancel(caller) or @1500ms shutdown",
        )?;
        let at = self.duration()?;
        self.skip_spaces();
        let hint = "timed events are cancel(task) and shutdown";
        let word = self.take_while(|c| c.is_ascii_alphabetic()).to_owned();
        let event = match word.as_str() {
            "shutdown" => Event::Shutdown,
            "cancel" => {
                self.expect("(", "name the task in parentheses: cancel(caller)")?;
                let task = self.until_close("task name")?;
                if task.is_empty() {
                    return Err(self.fail("a task name", "e.g. @200ms cancel(caller)"));
                }
                Event::Cancel(task)
            }
            _ => {
                self.pos -= word.len();
                return Err(self.fail("an event", hint));
            }
        };
        self.done()?;
        Ok(TimedEvent { at, event })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_parses_back() {
        let text = "fetch[3]=error(ConnectionError); fetch#2=delay(250ms); db=hang; p=panic(boom now); \
                    x[a b]#4=cancel; @200ms cancel(caller); @1500ms shutdown";
        let plan = Plan::parse(text).unwrap();
        assert_eq!(plan.to_string(), text);
        assert_eq!(Plan::parse(&plan.to_string()).unwrap(), plan);
    }

    #[test]
    fn a_plan_can_cancel_only_with_a_cancel_event_or_action() {
        for text in [
            "@5ms cancel(caller)",
            "fetch=cancel",
            "fetch=2*off->50%cancel; db=hang",
        ] {
            assert!(Plan::parse(text).unwrap().can_cancel(), "{text}");
        }
        for text in [
            "none",
            "fetch=2*error(E)->delay(1s); db=hang; p=panic(x)",
            "@1s shutdown",
        ] {
            assert!(!Plan::parse(text).unwrap().can_cancel(), "{text}");
        }
    }

    #[test]
    fn none_and_empty_are_the_empty_plan() {
        assert!(Plan::parse("none").unwrap().is_empty());
        assert!(Plan::parse("  ").unwrap().is_empty());
        assert_eq!(Plan::none().to_string(), "none");
    }

    #[test]
    fn errors_say_where_and_what() {
        let err = Plan::parse("fetch[3]=eror(X)").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid fault plan at column 10: expected an action, found 'e'\n  \
             fetch[3]=eror(X)\n           ^\n  hint: actions are error(Kind), delay(250ms), hang, panic(message), cancel and off"
        );
        let err = Plan::parse("a=delay(5m)").unwrap_err();
        assert!(
            err.to_string()
                .contains("expected a unit, 'ms' or 's', found 'm'"),
            "{err}"
        );
        let err = Plan::parse("fetch#0=hang").unwrap_err();
        assert!(
            err.to_string().contains("hit numbers count from 1"),
            "{err}"
        );
    }
}
