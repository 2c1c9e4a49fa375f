//! faultline:author-only — the pictures in a real browser: headless Chromium opens the main
//! job's HTML page; it loads without a single console message, its DOM has one lane per
//! task of a known run, and its screenshot is not blank. It also takes the README's picture
//! of the gather puzzle.
//!
//! `#[ignore]`d by default: it needs Debian's `chromium` (another binary with
//! `FAULTLINE_CHROMIUM`). `.ci/run` installs it when missing and runs
//! `cargo test --test browser -- --ignored`. Files go to a `browser` folder in cargo's temporary directory for tests; with
//! `FAULTLINE_UPDATE_SCREENSHOT=1` the gather picture is also copied to `docs/gather.png`,
//! and the hash of the page it was taken from to `docs/gather.png.page-hash`.
//!
//! The one test that is not ignored needs no browser: it renders the gather page afresh
//! and fails when its hash is not the one stored beside the picture, that is, when the
//! committed picture shows a page that has since changed (a verdict, a colour, a label).

// A browser is a child process on the wall clock: its timeout and the test's own timing
// are wall time by nature (clippy.toml bans the wall clock for code that runs on the
// paused one).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use faultline::main_job::{PUZZLE, main_job};

/// A browser that hangs fails the test instead of hanging the suite.
const TIMEOUT: Duration = Duration::from_secs(90);

fn dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What one headless Chromium run printed.
struct Browser {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with `args`, in a profile of its own.
fn chromium(page: &Path, args: &[String]) -> Browser {
    let binary = std::env::var("FAULTLINE_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let profile = page.with_extension("profile");
    let out_path = page.with_extension("stdout");
    let err_path = page.with_extension("stderr");
    let mut child = Command::new(&binary)
        .args([
            "--headless",
            "--no-sandbox", // CI runs as root
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("could not start {binary:?} ({e}): install it (apt-get install -y chromium) or set FAULTLINE_CHROMIUM")
        });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{binary} did not finish within {TIMEOUT:?} on {}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let browser = Browser {
        stdout: std::fs::read_to_string(&out_path).unwrap(),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
    };
    assert!(
        status.success(),
        "{binary} failed ({status}):\n{}",
        browser.stderr
    );
    browser
}

/// The console messages in Chromium's log (`INFO:CONSOLE…`, which carries `Uncaught …`
/// for a script error): the pages have no script, so there must be none.
fn console_messages(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// Decodes a PNG: (width, height, distinct colours, share of pixels that are not white).
fn look_at(png_path: &Path) -> (u32, u32, usize, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let mut colours = std::collections::BTreeSet::new();
    let mut not_white = 0usize;
    let pixels = bytes.chunks_exact(channels);
    let total = pixels.len();
    for px in pixels {
        let rgb = [px[0], px[1 % channels], px[2 % channels]];
        colours.insert(rgb);
        if rgb != [255, 255, 255] {
            not_white += 1;
        }
    }
    (
        info.width,
        info.height,
        colours.len(),
        not_white as f64 / total as f64,
    )
}

/// The main job's page loads cleanly, has a lane per task of gather's structured run
/// under the puzzle's plan, and draws something.
#[test]
#[ignore = "needs chromium; .ci/run runs it with --ignored"]
fn the_main_jobs_page_loads_in_a_browser() {
    let started = Instant::now();
    let job = main_job(0).unwrap();
    let page = dir().join("report.html");
    std::fs::write(&page, job.html()).unwrap();

    let dom = chromium(&page, &["--dump-dom".to_owned()]);
    let console = console_messages(&dom.stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    assert!(
        dom.stdout.contains("</html>"),
        "no DOM was dumped:\n{}",
        dom.stderr
    );

    let (scenario, plan) = PUZZLE;
    let puzzle = &job.tables[0];
    assert_eq!((puzzle.scenario, puzzle.plan), PUZZLE);
    for report in &puzzle.reports {
        let lane = format!(
            "class=\"lane task\" data-run=\"{scenario}/{}/{plan}\"",
            report.variant
        );
        assert_eq!(
            dom.stdout.matches(&lane).count(),
            report.tasks.len(),
            "lanes of {} in the browser's DOM",
            report.variant
        );
    }
    let structured = "data-run=\"gather/structured/fetch3-and-4-fail\"";
    assert_eq!(
        dom.stdout
            .matches(&format!("class=\"lane task\" {structured}"))
            .count(),
        6,
        "gather's structured run has a caller and five fetches"
    );

    let shot = dir().join("report.png");
    let shot_arg = format!("--screenshot={}", shot.display());
    let run = chromium(&page, &[shot_arg, "--window-size=1100,1000".to_owned()]);
    let console = console_messages(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    let (w, h, colours, ink) = look_at(&shot);
    assert_eq!((w, h), (1100, 1000));
    assert!(colours > 16, "the screenshot has {colours} colours: blank?");
    assert!(
        ink > 0.03,
        "only {:.1}% of the screenshot is not white",
        ink * 100.0
    );
    eprintln!(
        "browser: {} KB page, {colours} colours, {:.0}% ink, {:.1} s",
        job.html().len() / 1024,
        ink * 100.0,
        started.elapsed().as_secs_f64()
    );
}

/// The README's picture, beside the hash of the page it was taken from.
const PICTURE: &str = "docs/gather.png";
const PICTURE_HASH: &str = "docs/gather.png.page-hash";

/// Writes the README's page, `run gather --plan fetch3-and-4-fail --html PATH`, and
/// returns its bytes.
fn gather_page(path: &Path) -> String {
    use clap::Parser;
    let (scenario, plan) = PUZZLE;
    let cli = faultline::cli::Cli::try_parse_from([
        "faultline",
        "run",
        scenario,
        "--plan",
        plan,
        "--html",
        path.to_str().unwrap(),
    ])
    .unwrap();
    faultline::cli::run(cli).unwrap();
    std::fs::read_to_string(path).unwrap()
}

/// The page's fingerprint, as stored beside the picture: FNV-1a, 64 bits (a change
/// detector, not a security check: no hashing crate needed).
fn page_hash(page: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in page.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!(
        "fnv1a64 {h:016x} {} bytes: the page `cargo run -- run {} --plan {} --html …` wrote \
         when {PICTURE} was taken\n",
        page.len(),
        PUZZLE.0,
        PUZZLE.1
    )
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The committed picture shows today's page: the page rendered now hashes to the value
/// stored when the picture was taken. Not ignored: it needs no browser.
#[test]
fn the_committed_picture_was_taken_from_todays_page() {
    let page = gather_page(&dir().join("gather-fresh.html"));
    let stored = std::fs::read_to_string(repo(PICTURE_HASH)).unwrap_or_default();
    assert_eq!(
        stored,
        page_hash(&page),
        "{PICTURE} was taken from another page than today's: retake it with \
         `FAULTLINE_UPDATE_SCREENSHOT=1 cargo test --test browser -- --ignored the_gather_picture` \
         (needs chromium) and commit both files"
    );
}

/// The freshness check can fail: one changed byte of the page changes its hash.
#[test]
fn the_page_hash_changes_with_one_byte() {
    let page = gather_page(&dir().join("gather-hash.html"));
    let changed = page.replacen("SWALLOWED", "DISCARDED", 1);
    assert_ne!(page, changed);
    assert_ne!(page_hash(&page), page_hash(&changed));
    assert_eq!(page_hash(&page), page_hash(&page.clone()));
}

/// The README's picture: `run gather --plan fetch3-and-4-fail --html …`, in the browser.
#[test]
#[ignore = "needs chromium; .ci/run runs it with --ignored"]
fn the_gather_picture() {
    let page = dir().join("gather.html");
    let html = gather_page(&page);
    let shot = dir().join("gather.png");
    let run = chromium(
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1060,930".to_owned(),
        ],
    );
    let console = console_messages(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    let (_, _, colours, ink) = look_at(&shot);
    assert!(
        colours > 16 && ink > 0.03,
        "a blank picture? {colours} colours, {ink:.3} ink"
    );
    let size = std::fs::metadata(&shot).unwrap().len();
    assert!(size < 200 * 1024, "the picture is {size} bytes");
    if std::env::var_os("FAULTLINE_UPDATE_SCREENSHOT").is_some() {
        let docs = repo(PICTURE);
        std::fs::create_dir_all(docs.parent().unwrap()).unwrap();
        std::fs::copy(&shot, &docs).unwrap();
        std::fs::write(repo(PICTURE_HASH), page_hash(&html)).unwrap();
        eprintln!("wrote {} and {PICTURE_HASH}", docs.display());
    } else {
        let stored = std::fs::read_to_string(repo(PICTURE_HASH)).unwrap_or_default();
        assert_eq!(
            stored,
            page_hash(&html),
            "{PICTURE} is stale: run with FAULTLINE_UPDATE_SCREENSHOT=1 to retake it"
        );
    }
}

/// The console check can fail: a page with a script error is caught.
#[test]
#[ignore = "needs chromium; .ci/run runs it with --ignored"]
fn the_console_check_catches_a_script_error() {
    let page = dir().join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><script>console.error('boom'); notAFunction();</script></body></html>",
    )
    .unwrap();
    let run = chromium(&page, &["--dump-dom".to_owned()]);
    let console = console_messages(&run.stderr);
    assert!(
        console
            .iter()
            .any(|l| l.contains("Uncaught ReferenceError")),
        "the script error was not seen:\n{}",
        run.stderr
    );
    assert!(console.iter().any(|l| l.contains("boom")));
}
