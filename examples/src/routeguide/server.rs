//! The RouteGuide server, session-style: each streaming handler takes its halves,
//! and one that sends returns the `Finished` only `tx.finish()` makes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::time::Instant;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

use super::data::{distance, inside};
use super::pb::route_guide_server::RouteGuide;
use super::pb::{Feature, Point, Rectangle, RouteNote, RouteSummary};

/// The notes RouteChat was given, per point (latitude, longitude).
type Notes = HashMap<(i32, i32), Vec<RouteNote>>;

/// The features it knows, and the notes left by RouteChat, per point. `Clone`: a
/// streaming handler's body owns a handle to the service.
#[derive(Clone, Default)]
pub struct RouteGuideService {
    features: Arc<Vec<Feature>>,
    notes: Arc<Mutex<Notes>>,
}

impl RouteGuideService {
    /// A service that knows `features`.
    pub fn new(features: Vec<Feature>) -> Self {
        RouteGuideService {
            features: Arc::new(features),
            notes: Arc::default(),
        }
    }

    /// The feature at `point`, if there is one.
    fn feature_at(&self, point: &Point) -> Option<&Feature> {
        self.features
            .iter()
            .find(|feature| feature.location.as_ref() == Some(point))
    }

    /// Keeps `note` and returns the notes left at its point before it.
    fn leave(&self, note: RouteNote) -> Vec<RouteNote> {
        let at = note
            .location
            .as_ref()
            .map_or((0, 0), |point| (point.latitude, point.longitude));
        let mut notes = self
            .notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let here = notes.entry(at).or_default();
        let earlier = here.clone();
        here.push(note);
        earlier
    }
}

#[tonic_session::service]
impl RouteGuide for RouteGuideService {
    async fn get_feature(&self, request: Request<Point>) -> Result<Response<Feature>, Status> {
        let point = request.into_inner();
        let feature = self.feature_at(&point).cloned().unwrap_or(Feature {
            name: String::new(),
            location: Some(point),
        });
        Ok(Response::new(feature))
    }

    async fn list_features(
        &self,
        request: Request<Rectangle>,
        mut tx: Sender<Feature>,
    ) -> Result<Finished, Status> {
        let rectangle = request.into_inner();
        for feature in self.features.iter() {
            if feature
                .location
                .as_ref()
                .is_some_and(|point| inside(point, &rectangle))
            {
                // `?`: a client that left ends the handler, with the call's status.
                tx.send(feature.clone()).await?;
            }
        }
        Ok(tx.finish())
    }

    async fn record_route(
        &self,
        request: Request<Receiver<Point>>,
    ) -> Result<Response<RouteSummary>, Status> {
        let mut points = request.into_inner();
        let started = Instant::now();
        let mut summary = RouteSummary::default();
        let mut last: Option<Point> = None;
        // `None` only once the client half-closed: an aborted route is an error here.
        while let Some(point) = points.message().await? {
            summary.point_count += 1;
            if self.feature_at(&point).is_some() {
                summary.feature_count += 1;
            }
            if let Some(last) = &last {
                summary.distance += distance(last, &point);
            }
            last = Some(point);
        }
        summary.elapsed_time = started.elapsed().as_secs() as i32;
        Ok(Response::new(summary))
    }

    async fn route_chat(
        &self,
        request: Request<Receiver<RouteNote>>,
        mut tx: Sender<RouteNote>,
    ) -> Result<Finished, Status> {
        let mut notes = request.into_inner();
        while let Some(note) = notes.message().await? {
            for earlier in self.leave(note) {
                tx.send(earlier).await?;
            }
        }
        Ok(tx.finish())
    }
}
