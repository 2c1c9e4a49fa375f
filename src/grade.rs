//! The scoreboard: every rubric graded in-process against its exercise, as text for a
//! learner or as exercism-shaped JSON.

use std::fmt;

use faultline_harness::{Grade, Rubric, default_jobs, map_ordered};
use serde::Serialize;

/// One lesson's exercise and how it did.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// The lesson, e.g. `03 gather vs TaskGroup`.
    pub lesson: &'static str,
    /// The scenario (also the graded test's name).
    pub scenario: &'static str,
    /// The learner's file.
    pub exercise: &'static str,
    /// The grade, or why grading could not run.
    pub grade: Result<Grade, String>,
}

impl Lesson {
    /// Checks passed, checks in all (0 of 1 when grading could not run).
    pub fn score(&self) -> (usize, usize) {
        match &self.grade {
            Ok(g) => g.score(),
            Err(_) => (0, 1),
        }
    }

    /// Where its solution still panics with `todo!()` (`scenarios/gather/src/structured.rs:14:5`),
    /// when it does: the exercise is not started, whatever the checks a panic happens to
    /// pass (a stub that panics at once orphans nothing).
    pub fn todo(&self) -> Option<&str> {
        let todo = self.grade.as_ref().ok()?.todo.as_deref()?;
        Some(
            todo.split_once(" (at ")
                .and_then(|(_, at)| at.strip_suffix(')'))
                .unwrap_or(todo),
        )
    }

    /// How it stands, in a few words: `6/9`, or `not started`.
    pub fn standing(&self) -> String {
        if self.todo().is_some() {
            return "not started".to_owned();
        }
        let (passed, total) = self.score();
        format!("{passed}/{total}")
    }

    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.grade.as_ref().is_ok_and(Grade::passed)
    }

    /// The command that grades this exercise alone (in-process, in seconds; `cargo test
    /// --test graded <exercise>` grades it too, after a longer build).
    pub fn command(&self) -> String {
        format!("cargo run -- grade {}", self.scenario)
    }
}

/// Every lesson's grade, in course order.
#[derive(Debug, Clone)]
pub struct Scoreboard {
    /// One entry per rubric.
    pub lessons: Vec<Lesson>,
    /// The one exercise asked for (`grade <exercise>`): the board speaks of it alone.
    pub only: Option<String>,
    /// The variant graded instead of the learner's solution (`grade --variant`).
    pub variant: Option<String>,
}

/// Grades one rubric's reference variant (the learner's exercise), in-process; or
/// `variant` instead, to see how another variant fails. Its runs go on every core.
pub fn grade_one(rubric: &Rubric, variant: Option<&str>) -> Lesson {
    grade_one_on(rubric, variant, default_jobs())
}

/// [`grade_one`] with up to `jobs` runs at once: the lesson is the same whatever the number.
pub fn grade_one_on(rubric: &Rubric, variant: Option<&str>, jobs: usize) -> Lesson {
    let grade = crate::find(rubric.scenario)
        .map_err(|e| format!("{e:#}"))
        .and_then(|s| {
            rubric
                .grade_jobs(&s, variant.unwrap_or(rubric.reference), jobs)
                .map_err(|e| e.to_string())
        });
    Lesson {
        lesson: rubric.lesson,
        scenario: rubric.scenario,
        exercise: rubric.exercise,
        grade,
    }
}

/// Grades every rubric, or only the one for `only` (an unknown name is an error naming the
/// known ones), optionally against another `variant` than the exercise.
pub fn grade(only: Option<&str>, variant: Option<&str>) -> anyhow::Result<Scoreboard> {
    grade_on(only, variant, default_jobs())
}

/// [`grade`], with up to `jobs` exercises graded at once, each with up to `jobs` runs at
/// once: the scoreboard is the same whatever the number.
pub fn grade_on(
    only: Option<&str>,
    variant: Option<&str>,
    jobs: usize,
) -> anyhow::Result<Scoreboard> {
    let rubrics = crate::rubrics();
    if let Some(name) = only
        && !rubrics.iter().any(|r| r.scenario == name)
    {
        let known: Vec<&str> = rubrics.iter().map(|r| r.scenario).collect();
        anyhow::bail!(
            "unknown exercise {name:?}; known exercises: {}{} (see `cargo run -- grade`)",
            known.join(", "),
            crate::hint::did_you_mean(name, known.clone())
        );
    }
    let chosen: Vec<&Rubric> = rubrics
        .iter()
        .filter(|r| only.is_none_or(|n| n == r.scenario))
        .collect();
    if let Some(v) = variant {
        for rubric in &chosen {
            crate::find_variant(&crate::find(rubric.scenario)?, v)?;
        }
    }
    // Slowest first would finish sooner, but course order keeps it simple: a lesson per
    // worker, and its runs on up to `jobs` cores of their own (a lesson whose runs wait
    // in wall time, such as a tracker never closed, then does not hold the others up).
    let lessons = map_ordered(jobs, &chosen, |r| grade_one_on(r, variant, jobs));
    Ok(Scoreboard {
        lessons,
        only: only.map(str::to_owned),
        variant: variant.map(str::to_owned),
    })
}

impl Scoreboard {
    /// Whether every exercise passes.
    pub fn passed(&self) -> bool {
        self.lessons.iter().all(Lesson::passed)
    }

    /// The first lesson not yet passed.
    pub fn next(&self) -> Option<&Lesson> {
        self.lessons.iter().find(|l| !l.passed())
    }

    /// The results in exercism's shape (`version` 2, `status` pass/fail/error, one test
    /// per check), pretty-printed.
    pub fn to_json(&self) -> String {
        let mut tests = Vec::new();
        let mut errored = None;
        for lesson in &self.lessons {
            match &lesson.grade {
                Ok(grade) => {
                    for check in &grade.checks {
                        tests.push(TestResult {
                            name: format!("{}: {}", lesson.scenario, check.name),
                            status: if check.passed() { "pass" } else { "fail" },
                            message: (!check.passed()).then(|| check.to_string()),
                        });
                    }
                }
                Err(why) => {
                    errored.get_or_insert_with(|| format!("{}: {why}", lesson.scenario));
                    tests.push(TestResult {
                        name: lesson.scenario.to_owned(),
                        status: "error",
                        message: Some(why.clone()),
                    });
                }
            }
        }
        let status = match (&errored, self.passed()) {
            (Some(_), _) => "error",
            (None, true) => "pass",
            (None, false) => "fail",
        };
        let results = Results {
            version: 2,
            status,
            message: errored,
            tests,
        };
        serde_json::to_string_pretty(&results).expect("results always serialize") + "\n"
    }
}

#[derive(Serialize)]
struct Results {
    version: u32,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    tests: Vec<TestResult>,
}

#[derive(Serialize)]
struct TestResult {
    name: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

impl fmt::Display for Scoreboard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.variant {
            Some(v) => writeln!(
                f,
                "faultline exercises, graded on variant {v} (not your solution)"
            )?,
            None => writeln!(f, "faultline exercises")?,
        }
        let width =
            |column: fn(&Lesson) -> usize| self.lessons.iter().map(column).max().unwrap_or(0);
        let (w, sw) = (width(|l| l.lesson.len()), width(|l| l.standing().len()));
        for lesson in &self.lessons {
            let mark = if lesson.passed() { "✓" } else { "✗" };
            let what = match &self.variant {
                Some(v) => format!("variant {v}"),
                None => lesson.exercise.to_owned(),
            };
            writeln!(
                f,
                "  {mark} {:w$}  {:sw$}  {what}",
                lesson.lesson,
                lesson.standing(),
            )?;
        }
        let done = self.lessons.iter().filter(|l| l.passed()).count();
        writeln!(f, "{done}/{} lessons passed", self.lessons.len())?;
        let Some(next) = self.next() else {
            return match &self.only {
                Some(only) => writeln!(f, "{only} passes: well done"),
                None => writeln!(f, "every exercise passes: well done"),
            };
        };
        writeln!(f)?;
        // What fails first, then what to do about it: the `next:` line closes the output.
        if let Some(variant) = &self.variant {
            writeln!(f, "how {variant} fails lesson {}:", next.lesson)?;
        } else if let Some(todo) = next.todo() {
            return writeln!(
                f,
                "next: lesson {} — not started: write the todo!() at {todo} (its hint is above \
                 it), then run `{}`",
                next.lesson,
                next.command()
            );
        } else {
            writeln!(
                f,
                "lesson {} — {} fails these checks:",
                next.lesson, next.exercise
            )?;
        }
        match &next.grade {
            Ok(grade) => {
                for check in grade.checks.iter().filter(|c| !c.passed()) {
                    write!(f, "{check}")?;
                }
            }
            Err(why) => writeln!(f, "  grading could not run: {why}")?,
        }
        if self.variant.is_none() {
            writeln!(f)?;
            writeln!(
                f,
                "next: edit {}, then run `{}`",
                next.exercise,
                next.command()
            )?;
        }
        Ok(())
    }
}
