//! The same site behind a real HTTP server (hyper 1) bound to `127.0.0.1` on an ephemeral
//! port, with the client of the `client` module fetching over it: the pipeline of
//! `structured` and `unstructured` runs unchanged against [`Site::http`]. (The client is a
//! file of its own: the site fetches through the client and this server serves the site,
//! so the two files need nothing of each other's, and they make no import circle.)
//!
//! The server runs **on the run's own paused runtime**, beside the crawler: with the server
//! on another runtime the paused clock jumps while the client waits on its socket, and most
//! requests time out falsely (measured: 888 of 1,000).
//!
//! The page handler starts background work per page served (it records the visit, in
//! [`VISIT_TIME`]): fire-and-forget with `spawn` in the unstructured server
//! ([`Background::Detached`]: the course's "web handler spawns background tasks" failure
//! mode), on a `TaskTracker` that the structured server closes and waits for when it stops
//! ([`Background::Tracked`]).
//!
//! The server's own connection tasks are spawned with plain `tokio::spawn`, as hyper's
//! examples and `axum::serve` do: each is a row named by where it was spawned
//! (`scenarios/scraper/src/loopback.rs:73#n`), judged like any task.

use std::convert::Infallible;
use std::time::Duration;

use faultline_harness::{Failure, Gauge, shutdown_token, spawn, spawn_on};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::client::ERROR_KIND;
use crate::site::Simulated;
use crate::{Crawl, PAGES, SavedFrontier, Site, page_of, structured, unstructured};

/// Virtual time the background work of one page view takes.
pub const VISIT_TIME: Duration = Duration::from_millis(500);
/// The gauge of visits being recorded in the background.
pub const VISITS: &str = "visits in the background";

/// How the server runs the background work its page handler starts.
#[derive(Clone)]
pub enum Background {
    /// `spawn`, handle dropped: nobody waits for it.
    Detached,
    /// `spawn_on` a tracker the server closes and waits for when it stops.
    Tracked(TaskTracker),
}

/// Serves `site` on `listener` until `stop` fires; then, with [`Background::Tracked`],
/// waits for the background work still running.
pub async fn serve(
    listener: TcpListener,
    site: Simulated,
    background: Background,
    stop: CancellationToken,
) -> Result<(), Failure> {
    let visits = Gauge::new(VISITS);
    loop {
        let (stream, _) = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            accepted = listener.accept() => accepted.map_err(|e| Failure::new("AcceptError", e.to_string()))?,
        };
        let (site, background, visits) = (site.clone(), background.clone(), visits.clone());
        let service = service_fn(move |request| {
            handle(site.clone(), background.clone(), visits.clone(), request)
        });
        // What hyper's examples and axum::serve do: one task per connection, spawned with
        // plain tokio::spawn: a row named by this line.
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    if let Background::Tracked(tracker) = background {
        tracker.close();
        tracker.wait().await;
    }
    Ok(())
}

/// `GET /page/N`: the simulated site's answer, as an HTTP response; a page served starts
/// its visit's background work.
async fn handle(
    site: Simulated,
    background: Background,
    visits: Gauge,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let Some(page) = page_of(request.uri().path()) else {
        return Ok(respond(
            StatusCode::NOT_FOUND,
            Some("NotFound"),
            "no such path".into(),
        ));
    };
    match site.get(page).await {
        Ok(html) => {
            record_visit(&background, &visits, page);
            Ok(respond(StatusCode::OK, None, html))
        }
        Err(error) => {
            let status = match error.kind() {
                "TooManyRequests" => StatusCode::TOO_MANY_REQUESTS,
                "Banned" => StatusCode::FORBIDDEN,
                "NotFound" => StatusCode::NOT_FOUND,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            Ok(respond(
                status,
                Some(error.kind()),
                error.message().to_owned(),
            ))
        }
    }
}

/// The background work of one page view: fire-and-forget, or on the tracker.
fn record_visit(background: &Background, visits: &Gauge, page: u32) {
    visits.add(1);
    let visits = visits.clone();
    let visit = async move {
        tokio::time::sleep(VISIT_TIME).await;
        visits.sub(1);
    };
    let name = ("visit", page as usize);
    match background {
        Background::Detached => drop(spawn(name, visit)),
        Background::Tracked(tracker) => drop(spawn_on(tracker, name, visit)),
    }
}

fn respond(status: StatusCode, kind: Option<&str>, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::builder().status(status);
    if let Some(kind) = kind {
        response = response.header(ERROR_KIND, kind);
    }
    response
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

/// Binds `127.0.0.1:0`, serves a simulated site of [`PAGES`] pages there in the task
/// `server`, crawls it over HTTP with `crawl`, then stops the server and waits for it.
async fn over_http<F, Fut>(background: Background, crawl: F) -> Crawl
where
    F: FnOnce(Site, SavedFrontier, CancellationToken) -> Fut,
    Fut: Future<Output = Crawl>,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port on loopback");
    let addr = listener.local_addr().expect("a bound address");
    let stop_server = CancellationToken::new();
    let server = serve(
        listener,
        Simulated::new(PAGES),
        background,
        stop_server.clone(),
    );
    let server = spawn("server", server);
    let mut crawled = crawl(
        Site::http(addr, PAGES),
        SavedFrontier::seed(),
        shutdown_token(),
    )
    .await;
    stop_server.cancel();
    match server.await.map_err(Failure::from).and_then(|r| r) {
        Ok(()) => {}
        Err(error) => crawled.errors.push(error),
    }
    crawled
}

/// The unstructured crawler against the unstructured server (detached background work).
pub async fn unstructured_over_http() -> Crawl {
    over_http(Background::Detached, unstructured::crawl).await
}

/// The structured crawler against the structured server (background work on a tracker).
pub async fn structured_over_http() -> Crawl {
    over_http(Background::Tracked(TaskTracker::new()), structured::crawl).await
}
