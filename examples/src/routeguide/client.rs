//! A RouteGuide client, with `#[tonic_session::client]`: one function per method,
//! each returning what it learnt, and `run`, which calls the four and prints it.

use std::time::Duration;

use tonic::transport::Channel;
use tonic::{Request, Status};

use super::data::point;
use super::pb::route_guide_client::RouteGuideClient;
use super::pb::{Feature, Point, Rectangle, RouteNote, RouteSummary};

/// The client the example uses.
pub type Client = RouteGuideClient<Channel>;

/// GetFeature: the feature at `at` (its name is empty if there is none).
pub async fn get_feature(client: &mut Client, at: Point) -> Result<Feature, Status> {
    Ok(client.get_feature(at).await?.into_inner())
}

/// ListFeatures: every feature inside `area`, read to the end of the stream (so a
/// trailing error status is returned, not lost).
#[tonic_session::client]
pub async fn list_features(client: &mut Client, area: Rectangle) -> Result<Vec<Feature>, Status> {
    let mut features = client.list_features(area).await?;
    let mut found = Vec::new();
    while let Some(feature) = features.message().await? {
        found.push(feature);
    }
    Ok(found)
}

/// ListFeatures, for the first feature only: reads one reply and stops on purpose,
/// cancelling the rest of the stream (`None` if there was none). The call has a
/// deadline, which holds to the end of the stream.
#[tonic_session::client]
pub async fn first_feature(
    client: &mut Client,
    area: Rectangle,
) -> Result<Option<Feature>, Status> {
    let mut request = Request::new(area);
    request.set_timeout(Duration::from_secs(5));
    let mut features = client.list_features(request).await?;
    match features.message().await? {
        Some(first) => {
            // Stopping early is a choice the code states: the rest is not wanted.
            let _cancelled = features.cancel();
            Ok(Some(first))
        }
        None => Ok(None),
    }
}

/// RecordRoute: sends `route` and returns the server's summary of it, within a
/// deadline set on the call's request.
#[tonic_session::client]
pub async fn record_route(client: &mut Client, route: Vec<Point>) -> Result<RouteSummary, Status> {
    let mut upload = client
        .record_route(.., |request| request.set_timeout(Duration::from_secs(5)))
        .await?;
    for point in route {
        // A server that ended the call makes this fail with the call's status.
        upload.send(point).await?;
    }
    Ok(upload.finish().await?.into_inner())
}

/// RouteChat: sends `notes`, one at a time, and returns every note the server sent
/// back (the notes left earlier at the same points), in order.
#[tonic_session::client]
pub async fn route_chat(
    client: &mut Client,
    notes: Vec<RouteNote>,
) -> Result<Vec<RouteNote>, Status> {
    let (mut tx, mut rx) = client.route_chat(..).await?;
    // One task sends while this one receives: one sender and one receiver per call.
    let sending = tokio::spawn(async move {
        for note in notes {
            tx.send(note).await?;
        }
        let _half_closed = tx.finish();
        Ok::<_, Status>(())
    });
    let mut received = Vec::new();
    while let Some(note) = rx.message().await? {
        received.push(note);
    }
    sending
        .await
        .map_err(|err| Status::internal(format!("the sending task failed: {err}")))??;
    Ok(received)
}

/// A note at degrees `(latitude, longitude)`.
pub fn note(latitude: f64, longitude: f64, message: &str) -> RouteNote {
    RouteNote {
        location: Some(point(latitude, longitude)),
        message: message.to_owned(),
    }
}

/// Calls each method once and prints what came back.
pub async fn run(channel: Channel) -> Result<(), Status> {
    let mut client = RouteGuideClient::new(channel);

    let at = point(40.9446245, -74.5658679);
    let feature = get_feature(&mut client, at).await?;
    println!("GetFeature: {:?}", feature.name);

    let area = Rectangle {
        lo: Some(point(40.0, -75.0)),
        hi: Some(point(41.0, -74.0)),
    };
    for feature in list_features(&mut client, area).await? {
        println!("ListFeatures: {:?}", feature.name);
    }
    if let Some(first) = first_feature(&mut client, area).await? {
        println!("ListFeatures, first only: {:?}", first.name);
    }

    let route = vec![
        point(40.7838351, -74.6143763),
        point(40.8122808, -74.3999179),
        point(40.9446245, -74.5658679),
    ];
    let summary = record_route(&mut client, route).await?;
    println!(
        "RecordRoute: {} points, {} features, {} m",
        summary.point_count, summary.feature_count, summary.distance
    );

    let notes = vec![
        note(0.0, 1.0, "first message"),
        note(0.0, 2.0, "second message"),
        note(0.0, 1.0, "third message"),
        note(0.0, 2.0, "fourth message"),
    ];
    for earlier in route_chat(&mut client, notes).await? {
        println!("RouteChat: earlier note {:?}", earlier.message);
    }
    Ok(())
}
