//! Serving a router on a loopback socket, with graceful shutdown and the ability to drop a
//! connection without answering (for the `Timeout`, `Disconnect` and `CommitThenFail` faults).
//!
//! axum cannot abort a connection from inside a handler, so every accepted stream is wrapped in a
//! [`KillableStream`]; the handler receives the stream's [`ConnHandle`] through `ConnectInfo` and
//! flips its switch, after which every read and write on the socket fails and hyper closes it.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The switch that kills one connection.
#[derive(Debug, Default)]
struct KillSwitch {
    killed: AtomicBool,
}

/// What a handler knows about its connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    switch: Arc<KillSwitch>,
}

impl ConnHandle {
    /// Makes the connection fail: the answer being written is lost and the socket closes.
    pub(crate) fn kill(&self) {
        self.switch.killed.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that stops working once its switch is flipped.
#[derive(Debug)]
pub(crate) struct KillableStream {
    inner: TcpStream,
    switch: Arc<KillSwitch>,
}

impl KillableStream {
    fn dead(&self) -> bool {
        self.switch.killed.load(Ordering::SeqCst)
    }
}

fn killed() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by fault injection",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.dead() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.dead() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.dead() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.dead() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A TCP listener whose connections can be killed.
#[derive(Debug)]
pub(crate) struct KillableListener {
    inner: TcpListener,
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let switch = Arc::new(KillSwitch::default());
                    return (
                        KillableStream {
                            inner: stream,
                            switch: switch.clone(),
                        },
                        ConnHandle { switch },
                    );
                }
                Err(e) => {
                    tracing::warn!(error = %e, "sandbox accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Err(io::Error::other(
            "the sandbox listener has no connection handle of its own",
        ))
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// Binds a listener and reports the address it got (port 0 picks a free port).
pub(crate) async fn bind(addr: SocketAddr) -> io::Result<(KillableListener, SocketAddr)> {
    let inner = TcpListener::bind(addr).await?;
    let local = inner.local_addr()?;
    Ok((KillableListener { inner }, local))
}

/// The shutdown signal shared by both simulators and their held requests.
#[derive(Debug, Clone)]
pub(crate) struct Shutdown {
    tx: Arc<watch::Sender<bool>>,
}

impl Shutdown {
    pub(crate) fn new() -> Self {
        let (tx, _) = watch::channel(false);
        Self { tx: Arc::new(tx) }
    }

    pub(crate) fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// Resolves once shutdown has been triggered.
    pub(crate) async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|v| *v).await;
    }
}

/// Serves `router` on `listener` until shutdown.
pub(crate) fn spawn(
    listener: KillableListener,
    router: Router,
    shutdown: Shutdown,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<ConnHandle>();
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(async move { shutdown.wait().await })
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "sandbox server stopped with an error");
        }
    })
}

/// A 502 with the HTML body a gateway answers with when the relay behind it is down.
pub(crate) fn html_gateway() -> axum::response::Response {
    let body = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1>\
                <p>The server received an invalid response from the upstream server.</p></body></html>\n";
    let mut resp = axum::response::Response::new(axum::body::Body::from(body));
    *resp.status_mut() = axum::http::StatusCode::BAD_GATEWAY;
    resp.headers_mut().insert(
        "content-type",
        axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// The answer of a request whose connection has been killed: it is never delivered.
pub(crate) fn dropped() -> axum::response::Response {
    let mut resp = axum::response::Response::new(axum::body::Body::empty());
    *resp.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
    resp
}
