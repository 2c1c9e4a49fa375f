//! Code that was not written for faultline: plain tokio only (`tokio::spawn`,
//! `JoinSet::spawn`, `spawn_blocking`, a `select!` loop) and a loopback TCP echo server. Each
//! function below plants one defect the tests expect faultline to find; `serve_and_echo` is
//! the clean one.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Starts a job and forgets it: the job panics 50 ms later, after this function returned.
pub async fn fire_and_forget_panic() {
    drop(tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        panic!("the background job failed");
    }));
}

/// Starts a job and forgets it: the job returns `Err(String)` 50 ms later.
pub async fn fire_and_forget_err() {
    drop(tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err::<(), String>("nobody will read this".to_owned())
    }));
}

/// Runs workers in a `JoinSet` and waits for them; one worker starts a helper of its own
/// and does not wait for it: the helper (a grandchild) outlives its parent.
pub async fn workers_with_a_stray_grandchild() -> usize {
    let mut set = JoinSet::new();
    for i in 0..3u64 {
        set.spawn(async move {
            if i == 1 {
                drop(tokio::spawn(tokio::time::sleep(Duration::from_millis(200))));
            }
            tokio::time::sleep(Duration::from_millis(10 * (i + 1))).await;
            i
        });
    }
    let mut done = 0;
    while let Some(joined) = set.join_next().await {
        joined.expect("workers do not fail");
        done += 1;
    }
    done
}

/// A `select!` loop over a channel with a tick: stops when the channel closes.
pub async fn select_loop(mut rx: mpsc::Receiver<u32>) -> u32 {
    let mut sum = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    loop {
        tokio::select! {
            biased;
            got = rx.recv() => match got {
                Some(n) => sum += n,
                None => return sum,
            },
            _ = tick.tick() => {}
        }
    }
}

/// A loopback TCP echo server on the same runtime, one task per connection, and a client
/// that sends `message` and reads the echo; the server is stopped before returning.
pub async fn serve_and_echo(message: &[u8]) -> std::io::Result<Vec<u8>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut connections = JoinSet::new();
    let server = tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await?;
            connections.spawn(async move {
                let mut buf = [0u8; 1024];
                let n = socket.read(&mut buf).await?;
                socket.write_all(&buf[..n]).await?;
                Ok::<_, std::io::Error>(())
            });
        }
        #[allow(unreachable_code)]
        Ok::<_, std::io::Error>(())
    });
    let mut client = TcpStream::connect(addr).await?;
    client.write_all(message).await?;
    let mut echo = vec![0u8; message.len()];
    client.read_exact(&mut echo).await?;
    server.abort();
    let _ = server.await;
    Ok(echo)
}

/// A blocking job left running: the function returns while the job still sleeps.
pub async fn blocking_job_left_running() {
    drop(tokio::task::spawn_blocking(|| {
        std::thread::sleep(Duration::from_millis(300));
    }));
}
