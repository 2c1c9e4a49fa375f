//! Fuzzing the CLI: arbitrary arguments never panic the parser, and commands run in-process
//! with junk and near-miss arguments end in output or an error, never a panic.
//!
//! The default run tries a few hundred inputs; the documented run (README, "Testing") sets
//! `PROPTEST_CASES=1000000` for the parser and `FAULTLINE_FUZZ_RUNS` for the commands, which
//! run scenarios and so cost milliseconds each. A failing input is saved by proptest next to
//! this file (`fuzz.proptest-regressions`), which is committed and replayed first on every run.

use clap::Parser;
use faultline::cli::{Cli, run};
use proptest::prelude::*;

/// Words the CLI knows, so that generated arguments reach past the first error.
const WORDS: [&str; 22] = [
    "run",
    "list",
    "compare",
    "sweep",
    "grade",
    "--variant",
    "--plan",
    "--faults",
    "--seed",
    "--format",
    "json",
    "text",
    "gather",
    "guards",
    "structured",
    "unstructured",
    "none",
    "fetch3-fails",
    "--json",
    "--check-determinism",
    "--help",
    "--version",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(WORDS.to_vec()).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => r"[a-z0-9\[\]#=%*().@; ->-]{0,24}",
    ]
}

/// Failing inputs are saved where the doc says, and replayed first on every run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "tests/fuzz.proptest-regressions",
            ),
        )),
        ..ProptestConfig::default()
    }
}

fn env_cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(config(env_cases("PROPTEST_CASES", 256)))]

    #[test]
    fn arbitrary_arguments_never_panic_the_parser(args in proptest::collection::vec(word(), 0..8)) {
        let _ = Cli::try_parse_from(std::iter::once("faultline".to_owned()).chain(args));
    }
}

/// Commands that only read: `run` with any scenario, variant, plan, faults, seed and format,
/// and `list`. (`sweep`, `exercises` and `new` write files or run for long; `tests/cli.rs`
/// covers their errors.)
fn read_only_command() -> impl Strategy<Value = Vec<String>> {
    let scenario = prop_oneof![
        4 => proptest::sample::select(faultline::scenarios().iter().map(|s| s.name).collect::<Vec<_>>())
            .prop_map(str::to_owned),
        1 => "[a-z]{0,8}",
    ];
    let variant = proptest::option::of(prop_oneof![
        Just("structured".to_owned()),
        Just("unstructured".to_owned()),
        "[a-z_]{0,12}",
    ]);
    let plan = proptest::option::of(prop_oneof![Just("none".to_owned()), "[a-z0-9-]{0,12}"]);
    let faults = proptest::option::of(r"[a-z0-9\[\]#=%*().@; ->]{0,30}");
    let seed = proptest::option::of(prop_oneof![
        any::<u64>().prop_map(|s| s.to_string()),
        "[a-z0-9-]{0,4}"
    ]);
    let format = proptest::option::of(prop_oneof![
        Just("json".to_owned()),
        Just("text".to_owned()),
        "[a-z]{0,5}"
    ]);
    prop_oneof![
        1 => Just(vec!["list".to_owned()]),
        9 => (scenario, variant, plan, faults, seed, format).prop_map(|(s, v, p, f, seed, fmt)| {
            let mut args = vec!["run".to_owned(), s];
            let mut opt = |flag: &str, value: Option<String>| {
                if let Some(value) = value {
                    args.push(flag.to_owned());
                    args.push(value);
                }
            };
            opt("--variant", v);
            opt("--plan", p);
            opt("--faults", f);
            opt("--seed", seed);
            opt("--format", fmt);
            args
        }),
    ]
}

proptest! {
    #![proptest_config(config(env_cases("FAULTLINE_FUZZ_RUNS", 48)))]

    #[test]
    fn commands_end_in_output_or_an_error_never_a_panic(args in read_only_command()) {
        let argv = std::iter::once("faultline".to_owned()).chain(args.clone());
        if let Ok(cli) = Cli::try_parse_from(argv) {
            match run(cli) {
                Ok(out) => prop_assert!(!out.text.is_empty(), "{args:?} printed nothing"),
                Err(err) => prop_assert!(!format!("{err:#}").is_empty(), "{args:?}: an empty error"),
            }
        }
    }
}
