//! The plan language: every action, modifier and timed event parses and prints back; every
//! mistake gets a column, what was expected and a hint; no input panics the parser.

use std::time::Duration;

use faultline_harness::{Action, Event, Plan, Probability, Selector, Term};
use proptest::prelude::*;

/// Parses `text`, checks that it prints back as `shown` and that the print parses to the
/// same plan.
fn round_trip(text: &str, shown: &str) -> Plan {
    let plan = Plan::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse:\n{e}"));
    assert_eq!(plan.to_string(), shown, "Display of {text:?}");
    assert_eq!(Plan::parse(shown).unwrap(), plan, "{shown:?} parses back");
    plan
}

fn single(text: &str) -> Term {
    let plan = round_trip(text, text);
    assert_eq!(plan.rules().len(), 1);
    plan.rules()[0].chain[0].clone()
}

#[test]
fn every_action() {
    let cases = [
        (
            "p=error(ConnectionError)",
            Action::Error("ConnectionError".into()),
        ),
        ("p=delay(250ms)", Action::Delay(Duration::from_millis(250))),
        ("p=hang", Action::Hang),
        ("p=panic(bad input)", Action::Panic("bad input".into())),
        ("p=panic()", Action::Panic(String::new())),
        ("p=cancel", Action::Cancel),
        ("p=off", Action::Off),
    ];
    for (text, action) in cases {
        assert_eq!(single(text), Term::new(action), "{text}");
    }
    round_trip("p=delay(2s)", "p=delay(2000ms)");
    round_trip("p=panic", "p=panic()");
}

#[test]
fn every_selector() {
    let plan = round_trip(
        "fetch=hang; fetch[3]=hang; fetch#2=hang; fetch[a b]#4=hang",
        "fetch=hang; fetch[3]=hang; fetch#2=hang; fetch[a b]#4=hang",
    );
    let points: Vec<&Selector> = plan.rules().iter().map(|r| &r.point).collect();
    assert_eq!(points[1], &Selector::point("fetch").key(3));
    assert_eq!(points[2], &Selector::point("fetch").hit(2));
    assert_eq!(points[3], &Selector::point("fetch").key("a b").hit(4));
}

#[test]
fn every_modifier() {
    assert_eq!(
        single("p=25%error(E)"),
        Term::new(Action::Error("E".into())).probability(Probability::percent(25))
    );
    assert_eq!(single("p=3*hang"), Term::new(Action::Hang).times(3));
    assert_eq!(
        single("p=50%2*cancel"),
        Term::new(Action::Cancel)
            .probability(Probability::percent(50))
            .times(2)
    );
    assert_eq!(
        single("p=12.5%hang").probability,
        Some(Probability::basis_points(1250))
    );
    assert_eq!(
        single("p=0.01%hang").probability,
        Some(Probability::basis_points(1))
    );
    assert_eq!(
        single("p=0%hang").probability,
        Some(Probability::basis_points(0))
    );
    assert_eq!(
        single("p=100%hang").probability,
        Some(Probability::percent(100))
    );
    round_trip("p=12.50%hang", "p=12.5%hang");
}

#[test]
fn chains() {
    let plan = round_trip(
        "fetch=2*error(E)->delay(1000ms)",
        "fetch=2*error(E)->delay(1000ms)",
    );
    assert_eq!(
        plan.rules()[0].chain,
        vec![
            Term::new(Action::Error("E".into())).times(2),
            Term::new(Action::Delay(Duration::from_secs(1))),
        ]
    );
    round_trip(
        "p = 2*off -> 50%error(E) -> hang",
        "p=2*off->50%error(E)->hang",
    );
    let built = Plan::none().chain(
        Selector::point("p"),
        vec![Term::new(Action::Off).times(2), Term::new(Action::Hang)],
    );
    assert_eq!(built, Plan::parse("p=2*off->hang").unwrap());
}

#[test]
fn every_timed_event() {
    let plan = round_trip(
        "@200ms cancel(caller); @2s shutdown",
        "@200ms cancel(caller); @2000ms shutdown",
    );
    let events: Vec<(Duration, Event)> = plan
        .events()
        .iter()
        .map(|e| (e.at, e.event.clone()))
        .collect();
    assert_eq!(
        events,
        [
            (Duration::from_millis(200), Event::Cancel("caller".into())),
            (Duration::from_secs(2), Event::Shutdown),
        ]
    );
    // Events print in time order, after the rules.
    round_trip(
        "@2s shutdown; p=hang; @1ms cancel(fetch[1])",
        "p=hang; @1ms cancel(fetch[1]); @2000ms shutdown",
    );
}

/// `(text, column, expected, hint)`: every mistake says where, what and how to fix it.
const ERRORS: &[(&str, usize, &str, &str)] = &[
    (
        "=hang",
        1,
        "expected a fault point name, found '='",
        "a rule reads point=action",
    ),
    (
        "fetch",
        6,
        "expected '=', found the end of the rule",
        "a rule reads point=action",
    ),
    (
        "fetch[]=hang",
        7,
        "expected a key, found ']'",
        "between brackets",
    ),
    (
        "fetch[3=hang",
        13,
        "expected ']', found the end of the rule",
        "close the key",
    ),
    (
        "fetch#=hang",
        7,
        "expected a hit number, found '='",
        "2nd hit",
    ),
    (
        "fetch#0=hang",
        7,
        "hit numbers count from 1",
        "the first hit is #1",
    ),
    (
        "fetch=eror(E)",
        7,
        "expected an action, found 'e'",
        "actions are error(Kind)",
    ),
    (
        "fetch=",
        7,
        "expected an action, found the end of the rule",
        "actions are",
    ),
    (
        "fetch=error",
        12,
        "expected '(', found the end of the rule",
        "error(ConnectionError)",
    ),
    (
        "fetch=error()",
        13,
        "expected an error kind, found ')'",
        "e.g. error(ConnectionError)",
    ),
    (
        "fetch=error(E",
        14,
        "expected ')', found the end of the rule",
        "close the error kind",
    ),
    (
        "fetch=delay(5m)",
        14,
        "expected a unit, 'ms' or 's', found 'm'",
        "250ms or 2s",
    ),
    (
        "fetch=delay(ms)",
        13,
        "expected a duration, found 'm'",
        "250ms or 2s",
    ),
    (
        "fetch=delay(5s",
        15,
        "expected ')', found the end of the rule",
        "close the delay",
    ),
    (
        "fetch=panic(boom",
        17,
        "expected ')', found the end of the rule",
        "close the panic message",
    ),
    (
        "fetch=hang now",
        12,
        "expected the end of the rule, found 'n'",
        "separate rules with ';'",
    ),
    (
        "fetch=3error(E)",
        8,
        "expected '%' or '*' after a number, found 'e'",
        "3*error(E) applies 3 times",
    ),
    (
        "fetch=101%hang",
        7,
        "a probability above 100%",
        "from 0% to 100%",
    ),
    (
        "fetch=12.345%hang",
        10,
        "expected one or two decimals, found '3'",
        "hundredths of a percent",
    ),
    (
        "fetch=12.%hang",
        10,
        "expected one or two decimals, found '%'",
        "hundredths of a percent",
    ),
    (
        "fetch=25hang",
        9,
        "expected '%' or '*' after a number, found 'h'",
        "25%error(E)",
    ),
    (
        "fetch=25%3hang",
        11,
        "expected '*', found 'h'",
        "a count ends with '*'",
    ),
    (
        "fetch=0*hang",
        7,
        "a count of 0 never applies",
        "2*off->error(E)",
    ),
    (
        "fetch=99999999999*hang",
        7,
        "the count is too large",
        "counts go up to",
    ),
    (
        "fetch=hang->error(E)",
        11,
        "the term after '->' can never apply",
        "give the earlier term a count",
    ),
    (
        "fetch=1*hang->",
        15,
        "expected an action, found the end of the rule",
        "actions are",
    ),
    (
        "fetch=1*hang->->hang",
        15,
        "expected an action, found '-'",
        "actions are",
    ),
    (
        "@cancel(x)",
        2,
        "expected a duration, found 'c'",
        "250ms or 2s",
    ),
    (
        "@1h shutdown",
        3,
        "expected a unit, 'ms' or 's', found 'h'",
        "250ms or 2s",
    ),
    (
        "@1s reboot",
        5,
        "expected an event, found 'r'",
        "timed events are cancel(task) and shutdown",
    ),
    (
        "@1s cancel",
        11,
        "expected '(', found the end of the rule",
        "cancel(caller)",
    ),
    (
        "@1s cancel()",
        13,
        "expected a task name, found the end of the rule",
        "@200ms cancel(caller)",
    ),
    (
        "@1s cancel(caller",
        18,
        "expected ')', found the end of the rule",
        "close the task name",
    ),
    (
        "@1s shutdown now",
        14,
        "expected the end of the rule, found 'n'",
        "separate rules with ';'",
    ),
    (
        "ok=hang; bad=",
        14,
        "expected an action, found the end of the rule",
        "actions are",
    ),
];

#[test]
fn every_error_says_where_what_and_a_hint() {
    let mut wrong = Vec::new();
    for &(text, column, expected, hint) in ERRORS {
        let err = match Plan::parse(text) {
            Ok(plan) => {
                wrong.push(format!("{text:?} parsed as {plan}"));
                continue;
            }
            Err(e) => e.to_string(),
        };
        let head = format!("invalid fault plan at column {column}: {expected}");
        let caret = format!("\n  {:>column$}\n", "^");
        let hint_line = err.lines().last().unwrap_or_default();
        let good = err.starts_with(&head)
            && err.contains(&format!("\n  {text}\n"))
            && err.contains(&caret)
            && hint_line.starts_with("  hint: ")
            && hint_line.contains(hint);
        if !good {
            wrong.push(format!(
                "{text:?}: wanted {head:?} and a hint with {hint:?}, got:\n{err}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,6}"
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        "[A-Z][A-Za-z]{0,8}".prop_map(Action::Error),
        (0u64..100_000).prop_map(|ms| Action::Delay(Duration::from_millis(ms))),
        Just(Action::Hang),
        prop_oneof![Just(String::new()), "[a-z][a-z !>-]{0,8}[a-z]"].prop_map(Action::Panic),
        Just(Action::Cancel),
        Just(Action::Off),
    ]
}

fn term(bounded: bool) -> impl Strategy<Value = Term> {
    (
        proptest::option::of(0u16..=10_000),
        proptest::option::of(1u32..1000),
        action(),
    )
        .prop_map(move |(p, n, action)| {
            let mut t = Term::new(action);
            t.probability = p.map(Probability::basis_points);
            t.count = n;
            if bounded && t.is_unbounded() {
                t.count = Some(1);
            }
            t
        })
}

fn chain() -> impl Strategy<Value = Vec<Term>> {
    (proptest::collection::vec(term(true), 0..3), term(false)).prop_map(|(mut init, last)| {
        init.push(last);
        init
    })
}

fn selector() -> impl Strategy<Value = Selector> {
    (
        ident(),
        proptest::option::of("[a-z0-9]{1,4}"),
        proptest::option::of(1u32..1000),
    )
        .prop_map(|(name, key, hit)| Selector { name, key, hit })
}

fn event() -> impl Strategy<Value = (Duration, Event)> {
    (
        0u64..100_000,
        prop_oneof![Just(Event::Shutdown), ident().prop_map(Event::Cancel)],
    )
        .prop_map(|(ms, e)| (Duration::from_millis(ms), e))
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        proptest::collection::vec((selector(), chain()), 0..5),
        proptest::collection::vec(event(), 0..3),
    )
        .prop_map(|(rules, events)| {
            let mut plan = Plan::none();
            for (s, c) in rules {
                plan = plan.chain(s, c);
            }
            for (at, e) in events {
                plan = plan.at(at, e);
            }
            plan
        })
}

proptest! {
    #[test]
    fn display_parses_back_to_the_same_plan(plan in plan()) {
        let text = plan.to_string();
        let parsed = Plan::parse(&text);
        prop_assert!(parsed.is_ok(), "{text:?} does not parse: {}", parsed.unwrap_err());
        prop_assert_eq!(parsed.unwrap(), plan);
    }

    #[test]
    fn arbitrary_text_never_panics_the_parser(text in any::<String>()) {
        let _ = Plan::parse(&text);
    }

    #[test]
    fn plan_like_text_never_panics_the_parser(text in r"[a-z0-9\[\]#=%*().@; ->é]{0,40}") {
        if let Err(e) = Plan::parse(&text) {
            prop_assert!(e.to_string().contains("hint: "), "{e}");
        }
    }

    #[test]
    fn arbitrary_toml_never_panics_the_plan_file_reader(text in any::<String>()) {
        let _ = Plan::from_toml(&text);
    }
}
