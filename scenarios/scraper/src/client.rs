//! The HTTP client of the site served on loopback ([`crate::loopback`]): one `GET` of one
//! page over a connection of its own (hyper's `client::conn`), driven in the fetcher's own
//! task.

use std::net::SocketAddr;

use faultline_harness::Failure;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::StatusCode;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The header that carries the error's kind from the server to the client.
pub(crate) const ERROR_KIND: &str = "x-error-kind";

fn http_error(error: impl std::fmt::Display) -> Failure {
    Failure::new("HttpError", error.to_string())
}

/// `GET http://{addr}/page/{page}` on a connection of its own: the body of a 200, or an
/// error of the kind the server named (`TooManyRequests`, `Banned`, `ServerError`, …).
pub(crate) async fn get(addr: SocketAddr, page: u32) -> Result<String, Failure> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| Failure::new("ConnectError", e.to_string()))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(http_error)?;
    let request = Request::get(format!("/page/{page}"))
        .header(hyper::header::HOST, addr.to_string())
        .body(Empty::<Bytes>::new())
        .expect("a valid request");
    let exchange = async move {
        let response = sender.send_request(request).await?;
        let status = response.status();
        let kind = response
            .headers()
            .get(ERROR_KIND)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.into_body().collect().await?.to_bytes();
        Ok::<_, hyper::Error>((status, kind, body))
    };
    tokio::pin!(exchange, connection);
    let mut connection_done = false;
    // The connection is driven here, in the fetcher's own task (not spawned).
    let (status, kind, body) = loop {
        tokio::select! {
            biased;
            answer = &mut exchange => break answer.map_err(http_error)?,
            done = &mut connection, if !connection_done => {
                connection_done = true;
                done.map_err(http_error)?;
            }
        }
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    if status == StatusCode::OK {
        Ok(text)
    } else {
        Err(Failure::new(
            kind.unwrap_or_else(|| status.as_u16().to_string()),
            text,
        ))
    }
}
