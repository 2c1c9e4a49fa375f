//! faultline:author-only — pins the reference solutions' pictures; not exported to learners.
//!
//! The HTML/SVG pictures (`harness/src/report/html.rs`) and the main job's shape: the SVG
//! of two small runs as insta snapshots, the same bytes on 20 fresh runs, text from a
//! report escaped, a page that loads nothing from anywhere, one lane per task, one heat-map
//! cell per plan × variant, and the CLI's `--format html` and `--html PATH`.
//! (`tests/browser.rs` opens the main job's page in a real browser.)

use clap::Parser;
use faultline::cli::{Cli, run};
use faultline::harness::{Builder, Failure, Report, spawn, sweep, timeline_svg};
use faultline::main_job::{PUZZLE, main_job};

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn gather(variant: &str, plan: &str) -> Report {
    scenario_gather::scenario().run(variant, plan, 0).unwrap()
}

fn cli(args: &[&str]) -> anyhow::Result<String> {
    run(Cli::try_parse_from(std::iter::once("faultline").chain(args.iter().copied())).unwrap())
        .map(|p| p.text)
}

/// One small run's timeline, byte for byte: a lane per task, the outcome shapes, the hits.
#[test]
fn the_svg_of_a_small_run_is_pinned() {
    let report = gather("structured", "fetch3-and-4-fail");
    snapshot(
        "gather@structured@fetch3-and-4-fail@svg",
        &timeline_svg(&[report]),
    );
}

/// A run with a pool, a store, a timed event and leaks: the resource lanes, pinned.
#[test]
fn the_svg_of_a_run_with_a_pool_is_pinned() {
    let report = scenario_guards::scenario()
        .run("unstructured", "pool-exhausted", 0)
        .unwrap();
    snapshot(
        "guards@unstructured@pool-exhausted@svg",
        &timeline_svg(&[report]),
    );
}

/// Two tasks that share a name get a lane each, and each one's fault-point hit is drawn on
/// its own lane (the second's used to land on the first's, after that one had ended).
#[test]
fn a_hit_goes_on_the_lane_of_its_own_task_when_two_share_a_name() {
    let report = Builder::new("twins", "restarted")
        .run(|| async {
            for _ in 0..2 {
                let feed = spawn("feed", async {
                    faultline::harness::point("read").await?;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    Ok::<(), Failure>(())
                });
                feed.await.unwrap()?;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Ok::<(), Failure>(())
        })
        .unwrap();
    let feeds: Vec<_> = report.tasks.iter().filter(|t| t.name == "feed").collect();
    assert_eq!(feeds.len(), 2, "{report}");
    let svg = timeline_svg(std::slice::from_ref(&report));
    // The y of each task lane's label and of each hit's diamond centre.
    let lanes: Vec<f64> = svg
        .match_indices("data-task=\"feed\"")
        .map(|(at, _)| {
            let text = &svg[at..];
            let y = text.split("<text x=\"").nth(1).unwrap();
            let y = y.split("y=\"").nth(1).unwrap();
            y[..y.find('"').unwrap()].parse::<f64>().unwrap()
        })
        .collect();
    let hits: Vec<f64> = svg
        .match_indices("<path class=\"hit\" d=\"M")
        .map(|(at, m)| {
            let d = &svg[at + m.len()..];
            // M{x} {top}L{right} {cy}…: the centre's y follows the first L.
            let after_l = d.split('L').nth(1).unwrap();
            let cy = after_l.split([' ', 'L']).nth(1).unwrap();
            cy.parse::<f64>().unwrap()
        })
        .collect();
    assert_eq!(lanes.len(), 2, "{svg}");
    assert_eq!(hits.len(), 2, "{svg}");
    // Each hit sits in its own lane: the lane's label is 13.5 px below the hit's centre.
    assert_eq!(hits[0] + 13.5, lanes[0], "{svg}");
    assert_eq!(
        hits[1] + 13.5,
        lanes[1],
        "the second feed's hit is on its own lane:\n{svg}"
    );
}

/// The same run gives the same bytes: 20 fresh runs, each rendered as SVG and as a page.
#[test]
fn twenty_runs_render_to_the_same_bytes() {
    let render = || {
        let reports: Vec<Report> = ["unstructured", "structured"]
            .iter()
            .map(|v| gather(v, "fetch3-and-4-fail"))
            .collect();
        (
            timeline_svg(&reports[1..]),
            faultline::harness::comparison_html(&reports),
        )
    };
    let first = render();
    for i in 1..20 {
        assert!(render() == first, "rerun {i} rendered different bytes");
    }
}

/// The whole main job's page, twice: the same bytes.
#[test]
fn the_main_jobs_page_is_the_same_twice() {
    let a = main_job(0).unwrap().html();
    let b = main_job(0).unwrap().html();
    assert!(a == b, "the main job's HTML differs between two runs");
}

/// Names, errors and results reach the page escaped: nothing in a report becomes markup.
#[test]
fn text_from_a_report_is_escaped() {
    let report = Builder::new("<scenario>", "v&'\"")
        .run(|| async {
            let t = spawn("<img src=x>", async {
                Err::<(), _>(Failure::new("<script>", "alert('x') & \"y\""))
            });
            drop(t); // detached: its error is swallowed, so it is drawn and listed
        })
        .unwrap();
    let page = faultline::harness::report_html(&report);
    for raw in ["<script", "<img", "<scenario>", "alert('x')"] {
        assert!(!page.contains(raw), "{raw:?} reached the page unescaped");
    }
    for escaped in [
        "&lt;img src=x&gt;",
        "&lt;script&gt;",
        "v&amp;&#39;&quot;",
        "alert(&#39;x&#39;) &amp; &quot;y&quot;",
    ] {
        assert!(page.contains(escaped), "{escaped:?} missing");
    }
}

/// The page loads nothing: no script, no link, no image, no URL in any attribute.
#[test]
fn the_main_jobs_page_is_self_contained() {
    let page = main_job(0).unwrap().html();
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    for banned in [
        "<script", "<link", "<img", "<iframe", " src=", "url(", "@import",
    ] {
        assert!(!page.contains(banned), "the page contains {banned:?}");
    }
    // The only absolute URL in markup is the SVG namespace (never fetched).
    let hrefs = page.matches("href=\"").count();
    let local = page.matches("href=\"#").count();
    assert_eq!(hrefs, local, "every link is an anchor in the page");
}

/// One lane per task, for each run of the main job (no run has more than the lane cap).
#[test]
fn the_page_has_one_lane_per_task() {
    let job = main_job(0).unwrap();
    let page = job.html();
    let puzzle = &job.tables[0];
    assert_eq!(
        (puzzle.scenario, puzzle.plan),
        PUZZLE,
        "the puzzle comes first"
    );
    for r in job.tables.iter().flat_map(|t| &t.reports) {
        if r.tasks.len() > 40 {
            continue; // drawn up to 40 lanes, the rest counted
        }
        let run = format!(
            "class=\"lane task\" data-run=\"{}/{}/{}\"",
            r.scenario,
            r.variant,
            r.plan_name.as_deref().unwrap()
        );
        assert_eq!(page.matches(&run).count(), r.tasks.len(), "{run}");
    }
}

/// A sweep's heat map has a cell per plan × variant, each with its replay command.
#[test]
fn a_sweep_is_a_heat_map_with_a_cell_per_plan_and_variant() {
    let scenario = scenario_gather::scenario();
    let actions = faultline::harness::default_actions();
    let report = sweep(&scenario, &actions, &[0], |_, _| {}).unwrap();
    let page = faultline::harness::sweep_html(&report);
    let cells = page.matches("<td class=\"k-").count();
    assert_eq!(cells, report.plans.len() * report.variants.len());
    for v in &report.variants {
        assert_eq!(v.cases.len(), report.plans.len());
        for case in &v.cases {
            assert!(page.contains(&format!(
                "<code>{}</code>",
                case.replay.replace('\'', "&#39;")
            )));
        }
    }
    // Coloured by what went wrong, and labelled in words too.
    assert!(page.contains("<td class=\"k-outlived\""));
    assert!(page.contains("<summary>outlived</summary>"));
    assert!(page.contains("<td class=\"k-clean\""));
}

/// `--format html` for `run` and `sweep`, `--html PATH` for the main job, `run` and `sweep`.
#[test]
fn the_cli_writes_html() {
    let one = cli(&[
        "run",
        "gather",
        "--variant",
        "structured",
        "--plan",
        "fetch3-and-4-fail",
        "--format",
        "html",
    ])
    .unwrap();
    assert!(one.starts_with("<!DOCTYPE html>") && one.contains("class=\"lane task\""));
    let many = cli(&["run", "gather", "--plan", "none", "--format", "html"]).unwrap();
    assert_eq!(
        many.matches("<g class=\"run\"").count(),
        3,
        "a run per variant"
    );

    let dir = std::env::temp_dir().join(format!("faultline-pictures-{}", std::process::id()));
    for (args, file) in [
        (vec![], "main.html"),
        (vec!["compare"], "compare.html"),
        (vec!["run", "guards"], "guards.html"),
        (vec!["sweep", "awaitables"], "sweep.html"),
    ] {
        let path = dir.join("nested").join(file);
        let path_text = path.to_str().unwrap();
        let mut argv = args.clone();
        argv.extend(["--html", path_text]);
        let out = cli(&argv).unwrap();
        assert!(
            out.starts_with(&format!("wrote {path_text} (")),
            "{argv:?} printed {out}"
        );
        let page = std::fs::read_to_string(&path).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"), "{argv:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();

    let err = cli(&["list", "--html", "x.html"]).unwrap_err();
    assert!(format!("{err:#}").contains("--html works with the main job"));
    let err = cli(&["run", "gather", "--format", "json", "--html", "x.html"]).unwrap_err();
    assert!(format!("{err:#}").contains("drop --format json"));
}

/// The main job reads top to bottom: the puzzle first, every table, the overview, then a
/// legend of every term the tables use, and the next commands one a line.
#[test]
fn the_main_job_opens_with_the_puzzle_and_closes_with_a_legend_and_the_next_steps() {
    let text = faultline::compare_all(0).unwrap();
    let first_table = text.find(" · plan ").expect("a table");
    let puzzle = format!("{} · plan {} (", PUZZLE.0, PUZZLE.1);
    let table_line = text[..first_table].rfind('\n').unwrap() + 1;
    assert!(
        text[table_line..].starts_with(&puzzle),
        "the puzzle is the first table"
    );
    let overview = text.find("\noverview").expect("an overview");
    assert!(overview > text.rfind(" · plan ").unwrap());
    let legend = text.find("\nlegend").expect("a legend");
    assert!(legend > overview, "the legend follows the overview");
    let next = text.find("\nnext:\n").expect("the next commands");
    assert!(next > legend);
    // Every word the tables print is in the legend (its lines wrapped: read it as prose).
    let legend_text = text[legend..next]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for word in [
        "result",
        "completed",
        "failed",
        "panicked",
        "cancelled",
        "stalled",
        "dropped at shutdown",
        "observed",
        "SWALLOWED",
        "OUTLIVED",
        "BLOCKED",
        "untracked",
        "leaked resources",
        "partial writes",
        "pool",
        "dry at",
        "LEAKED",
        "gauge",
        "peak",
        " in ",
        "end",
        "store",
        "PARTIAL",
        "rolled back",
        "quiescent at",
        "never",
    ] {
        assert!(
            legend_text.contains(word),
            "the legend does not explain {word:?}"
        );
    }
    let commands = &text[next + "\nnext:\n".len()..];
    for command in [
        "run gather --variant",
        "--plan",
        "grade",
        "--html target/faultline/report.html",
    ] {
        let line = commands
            .lines()
            .find(|l| l.contains(command))
            .unwrap_or_else(|| panic!("no next command has {command:?}"));
        assert!(line.starts_with("  cargo run -- "), "{line}");
    }
}

/// The legend shows every shape and colour the main job's page draws: each task outcome
/// (`data-outcome`), each kind of mark (hits, timed events, the part run after a parent
/// ended, a pool's level, dry and leak marks, waits, a gauge's peak, transactions), and
/// DISCARDED as well as SWALLOWED.
#[test]
fn the_legend_names_every_shape_and_colour_the_page_uses() {
    let page = main_job(0).unwrap().html();
    let start = page.find("<figure class=\"legend\">").expect("a legend");
    let legend = &page[start..start + page[start..].find("</figure>").unwrap()];
    let timelines = &page[start + legend.len()..];
    let attr = |text: &str, name: &str| -> std::collections::BTreeSet<String> {
        let key = format!("{name}=\"");
        text.match_indices(&key)
            .map(|(at, _)| {
                let v = &text[at + key.len()..];
                v[..v.find('"').unwrap()].to_owned()
            })
            .collect()
    };
    let kinds = attr(legend, "data-kind");
    for outcome in attr(timelines, "data-outcome") {
        assert!(
            kinds.contains(&outcome),
            "no legend item for outcome {outcome:?}"
        );
    }
    let marks = [
        "outlived", "hit", "event", "level", "dry", "leak", "wait", "peak", "tx",
    ];
    let used = attr(timelines, "class");
    for mark in marks {
        assert!(
            used.contains(mark),
            "the main job draws no {mark:?}: update this list"
        );
        assert!(kinds.contains(mark), "no legend item for the {mark:?} mark");
    }
    // Every colour a timeline fills or strokes with is one the legend shows.
    let chrome = ["#fff", "#f5f5f5", "#e0e0e0", "#616161", "white", "none"];
    let colours = |text: &str| {
        let mut all = attr(text, "fill");
        all.extend(attr(text, "stroke"));
        all.retain(|c| !chrome.contains(&c.as_str()));
        all
    };
    let shown = colours(legend);
    for colour in colours(timelines) {
        assert!(
            shown.contains(&colour),
            "the legend shows nothing in {colour}"
        );
    }
    for word in ["DISCARDED", "SWALLOWED", "LEAKED", "GAVE UP", "PARTIAL"] {
        assert!(legend.contains(word), "the legend does not say {word}");
    }
}

/// Headlines wrap, never cut: no text in the main job's pictures ends in `…`, and a run's
/// `NOT CLEAN: …` line that is longer than one row takes two.
#[test]
fn no_headline_or_label_in_the_pictures_is_cut() {
    let page = main_job(0).unwrap().html();
    assert!(!page.contains("…</text>"), "a label is cut");
    assert!(!page.contains("…</tspan>"), "a label is cut");
    assert!(
        page.contains("font-weight=\"bold\"><tspan"),
        "no status line wraps"
    );
}

/// The page says its title once: a comparison's page has no header line repeating it.
#[test]
fn a_pages_title_is_said_once() {
    let reports: Vec<Report> = ["unstructured", "structured"]
        .iter()
        .map(|v| gather(v, "fetch3-and-4-fail"))
        .collect();
    for page in [
        faultline::harness::comparison_html(&reports),
        faultline::harness::report_html(&reports[0]),
    ] {
        let h1 = page
            .split("<h1>")
            .nth(1)
            .unwrap()
            .split("</h1>")
            .next()
            .unwrap();
        // What the page shows: without the folded text form (`<pre>`, whose first line
        // is the header) and the hover titles (`<title>`, the document's among them).
        let without = |text: &str, open: &str, close: &str| -> String {
            text.split(open)
                .enumerate()
                .map(|(i, part)| match part.split_once(close) {
                    Some((_, after)) if i > 0 => after,
                    _ => part,
                })
                .collect()
        };
        let shown = without(&without(&page, "<pre>", "</pre>"), "<title>", "</title>");
        assert_eq!(shown.matches(h1).count(), 1, "said once, in <h1>: {h1}");
        assert!(h1.contains("seed 0"), "{h1}");
    }
}
