//! gRPC's RouteGuide written with tonic-session (`examples/src/routeguide`): the
//! session client against the session server, and a plain tonic client against the
//! same server, must learn the same things, and the right ones.

use tonic::service::Routes;
use tonic::transport::{Channel, Endpoint};
use tonic_session_examples::routeguide::RouteGuideService;
use tonic_session_examples::routeguide::client::{
    self, Client, first_feature, get_feature, list_features, note, record_route, route_chat,
};
use tonic_session_examples::routeguide::data::{distance, features, inside, point};
use tonic_session_examples::routeguide::pb::route_guide_client::RouteGuideClient;
use tonic_session_examples::routeguide::pb::route_guide_server::RouteGuideServer;
use tonic_session_examples::routeguide::pb::{Feature, Point, Rectangle, RouteNote};
use tonic_session_examples::serve::Running;

/// A fresh server (RouteChat keeps notes per server) and a channel to it.
async fn start() -> (Running, Channel) {
    let service = RouteGuideService::new(features());
    let server = Running::start_routes(Routes::new(RouteGuideServer::new(service)))
        .await
        .expect("serve");
    let channel = Endpoint::from_shared(format!("http://{}", server.addr))
        .expect("endpoint")
        .connect()
        .await
        .expect("connect");
    (server, channel)
}

fn area() -> Rectangle {
    Rectangle {
        lo: Some(point(40.0, -75.0)),
        hi: Some(point(41.0, -74.0)),
    }
}

fn route() -> Vec<Point> {
    features()
        .iter()
        .take(3)
        .filter_map(|feature| feature.location)
        .collect()
}

fn chat() -> Vec<RouteNote> {
    vec![
        note(0.0, 1.0, "first"),
        note(0.0, 2.0, "second"),
        note(0.0, 1.0, "third"),
        note(0.0, 2.0, "fourth"),
    ]
}

fn names(features: &[Feature]) -> Vec<&str> {
    features
        .iter()
        .map(|feature| feature.name.as_str())
        .collect()
}

fn messages(notes: &[RouteNote]) -> Vec<&str> {
    notes.iter().map(|note| note.message.as_str()).collect()
}

#[tokio::test]
async fn the_session_client_learns_what_the_map_says() {
    let (server, channel) = start().await;
    let mut client: Client = RouteGuideClient::new(channel.clone());
    let map = features();

    let known = map[4].location.expect("located");
    assert_eq!(
        get_feature(&mut client, known).await.unwrap().name,
        map[4].name
    );
    let nowhere = point(0.0, 0.0);
    let unknown = get_feature(&mut client, nowhere).await.unwrap();
    assert_eq!(
        (unknown.name.as_str(), unknown.location),
        ("", Some(nowhere))
    );

    let listed = list_features(&mut client, area()).await.unwrap();
    let expected: Vec<&Feature> = map
        .iter()
        .filter(|feature| inside(&feature.location.expect("located"), &area()))
        .collect();
    assert!(!expected.is_empty() && expected.len() < map.len());
    assert_eq!(listed.iter().collect::<Vec<_>>(), expected);
    // Read one and stop on purpose: the first of the same list.
    let first = first_feature(&mut client, area()).await.unwrap();
    assert_eq!(first.as_ref(), expected.first().copied());
    let empty = Rectangle {
        lo: Some(point(0.0, 0.0)),
        hi: Some(point(0.1, 0.1)),
    };
    assert_eq!(first_feature(&mut client, empty).await.unwrap(), None);

    let route = route();
    let summary = record_route(&mut client, route.clone()).await.unwrap();
    let walked: i32 = route.windows(2).map(|leg| distance(&leg[0], &leg[1])).sum();
    assert_eq!(
        (summary.point_count, summary.feature_count, summary.distance),
        (3, 3, walked)
    );
    assert!(walked > 0);

    let earlier = route_chat(&mut client, chat()).await.unwrap();
    assert_eq!(messages(&earlier), ["first", "second"]);
    // The notes stay: a second chat at the same points hears all four.
    let earlier = route_chat(&mut client, vec![note(0.0, 1.0, "fifth")])
        .await
        .unwrap();
    assert_eq!(messages(&earlier), ["first", "third"]);

    client::run(channel).await.unwrap();
    server.stop().await.unwrap();
}

#[tonic_session::allow(
    unannotated_client,
    reason = "a plain tonic client, raw on purpose: it must get the same answers as the session client"
)]
#[tokio::test]
async fn a_plain_tonic_client_gets_the_same_answers_from_the_session_server() {
    let (server, channel) = start().await;
    let mut session: Client = RouteGuideClient::new(channel.clone());
    let mut plain = RouteGuideClient::new(channel);

    let listed = list_features(&mut session, area()).await.unwrap();
    let mut stream = plain.list_features(area()).await.unwrap().into_inner();
    let mut plain_listed = Vec::new();
    while let Some(feature) = stream.message().await.unwrap() {
        plain_listed.push(feature);
    }
    assert_eq!(names(&plain_listed), names(&listed));

    let summary = record_route(&mut session, route()).await.unwrap();
    let plain_summary = plain
        .record_route(tokio_stream::iter(route()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(plain_summary, summary);

    let mut replies = plain
        .route_chat(tokio_stream::iter(chat()))
        .await
        .unwrap()
        .into_inner();
    let mut plain_earlier = Vec::new();
    while let Some(note) = replies.message().await.unwrap() {
        plain_earlier.push(note);
    }
    assert_eq!(messages(&plain_earlier), ["first", "second"]);
    server.stop().await.unwrap();
}
