//! The simulated website: `N` pages of real HTML linking to each other, their latencies,
//! slow pages, 500s and links drawn from a fixed seed, a rate limit and a ban, on tokio's
//! clock. No network: a request is a sleep and a fault point.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use faultline_harness::{Failure, Gauge, point};
use tokio::time::Instant;

use crate::{BAN_AFTER, LIMIT_PER_SECOND, SITE_SEED};

/// The gauge of requests the site counted in its current one-second window.
pub const WINDOW: &str = "requests in one second";
/// The gauge of `429 Too Many Requests` answers.
pub const REJECTED: &str = "429s";
/// The gauge that rises to 1 when the site bans the client.
pub const BANNED: &str = "banned";
/// The gauge of requests the site is serving at once.
pub const IN_FLIGHT: &str = "in flight";

/// splitmix64 (Steele, Lea & Flood, 2014): a small PRNG, the same on every platform.
#[derive(Debug, Clone)]
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// How the site answers for one page, drawn from [`SITE_SEED`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSpec {
    /// The page's number: its path is `/page/{id}`.
    pub id: u32,
    /// Virtual time the site takes to answer (40–160 ms; a slow page 800–1500 ms).
    pub latency: Duration,
    /// Answers `500` to its first request, then serves the page.
    pub flaky: bool,
    /// Answers `500` to every request.
    pub broken: bool,
    /// The pages it links to, in order (the home page, its two children, two others).
    pub links: Vec<u32>,
}

impl PageSpec {
    /// Page `id` of a site of `pages` pages.
    pub fn new(id: u32, pages: u32) -> Self {
        let mut rng = Rng(SITE_SEED ^ (u64::from(id) + 1).wrapping_mul(0xA24B_AED4_963E_E407));
        let slow = rng.range(0, 19) == 0;
        let latency = if slow {
            rng.range(800, 1500)
        } else {
            rng.range(40, 160)
        };
        let flaky = rng.range(0, 14) == 0;
        let broken = id != 0 && rng.range(0, 79) == 0;
        let mut links = vec![0];
        for child in [2 * id + 1, 2 * id + 2] {
            if child < pages {
                links.push(child);
            }
        }
        for _ in 0..2 {
            links.push(rng.range(0, u64::from(pages) - 1) as u32);
        }
        PageSpec {
            id,
            latency: Duration::from_millis(latency),
            flaky,
            broken,
            links,
        }
    }

    /// The page as the site serves it: an HTML document with a title, a navigation link
    /// home, a paragraph and a list of links.
    pub fn html(&self) -> String {
        let mut html = format!(
            "<!DOCTYPE html>\n<html><head><title>Page {id}</title></head>\n<body>\
             <nav><a href=\"/page/0\">Home</a></nav>\n<h1>Page {id}</h1>\n\
             <p>Page {id} of the simulated site. It links to {n} pages.</p>\n<ul>",
            id = self.id,
            n = self.links.len() - 1,
        );
        for link in &self.links[1..] {
            html.push_str(&format!(
                "<li><a href=\"/page/{link}\">Page {link}</a></li>"
            ));
        }
        html.push_str("</ul>\n</body></html>\n");
        html
    }
}

/// The site as the crawler sees it: the simulation itself ([`Site::new`]), or the same
/// simulation behind a real HTTP server on loopback ([`Site::http`], see
/// [`loopback`](crate::loopback)). Clones are the same site.
#[derive(Clone)]
pub struct Site(Origin);

#[derive(Clone)]
enum Origin {
    Simulated(Simulated),
    Http { addr: SocketAddr, pages: u32 },
}

impl Site {
    /// A simulated site of `pages` pages (call inside the run: its gauges belong to the
    /// run).
    pub fn new(pages: u32) -> Self {
        Site(Origin::Simulated(Simulated::new(pages)))
    }

    /// The site of `pages` pages served over HTTP at `addr` (by [`crate::loopback::serve`]).
    pub fn http(addr: SocketAddr, pages: u32) -> Self {
        Site(Origin::Http { addr, pages })
    }

    /// The number of pages.
    pub fn pages(&self) -> u32 {
        match &self.0 {
            Origin::Simulated(s) => s.pages,
            Origin::Http { pages, .. } => *pages,
        }
    }

    /// `GET /page/{page}`: the page's HTML, or an error whose kind says the answer:
    /// `TooManyRequests` (429), `Banned` (403), `ServerError` (500), `NotFound` (404), or
    /// the kind a plan injected at the fault point `page[page]`.
    pub async fn get(&self, page: u32) -> Result<String, Failure> {
        match &self.0 {
            Origin::Simulated(s) => s.get(page).await,
            Origin::Http { addr, .. } => crate::client::get(*addr, page).await,
        }
    }

    /// The simulation behind this site (`None` for a site over HTTP).
    pub fn simulated(&self) -> Option<&Simulated> {
        match &self.0 {
            Origin::Simulated(s) => Some(s),
            Origin::Http { .. } => None,
        }
    }
}

/// The simulation: [`PageSpec`]s, a fixed one-second window with [`LIMIT_PER_SECOND`] requests,
/// `429` above it, and a ban (every later request `403`) once the client has had
/// [`BAN_AFTER`] 429s in one window. Records what it saw in gauges ([`WINDOW`],
/// [`REJECTED`], [`BANNED`], [`IN_FLIGHT`]). Clones are the same simulation.
#[derive(Clone)]
pub struct Simulated {
    pages: u32,
    state: Arc<Mutex<State>>,
    window: Gauge,
    rejected: Gauge,
    banned: Gauge,
    in_flight: Gauge,
}

struct State {
    window_start: Instant,
    in_window: usize,
    rejected_in_window: usize,
    banned: bool,
    /// Requests per page so far (a flaky page fails its first).
    requests: Vec<u32>,
}

impl Simulated {
    /// A site of `pages` pages (call inside the run: its gauges belong to the run).
    pub fn new(pages: u32) -> Self {
        Simulated {
            pages,
            state: Arc::new(Mutex::new(State {
                window_start: Instant::now(),
                in_window: 0,
                rejected_in_window: 0,
                banned: false,
                requests: vec![0; pages as usize],
            })),
            window: Gauge::new(WINDOW),
            rejected: Gauge::new(REJECTED),
            banned: Gauge::new(BANNED),
            in_flight: Gauge::new(IN_FLIGHT),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `GET /page/{page}`: waits the page's latency and answers its HTML, or an error:
    /// `TooManyRequests` (429), `Banned` (403), `ServerError` (500), `NotFound` (404).
    /// Passes the fault point `page[page]` after the latency: a plan's `error(K)` there is
    /// the site answering an error of kind `K` (`TooManyRequests` counts as a 429), a
    /// `delay` a slower answer.
    pub async fn get(&self, page: u32) -> Result<String, Failure> {
        let _in_flight = InFlight::new(&self.in_flight);
        let admitted = self.admit(page);
        let spec = PageSpec::new(page, self.pages);
        tokio::time::sleep(spec.latency).await;
        // The error is made when the answer is sent: a request dropped on the way (a
        // client's timeout) leaves no error behind.
        match admitted {
            Err(Refused::TooManyRequests) => Err(Failure::new("TooManyRequests", "429: slow down")),
            Err(Refused::Banned) => Err(Failure::new("Banned", "403: this client is banned")),
            Ok(nth) => self.serve(&spec, nth).await,
        }
    }

    /// The answer to an admitted request: a fault the plan injects, a 500 of a flaky
    /// (first request) or broken page, or the page.
    async fn serve(&self, spec: &PageSpec, nth: u32) -> Result<String, Failure> {
        if let Err(fault) = point("page").key(spec.id).await {
            // The site answers the injected error as its own (a fresh, unread error).
            let kind = fault.kind().to_owned();
            if kind == "TooManyRequests" {
                self.rejected(1);
            }
            return Err(Failure::new(kind, format!("/page/{}", spec.id)));
        }
        if spec.id >= self.pages {
            return Err(Failure::new("NotFound", format!("404: /page/{}", spec.id)));
        }
        if spec.broken || (spec.flaky && nth == 1) {
            return Err(Failure::new(
                "ServerError",
                format!("500: /page/{}", spec.id),
            ));
        }
        Ok(spec.html())
    }

    /// Counts the request in its second and decides: admitted (the page's nth request),
    /// 429, or 403.
    fn admit(&self, page: u32) -> Result<u32, Refused> {
        let mut s = self.state();
        if s.banned {
            return Err(Refused::Banned);
        }
        let now = Instant::now();
        if now.duration_since(s.window_start) >= Duration::from_secs(1) {
            self.window.sub(s.in_window as u64);
            s.window_start = now;
            s.in_window = 0;
            s.rejected_in_window = 0;
        }
        s.in_window += 1;
        self.window.add(1);
        if s.in_window > LIMIT_PER_SECOND {
            drop(s);
            self.rejected(1);
            return Err(Refused::TooManyRequests);
        }
        let nth = s.requests.get_mut(page as usize).map_or(1, |n| {
            *n += 1;
            *n
        });
        Ok(nth)
    }

    /// `n` more 429s in this window; the ban once they reach [`BAN_AFTER`].
    fn rejected(&self, n: usize) {
        self.rejected.add(n as u64);
        let mut s = self.state();
        s.rejected_in_window += n;
        if s.rejected_in_window >= BAN_AFTER && !s.banned {
            s.banned = true;
            self.banned.add(1);
        }
    }
}

/// Why the site refused a request.
enum Refused {
    /// 429: over the limit.
    TooManyRequests,
    /// 403: banned.
    Banned,
}

/// A request the site is serving: counted in the gauge until it is answered or dropped.
struct InFlight(Gauge);

impl InFlight {
    fn new(gauge: &Gauge) -> Self {
        gauge.add(1);
        InFlight(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.sub(1);
    }
}
