//! A bare HTTP/2 gRPC client written with the `h2` crate: it sends the frames tonic's
//! client never sends (resets with any code, at any point of a call), so tests can
//! put them exactly where they want.

use std::net::SocketAddr;

use bytes::{BufMut, Bytes, BytesMut};
use h2::client::SendRequest;
use h2::{Reason, RecvStream, SendStream};
use http::HeaderMap;
use prost::Message;

/// One HTTP/2 connection to a gRPC server.
pub struct RawConnection {
    h2: SendRequest<Bytes>,
    addr: SocketAddr,
    driver: tokio::task::JoinHandle<()>,
}

/// One call on a [`RawConnection`]: its request body, and its response once it comes.
pub struct RawCall {
    pub body: SendStream<Bytes>,
    pub response: h2::client::ResponseFuture,
}

/// How a call ended, as the client saw it.
#[derive(Debug, PartialEq, Eq)]
pub enum RawOutcome {
    /// The server sent a `grpc-status` (in the headers of a trailers-only answer,
    /// or in the trailers); an empty code if it sent none.
    Status(String),
    /// The stream was reset (by the server, or by us and seen on the response).
    Reset(Reason),
}

impl RawConnection {
    /// Connects and drives the connection on a task of its own.
    pub async fn connect(addr: SocketAddr) -> RawConnection {
        Self::connect_with(addr, h2::client::Builder::new()).await
    }

    /// Connects with h2's settings in `builder` (windows, stream limits).
    pub async fn connect_with(addr: SocketAddr, builder: h2::client::Builder) -> RawConnection {
        let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let (h2, connection) = builder.handshake(tcp).await.expect("h2 handshake");
        let driver = tokio::spawn(async move {
            // The connection's end (the server went away, the test is over) is the
            // calls' business, each of which sees it.
            let _ = connection.await;
        });
        RawConnection { h2, addr, driver }
    }

    /// Drops the TCP connection under its open streams: no RST_STREAM, no GOAWAY,
    /// the way a client process dies or a network path goes away.
    pub async fn cut(self) {
        self.driver.abort();
        let _ = self.driver.await;
    }

    /// Opens a call of `path` (`/package.Service/Method`) with gRPC's headers and no
    /// END_STREAM.
    pub async fn call(&mut self, path: &str) -> RawCall {
        self.call_with(path, &[]).await
    }

    /// Opens a call like [`call`](Self::call), with `headers` set over gRPC's own
    /// (a wrong `content-type`, a `grpc-encoding`).
    pub async fn call_with(&mut self, path: &str, headers: &[(&str, &str)]) -> RawCall {
        let mut request = http::Request::post(format!("http://{}{path}", self.addr))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .expect("a valid request");
        for (name, value) in headers {
            let name = http::HeaderName::from_bytes(name.as_bytes()).expect("a header name");
            let value = http::HeaderValue::from_str(value).expect("a header value");
            request.headers_mut().insert(name, value);
        }
        let mut h2 = self.h2.clone().ready().await.expect("connection ready");
        let (response, body) = h2.send_request(request, false).expect("send headers");
        RawCall { body, response }
    }
}

/// `message` in gRPC's length-prefixed framing, uncompressed.
pub fn framed(message: &impl Message) -> Bytes {
    let encoded = message.encode_to_vec();
    let mut frame = BytesMut::with_capacity(5 + encoded.len());
    frame.put_u8(0);
    frame.put_u32(u32::try_from(encoded.len()).expect("a small message"));
    frame.put_slice(&encoded);
    frame.freeze()
}

impl RawCall {
    /// Sends one message in a DATA frame of its own.
    pub fn send(&mut self, message: &impl Message) {
        self.body
            .send_data(framed(message), false)
            .expect("send a DATA frame");
    }

    /// Sends `bytes` as one DATA frame, as they are (any framing, or none).
    pub fn send_bytes(&mut self, bytes: Bytes, end_stream: bool) {
        self.body
            .send_data(bytes, end_stream)
            .expect("send a DATA frame");
    }

    /// Sends `bytes` as one DATA frame unless the server already ended the stream
    /// (a call it refuses may be answered before its body goes out).
    pub fn send_bytes_unless_answered(&mut self, bytes: Bytes, end_stream: bool) {
        let _answered = self.body.send_data(bytes, end_stream);
    }

    /// Ends the request with a trailing HEADERS frame (END_STREAM).
    pub fn send_trailers(&mut self, trailers: HeaderMap) {
        self.body.send_trailers(trailers).expect("send trailers");
    }

    /// Sends an empty DATA frame with END_STREAM: a clean half-close.
    pub fn half_close(&mut self) {
        self.body
            .send_data(Bytes::new(), true)
            .expect("send END_STREAM");
    }

    /// Resets the stream with `reason` (RST_STREAM).
    pub fn reset(&mut self, reason: Reason) {
        self.body.send_reset(reason);
    }

    /// The response body, once the response headers came, left for the caller to
    /// read (or not): its flow-control window opens only as far as it releases.
    pub async fn into_body(self) -> Result<RecvStream, RawOutcome> {
        let response = self.response.await.map_err(|err| reset_of(&err))?;
        Ok(response.into_body())
    }

    /// The response's HTTP status and gRPC status, if it came as headers alone
    /// (a trailers-only answer, or a plain HTTP error), without reading its body.
    pub async fn head(self) -> Result<(http::StatusCode, Option<String>), RawOutcome> {
        let response = self.response.await.map_err(|err| reset_of(&err))?;
        Ok((response.status(), status_of(response.headers())))
    }

    /// Reads the response to its end: the status, or the reset that ended it.
    pub async fn outcome(self) -> RawOutcome {
        let response = match self.response.await {
            Ok(response) => response,
            Err(err) => return reset_of(&err),
        };
        let (head, body) = response.into_parts();
        if let Some(code) = status_of(&head.headers) {
            return RawOutcome::Status(code);
        }
        read_to_status(body).await
    }
}

async fn read_to_status(mut body: RecvStream) -> RawOutcome {
    while let Some(data) = body.data().await {
        match data {
            Ok(data) => {
                let _ = body.flow_control().release_capacity(data.len());
            }
            Err(err) => return reset_of(&err),
        }
    }
    match body.trailers().await {
        Ok(trailers) => {
            let code = trailers.as_ref().and_then(status_of);
            RawOutcome::Status(code.unwrap_or_default())
        }
        Err(err) => reset_of(&err),
    }
}

fn status_of(headers: &HeaderMap) -> Option<String> {
    let status = headers.get("grpc-status")?;
    Some(status.to_str().unwrap_or("not ASCII").to_owned())
}

fn reset_of(err: &h2::Error) -> RawOutcome {
    RawOutcome::Reset(err.reason().unwrap_or(Reason::INTERNAL_ERROR))
}
