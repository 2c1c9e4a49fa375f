//! faultline:author-only — proves every rubric can fail; not exported to learners.
//!
//! Every rubric passes its reference variant, fails each other variant on exactly the
//! checks it lists (except a variant it declares caught elsewhere, by a test it names: that
//! one must pass), and fails a stub that returns at once and one that panics (what an
//! unsolved exercise does). Every rubric has a gallery of at least four wrong solutions,
//! each rejected by the checks it names, and every hint is tied to a check that one of them
//! fails. Every rubric also has at least two right solutions written another way, each
//! passing every check (or marked pending a harness fix). Every check fails somewhere: on
//! a variant, a wrong solution, a stub, or — for the harness's own lifecycle checks — on a
//! ground-truth program built to break it.

use std::collections::BTreeSet;
use std::time::Duration;

use faultline::harness::{Builder, Check, Plan, Report, point, spawn};

fn scenario_of(rubric: &faultline::harness::Rubric) -> faultline::harness::Scenario {
    faultline::find(rubric.scenario).expect("every rubric names a known scenario")
}

#[test]
fn every_reference_variant_passes_its_rubric() {
    for rubric in faultline::rubrics() {
        let grade = rubric
            .grade(&scenario_of(&rubric), rubric.reference)
            .unwrap();
        assert!(
            grade.passed(),
            "the reference fails its own rubric:\n{grade}"
        );
    }
}

#[test]
fn every_other_variant_fails_exactly_the_checks_listed() {
    for rubric in faultline::rubrics() {
        let scenario = scenario_of(&rubric);
        for variant in scenario.variants.iter().filter(|v| {
            v.name != rubric.reference && !rubric.caught_elsewhere.iter().any(|(c, _)| *c == v.name)
        }) {
            let listed = rubric
                .expected_failures
                .iter()
                .find(|(v, _)| *v == variant.name)
                .map(|(_, checks)| checks.clone())
                .unwrap_or_else(|| {
                    panic!(
                        "rubric {} lists no expected failures for variant {}: add \
                         .expect_fail({:?}, &[..]) to its rubric()",
                        rubric.scenario, variant.name, variant.name
                    )
                });
            assert!(
                !listed.is_empty(),
                "{}: variant {} must fail some check",
                rubric.scenario,
                variant.name
            );
            let grade = rubric.grade(&scenario, variant.name).unwrap();
            let failed = grade.failed();
            let want: BTreeSet<&str> = listed.iter().copied().collect();
            let got: BTreeSet<&str> = failed.iter().copied().collect();
            assert_eq!(
                got, want,
                "{} / {}: failed checks differ from the rubric's list\n{grade}",
                rubric.scenario, variant.name
            );
        }
    }
}

/// A variant whose defect no report can show (a race one thread never runs into) is
/// allowed to pass its rubric only when the rubric says so with `.caught_elsewhere(..)`,
/// names the test that catches it, lists no expected failures for it, and it does pass:
/// once the rubric catches it, it must move to `.expect_fail(..)`.
#[test]
fn every_variant_caught_elsewhere_passes_and_names_an_existing_test() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for rubric in faultline::rubrics() {
        let scenario = scenario_of(&rubric);
        for (variant, test) in &rubric.caught_elsewhere {
            assert!(
                !rubric.expected_failures.iter().any(|(v, _)| v == variant),
                "{} / {variant}: both caught elsewhere and expected to fail",
                rubric.scenario
            );
            assert!(
                root.join(test).is_file(),
                "{} / {variant}: the test that catches it, {test}, does not exist",
                rubric.scenario
            );
            let grade = rubric.grade(&scenario, variant).unwrap();
            assert!(
                grade.passed(),
                "{} / {variant} is said to be caught elsewhere, but the rubric catches it: \
                 list it with .expect_fail(..) instead\n{grade}",
                rubric.scenario
            );
        }
    }
}

/// What an exported, unsolved exercise does: `todo!()` panics at once.
fn panicking_stub(b: &Builder) -> Result<Report, faultline::harness::Error> {
    b.run(|| async { std::panic::panic_any::<&str>("not yet implemented") as () })
}

#[test]
fn every_rubric_fails_a_stub_that_returns_at_once_and_one_that_panics() {
    for rubric in faultline::rubrics() {
        let scenario = scenario_of(&rubric);
        let stub = rubric
            .stub
            .unwrap_or_else(|| panic!("rubric {} has no .stub(..)", rubric.scenario));
        for (name, run) in [("stub", stub), ("todo", panicking_stub as _)] {
            let grade = rubric.grade_with(&scenario, name, run).unwrap();
            assert!(
                !grade.passed(),
                "{} passes the {name} stub:\n{grade}",
                rubric.scenario
            );
        }
    }
}

fn lifecycle_names() -> BTreeSet<&'static str> {
    Check::lifecycle().iter().map(|c| c.name).collect()
}

#[test]
fn every_exercise_has_a_gallery_of_at_least_four_wrong_solutions() {
    for rubric in faultline::rubrics() {
        let scenario = scenario_of(&rubric);
        let names: Vec<&str> = rubric.gallery.iter().map(|w| w.name).collect();
        assert!(
            names.len() >= 4,
            "{}: {} wrong solutions ({names:?}); write at least four in \
             scenarios/{}/src/gallery.rs",
            rubric.scenario,
            names.len(),
            rubric.scenario
        );
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(
            unique.len(),
            names.len(),
            "{}: a name twice",
            rubric.scenario
        );
        for wrong in &rubric.gallery {
            assert!(
                scenario.find_variant(wrong.name).is_err(),
                "{} / {}: also a variant's name",
                rubric.scenario,
                wrong.name
            );
            assert!(
                rubric.find_hint(wrong.hint).is_some(),
                "{} / {}: replaces the region of hint {:?}, which the rubric does not have",
                rubric.scenario,
                wrong.name,
                wrong.hint
            );
            assert!(
                !wrong.rejected_by.is_empty(),
                "{} / {}: names no check that rejects it",
                rubric.scenario,
                wrong.name
            );
            for check in &wrong.rejected_by {
                assert!(
                    rubric.checks.iter().any(|c| c.name == *check),
                    "{} / {}: no check {check:?} in the rubric",
                    rubric.scenario,
                    wrong.name
                );
            }
        }
    }
}

/// The mutation test of every rubric: each wrong solution fails (at least) the checks it
/// names. An entry whose only named check is not in the harness yet waits, and says so.
#[test]
fn every_wrong_solution_is_rejected_by_the_checks_it_names() {
    let rubrics = faultline::rubrics();
    std::thread::scope(|s| {
        for rubric in &rubrics {
            s.spawn(move || {
                let scenario = scenario_of(rubric);
                for wrong in &rubric.gallery {
                    let want = &wrong.rejected_by;
                    let grade = rubric.grade(&scenario, wrong.name).unwrap();
                    let failed = grade.failed();
                    let missed: Vec<&str> = want
                        .iter()
                        .copied()
                        .filter(|c| !failed.contains(c))
                        .collect();
                    assert!(
                        missed.is_empty(),
                        "{} / {}: the rubric accepts this wrong solution on {missed:?}: fix the \
                         rubric (a plan, a check, the sweep), not the gallery\n{grade}",
                        rubric.scenario,
                        wrong.name
                    );
                }
            });
        }
    });
}

#[test]
fn every_exercise_has_a_gallery_of_at_least_two_right_solutions() {
    for rubric in faultline::rubrics() {
        let scenario = scenario_of(&rubric);
        let names: Vec<&str> = rubric.right.iter().map(|r| r.name).collect();
        assert!(
            names.len() >= 2,
            "{}: {} right solutions ({names:?}); write at least two another way in \
             scenarios/{}/src/right.rs",
            rubric.scenario,
            names.len(),
            rubric.scenario
        );
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(
            unique.len(),
            names.len(),
            "{}: a name twice",
            rubric.scenario
        );
        for name in names {
            assert!(
                scenario.find_variant(name).is_err() && rubric.find_wrong(name).is_none(),
                "{} / {name}: also a variant's or a wrong solution's name",
                rubric.scenario
            );
        }
    }
}

/// The other half of the proof: a correct solution written another way passes every check.
/// One that waits for a harness fix (`Right::pending`) is reported, not failed, and must
/// not pass yet (once it does, drop the mark).
#[test]
fn every_right_solution_passes_every_check() {
    let rubrics = faultline::rubrics();
    std::thread::scope(|s| {
        for rubric in &rubrics {
            s.spawn(move || {
                let scenario = scenario_of(rubric);
                for right in &rubric.right {
                    let grade = rubric.grade(&scenario, right.name).unwrap();
                    match right.pending {
                        None => assert!(
                            grade.passed(),
                            "{} / {}: the rubric rejects this right solution: fix the rubric \
                             (a check that asks for more than the promise), not the gallery\n{grade}",
                            rubric.scenario,
                            right.name
                        ),
                        Some(why) => {
                            assert!(
                                !grade.passed(),
                                "{} / {}: passes now: drop its pending mark ({why})",
                                rubric.scenario,
                                right.name
                            );
                            eprintln!("pending: {} / {} ({why})", rubric.scenario, right.name);
                        }
                    }
                }
            });
        }
    });
}

/// Each hint's point is broken by some wrong solution of its region, which a check proves.
#[test]
fn every_hint_is_tied_to_a_check_that_a_wrong_solution_fails() {
    for rubric in faultline::rubrics() {
        for (hint, _) in &rubric.hints {
            let tied: Vec<(&str, Vec<&str>)> = (rubric.gallery.iter())
                .filter(|w| w.hint == *hint)
                .map(|w| (w.name, w.rejected_by.to_vec()))
                .collect();
            assert!(
                !tied.is_empty(),
                "{}: no wrong solution of the region {hint:?} is rejected by a check: write one \
                 that misses the hint's point, and the plan or check that catches it",
                rubric.scenario
            );
        }
    }
}

#[test]
fn every_scenario_specific_check_fails_on_some_variant_or_stub() {
    for rubric in faultline::rubrics() {
        let scenario = scenario_of(&rubric);
        let mut failed: BTreeSet<&str> = rubric
            .expected_failures
            .iter()
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        // Proven by every_wrong_solution_is_rejected_by_the_checks_it_names.
        failed.extend(
            rubric
                .gallery
                .iter()
                .flat_map(|w| w.rejected_by.iter().copied()),
        );
        let stub = rubric.stub.expect("checked above");
        failed.extend(rubric.grade_with(&scenario, "stub", stub).unwrap().failed());
        for check in &rubric.checks {
            assert!(
                failed.contains(check.name) || lifecycle_names().contains(check.name),
                "{}: check {} never fails: nothing proves it can (add a variant or plan that \
                 breaks it, or drop it)",
                rubric.scenario,
                check.name
            );
        }
    }
}

fn run(plan: &str, body: fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) -> Report {
    let mut b = Builder::new("proof", "case");
    b.named_plan("p", Plan::parse(plan).unwrap())
        .deadline(Duration::from_secs(10));
    b.run(body).unwrap()
}

/// Each of the harness's lifecycle checks fails on a program built to break it.
#[test]
fn every_lifecycle_check_fails_on_a_program_that_breaks_it() {
    let cases: [(&str, Report); 12] = [
        (
            "no-orphans",
            run("none", || {
                Box::pin(async {
                    drop(spawn(
                        "child",
                        tokio::time::sleep(Duration::from_millis(50)),
                    ));
                })
            }),
        ),
        (
            "no-swallowed-errors",
            run("work=error(Boom)", || {
                Box::pin(async {
                    drop(spawn("child", async { point("work").await }));
                })
            }),
        ),
        (
            "no-discarded-errors",
            run("work=error(Boom)", || {
                Box::pin(async {
                    let _ = spawn("child", async { point("work").await }).await;
                })
            }),
        ),
        (
            "no-blocked-executor",
            Builder::new("proof", "blocks")
                .detect_blocking(Duration::from_millis(10))
                .run(|| async {
                    // A blocking call on the executor's thread: what the check is for.
                    #[allow(clippy::disallowed_methods, reason = "blocking on purpose")]
                    std::thread::sleep(Duration::from_millis(60));
                })
                .unwrap(),
        ),
        (
            "no-leaked-connections",
            run("none", || {
                Box::pin(async {
                    let pool = faultline::harness::Pool::new("db", 1);
                    drop(pool.checkout().await);
                })
            }),
        ),
        (
            "no-partial-writes",
            run("none", || {
                Box::pin(async {
                    let store = faultline::harness::Store::new("accounts");
                    let mut tx = store.begin();
                    tx.write("a");
                    drop(tx);
                })
            }),
        ),
        (
            "no-stalled-tasks",
            run("none", || Box::pin(std::future::pending())),
        ),
        (
            "no-spinning-tasks",
            // Always ready again (io::empty() yields only through the co-op budget): the
            // paused clock never moves; the watchdog ends the run after its period.
            Builder::new("proof", "spinning")
                .watchdog(Duration::from_millis(300))
                .run(|| async {
                    use tokio::io::AsyncReadExt;
                    let mut buf = [0u8; 1];
                    let mut empty = tokio::io::empty();
                    loop {
                        let read = empty.read(&mut buf);
                        let _ = tokio::time::timeout(Duration::from_millis(1), read).await;
                    }
                })
                .unwrap(),
        ),
        (
            "no-tasks-dropped-at-shutdown",
            run("none", || {
                Box::pin(async {
                    // Detached, never ends, never wakes: dropped when the runtime goes.
                    drop(spawn("child", std::future::pending::<()>()));
                })
            }),
        ),
        (
            "deterministic",
            // This build has --cfg tokio_unstable, so no run here is unseeded: a report with
            // the count set stands in for one built without it.
            {
                let mut r = run("none", || Box::pin(async {}));
                r.summary.not_deterministic = 1;
                r
            },
        ),
        (
            "no-untracked-tasks",
            // Past the ledger's cap a task runs but gets no row.
            Builder::new("proof", "past-the-cap")
                .max_tasks(2)
                .run(|| async {
                    for i in 0..3 {
                        spawn(("t", i), async {}).await.unwrap();
                    }
                })
                .unwrap(),
        ),
        (
            "no-panics",
            run("none", || {
                Box::pin(async {
                    let pages: Vec<Option<&str>> = vec![None];
                    let _ = pages[0].unwrap();
                })
            }),
        ),
    ];
    let names: BTreeSet<&str> = cases.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, lifecycle_names(), "one case per lifecycle check");
    for check in Check::lifecycle() {
        let (_, report) = cases.iter().find(|(n, _)| *n == check.name).unwrap();
        assert!(
            check.check(report).is_err(),
            "{} passes a program built to break it:\n{report}",
            check.name
        );
        let clean = run("none", || Box::pin(async {}));
        assert!(
            check.check(&clean).is_ok(),
            "{} fails a clean run",
            check.name
        );
    }
}

/// `no-panics` counts the panics a program makes, not the ones its plan injects.
#[test]
fn a_panic_the_plan_injects_is_not_counted_by_no_panics() {
    let injected = run("work=panic(boom)", || {
        Box::pin(async {
            let joined = spawn("child", async { point("work").await }).await;
            assert!(joined.is_err_and(|e| e.is_panic()));
        })
    });
    assert_eq!(injected.summary.panicked, 1, "{injected}");
    assert!(Check::no_panics().check(&injected).is_ok(), "{injected}");
}

/// The differential's data is current: each rubric's reference, graded now, shows what its
/// `scenarios/<name>/reference.txt` records, byte for byte. With
/// `FAULTLINE_UPDATE_REFERENCE=1` the files are rewritten instead (then review the diff).
#[test]
fn recorded_observations_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("FAULTLINE_UPDATE_REFERENCE").is_some();
    let mut stale = Vec::new();
    for rubric in faultline::rubrics() {
        assert!(
            !rubric.observations.is_empty() && rubric.recorded.is_some(),
            "{}: no differential: add .differential(observations, \
             include_str!(\"../reference.txt\")) to its rubric()",
            rubric.scenario
        );
        let grade = rubric
            .grade(&scenario_of(&rubric), rubric.reference)
            .unwrap();
        let fresh = grade.observed.render();
        let path = root
            .join("scenarios")
            .join(rubric.scenario)
            .join("reference.txt");
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if fresh == on_disk {
            continue;
        }
        if update {
            std::fs::write(&path, &fresh).unwrap();
            eprintln!("rewrote {}", path.display());
        } else {
            let diff = faultline::harness::line_diff(&on_disk, &fresh);
            stale.push(format!(
                "scenarios/{}/reference.txt:\n{diff}",
                rubric.scenario
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "the recorded observations of the reference are stale (- recorded, + now); refresh \
         them with `FAULTLINE_UPDATE_REFERENCE=1 cargo test --test rubric_proof \
         recorded_observations` and review the diff:\n{}",
        stale.join("\n")
    );
}

/// The differential fails the stub of every exercise, and a failed check names the first
/// observation that differs from the reference under its plan: here a producer that
/// `try_send`s and drops what does not fit (the "16/16, well done").
#[test]
fn the_differential_rejects_every_stub_and_names_the_first_difference() {
    for rubric in faultline::rubrics() {
        let stub = rubric.stub.expect("every rubric has a stub");
        let grade = rubric
            .grade_with(&scenario_of(&rubric), "stub", stub)
            .unwrap();
        assert!(
            grade
                .failed()
                .contains(&faultline::harness::MATCHES_THE_REFERENCE),
            "{}: the stub matches the reference\n{grade}",
            rubric.scenario
        );
    }
    let rubric = faultline::rubrics()
        .into_iter()
        .find(|r| r.scenario == "shutdown")
        .unwrap();
    let grade = rubric
        .grade(&scenario_of(&rubric), "drops-when-the-queue-is-full")
        .unwrap();
    let check = |name: &str| {
        let check = grade.checks.iter().find(|c| c.name == name).unwrap();
        check.to_string()
    };
    let line = "    differs: under `none` the reference's messages lost was 0; yours 16\n";
    assert!(
        check("commits-every-offered-message").contains(line),
        "{grade}"
    );
    let differential = check(faultline::harness::MATCHES_THE_REFERENCE);
    assert!(
        differential.starts_with(
            "✗ matches-the-reference — under plan none\n    - expected  as the reference: \
             messages lost 0\n    + found     messages lost 16 (the first difference under \
             this plan)\n"
        ),
        "{differential}"
    );
}
