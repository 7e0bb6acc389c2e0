//! The map the example serves: a few named features, and the geometry RouteGuide
//! needs (is a point inside a rectangle, how far apart are two points).

use super::pb::{Feature, Point, Rectangle};

/// A point from degrees.
pub fn point(latitude: f64, longitude: f64) -> Point {
    let e7 = |degrees: f64| (degrees * 1e7).round() as i32;
    Point {
        latitude: e7(latitude),
        longitude: e7(longitude),
    }
}

/// The features the example server knows (a few places in northern New Jersey, as
/// in gRPC's tutorials).
pub fn features() -> Vec<Feature> {
    let places = [
        ("Patriots Path, Mendham, NJ", 40.7838351, -74.6143763),
        ("101 New Jersey 10, Whippany, NJ", 40.8122808, -74.3999179),
        ("U.S. 6, Shohola, PA", 41.3628156, -74.9015468),
        ("5 Conners Road, Kingston, NY", 41.9999544, -74.0371136),
        ("Mount Hope Road, Wharton, NJ", 40.9446245, -74.5658679),
        (
            "Berkshire Valley Management Area Trail, Jefferson, NJ",
            40.9839754,
            -74.5853542,
        ),
        (
            "Scenic Lake Drive, Hackettstown, NJ",
            40.8385296,
            -74.8530221,
        ),
        ("Cedar Lake Road, Branchville, NJ", 41.1555232, -74.7520005),
    ];
    places
        .into_iter()
        .map(|(name, latitude, longitude)| Feature {
            name: name.to_owned(),
            location: Some(point(latitude, longitude)),
        })
        .collect()
}

/// Whether `point` lies inside `rectangle` (its corners in any order).
pub fn inside(point: &Point, rectangle: &Rectangle) -> bool {
    let (Some(lo), Some(hi)) = (&rectangle.lo, &rectangle.hi) else {
        return false;
    };
    let between = |value: i32, a: i32, b: i32| a.min(b) <= value && value <= a.max(b);
    between(point.latitude, lo.latitude, hi.latitude)
        && between(point.longitude, lo.longitude, hi.longitude)
}

/// The great-circle distance between two points, in metres (haversine).
pub fn distance(from: &Point, to: &Point) -> i32 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let radians = |e7: i32| (e7 as f64 / 1e7).to_radians();
    let (lat1, lat2) = (radians(from.latitude), radians(to.latitude));
    let dlat = lat2 - lat1;
    let dlon = radians(to.longitude) - radians(from.longitude);
    let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    let c = 2.0 * a.sqrt().atan2((1.0 - a).sqrt());
    (EARTH_RADIUS_M * c).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry() {
        let rectangle = Rectangle {
            lo: Some(point(41.0, -74.0)),
            hi: Some(point(40.0, -75.0)),
        };
        assert!(inside(&point(40.5, -74.5), &rectangle));
        assert!(!inside(&point(41.5, -74.5), &rectangle));
        // One degree of latitude is about 111 km.
        let degree = distance(&point(40.0, -74.0), &point(41.0, -74.0));
        assert!((111_000..111_400).contains(&degree), "{degree}");
        assert_eq!(distance(&point(40.0, -74.0), &point(40.0, -74.0)), 0);
    }
}
