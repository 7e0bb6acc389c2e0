//! The concurrency-scaling figures as the report writes them: a JSON object, a
//! Markdown table and an SVG plot of messages per second against N (log axis).

use std::fmt::Write as _;

use crate::scale::{CONNECTIONS, Kind, Point, SESSIONS};

/// `"scale": {kind: {"<c>_connections": {"<n>": {...}}}}`, without a trailing comma.
pub fn json(points: &[Point]) -> String {
    let mut kinds = Vec::new();
    for kind in Kind::ALL {
        let mut spreads = Vec::new();
        for connections in CONNECTIONS {
            let entries: Vec<String> = at(points, kind, connections)
                .map(|point| {
                    let [low, median, high] = point.ratio_quartiles();
                    format!(
                        "        \"{}\": {{ \"raw_per_second\": {:.0}, \"session_per_second\": {:.0}, \"ratio\": {median:.3}, \"ratio_quartiles\": [{low:.3}, {median:.3}, {high:.3}] }}",
                        point.sessions,
                        Point::median(&point.raw),
                        Point::median(&point.session),
                    )
                })
                .collect();
            spreads.push(format!(
                "      \"{connections}_connections\": {{\n{}\n      }}",
                entries.join(",\n")
            ));
        }
        kinds.push(format!(
            "    \"{}\": {{\n{}\n    }}",
            kind.name(),
            spreads.join(",\n")
        ));
    }
    format!("  \"scale\": {{\n{}\n  }}", kinds.join(",\n"))
}

/// The points of `kind` over `connections`, in order of N.
fn at(points: &[Point], kind: Kind, connections: usize) -> impl Iterator<Item = &Point> {
    points
        .iter()
        .filter(move |point| point.kind == kind && point.connections == connections)
}

/// The section of BENCHMARKS.md: one row per kind, N and spread.
pub fn markdown(points: &[Point]) -> String {
    let mut out = String::from(
        "## Concurrency scaling\n\nN sessions of one kind at once, over one HTTP/2 connection or \
         spread over 16 (connection windows raised to 16 MiB on both sides; tonic leaves \
         concurrent streams unlimited), each side's turn moving about the same number of \
         messages whatever N is (a share per session, with a floor), raw and session turns \
         back to back, the first alternating. Aggregate messages (round trips for ping-pong) \
         per second, medians over the rounds; the ratio is session / raw taken round by round: \
         median (quartiles). Target: >= 1.00 within the run's noise.\n\n\
         | kind | connections | N | raw per second | session per second | ratio (quartiles) |\n\
         |---|---|---|---|---|---|\n",
    );
    for point in points {
        let [low, median, high] = point.ratio_quartiles();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {:.0} | {:.0} | {median:.2} ({low:.2}-{high:.2}) |",
            point.kind.name(),
            point.connections,
            point.sessions,
            Point::median(&point.raw),
            Point::median(&point.session),
        );
    }
    out.push_str("\n![messages per second against concurrent sessions](benchmarks-scale.svg)\n");
    out
}

/// Panel geometry of the plot.
const PANEL: (f64, f64) = (300.0, 180.0);
const MARGIN: f64 = 60.0;

/// One panel per kind and spread: messages per second against N on log axes; grey
/// hand-written tonic, blue sessions.
pub fn svg(points: &[Point]) -> String {
    let (w, h) = PANEL;
    let columns = CONNECTIONS.len() as f64;
    let rows = Kind::ALL.len() as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <text x=\"10\" y=\"16\" font-size=\"13\">messages per second against concurrent sessions (log axes); grey: hand-written tonic, blue: tonic-session</text>\n",
        columns * (w + MARGIN * 1.5) + MARGIN,
        rows * (h + MARGIN) + MARGIN
    );
    for (row, kind) in Kind::ALL.into_iter().enumerate() {
        for (column, connections) in CONNECTIONS.into_iter().enumerate() {
            let origin = (
                MARGIN + column as f64 * (w + MARGIN * 1.5),
                MARGIN + row as f64 * (h + MARGIN),
            );
            let panel: Vec<&Point> = at(points, kind, connections).collect();
            out.push_str(&svg_panel(
                &panel,
                origin,
                &format!("{} over {connections}", kind.name()),
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}

/// One panel at `origin` (its top left corner).
fn svg_panel(points: &[&Point], origin: (f64, f64), title: &str) -> String {
    let (w, h) = PANEL;
    let (x0, y0) = origin;
    let rates = points
        .iter()
        .flat_map(|point| [Point::median(&point.raw), Point::median(&point.session)])
        .filter(|rate| rate.is_finite() && *rate > 0.0);
    let (low, high) = rates.fold((f64::MAX, 1.0f64), |(low, high), rate| {
        (low.min(rate), high.max(rate))
    });
    let (low, high) = (
        low.min(high).log10().floor(),
        high.log10().ceil().max(low.log10().floor() + 1.0),
    );
    let first = SESSIONS[0] as f64;
    let last = SESSIONS[SESSIONS.len() - 1] as f64;
    let x = |n: usize| x0 + (n as f64 / first).log10() / (last / first).log10() * w;
    let y = |rate: f64| y0 + h - (rate.log10() - low) / (high - low) * h;
    let mut out = format!(
        "<text x=\"{x0}\" y=\"{}\">{title}</text>\n<rect x=\"{x0}\" y=\"{y0}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#cccccc\"/>\n",
        y0 - 6.0
    );
    for n in SESSIONS {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{n}</text>",
            x(n),
            y0 + h + 14.0
        );
    }
    for power in [low, high] {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">1e{power:.0}</text>",
            x0 - 4.0,
            y(10f64.powf(power)) + 4.0
        );
    }
    for (colour, raw) in [("#999999", true), ("#2f7ed8", false)] {
        let line: Vec<String> = points
            .iter()
            .map(|point| {
                let rate = Point::median(if raw { &point.raw } else { &point.session });
                format!("{:.1},{:.1}", x(point.sessions), y(rate.max(1.0)))
            })
            .collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
            line.join(" ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(kind: Kind, sessions: usize, connections: usize, raw: f64, session: f64) -> Point {
        Point {
            kind,
            sessions,
            connections,
            raw: vec![raw, raw * 2.0, raw],
            session: vec![session, session, session * 3.0],
        }
    }

    #[test]
    fn every_kind_spread_and_n_has_its_key_and_round_by_round_ratio() {
        let mut points = Vec::new();
        for kind in Kind::ALL {
            for connections in CONNECTIONS {
                for sessions in SESSIONS {
                    points.push(point(kind, sessions, connections, 100.0, 110.0));
                }
            }
        }
        let json = json(&points);
        let parsed: serde_json::Value =
            serde_json::from_str(&format!("{{{json}}}")).expect("valid JSON");
        let one = &parsed["scale"]["ping_pong"]["16_connections"]["10000"];
        assert_eq!(one["raw_per_second"], 100.0);
        assert_eq!(one["session_per_second"], 110.0);
        // Round by round: 110/100, 110/200, 330/100.
        assert_eq!(one["ratio_quartiles"][0], 0.825);
        assert_eq!(one["ratio"], 1.1);
        for kind in Kind::ALL {
            for sessions in SESSIONS {
                assert!(
                    parsed["scale"][kind.name()]["1_connections"][sessions.to_string()].is_object()
                );
            }
        }
        let table = markdown(&points);
        assert_eq!(table.matches("| `client_stream` |").count(), 8);
        assert!(svg(&points).matches("<polyline").count() == 16);
    }
}
