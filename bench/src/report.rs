//! The report: `target/bench-report.json` always; `BENCHMARKS.md` and
//! `benchmarks.svg` at the repository root after a full run.
//!
//! The plot is a plain SVG bar chart written here: a few dozen lines, where a
//! plotting crate would add its dependency tree to every workspace build.

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use crate::measure::{Mode, Results, TURN, VARIANTS};
use crate::repo_root;

/// What a ratio must reach.
#[derive(Clone, Copy)]
enum Target {
    /// At least this.
    AtLeast(f64),
    /// This, within the machine's noise (the same code measured twice differs by
    /// up to this much on a 2-core machine).
    Within(f64, f64),
    /// None: raw against raw, a yardstick for the ratios beside it.
    Reference,
}

impl Target {
    /// Whether `ratio` meets the target; `None` for a reference.
    fn met(self, ratio: f64) -> Option<bool> {
        match self {
            Target::AtLeast(min) => Some(ratio >= min),
            // As printed: two decimals.
            Target::Within(centre, noise) => Some((ratio - centre).abs() <= noise + 0.005),
            Target::Reference => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::AtLeast(min) => write!(f, ">= {min:.2}"),
            Target::Within(centre, noise) => write!(f, "{centre:.2} +- {noise:.2} (noise)"),
            Target::Reference => write!(f, "none: raw vs raw"),
        }
    }
}

/// The target ratios, and one reference: (key, numerator, denominator, target).
const RATIOS: [(&str, &str, &str, Target); 6] = [
    (
        "server_stream_inline_vs_async_stream",
        "server_stream_session_inline",
        "server_stream_raw_async_stream",
        Target::AtLeast(1.0),
    ),
    (
        "server_stream_spawned_vs_mpsc",
        "server_stream_session_spawned",
        "server_stream_raw_mpsc",
        Target::AtLeast(1.0),
    ),
    (
        "client_stream_vs_raw",
        "client_stream_session",
        "client_stream_raw",
        Target::AtLeast(1.0),
    ),
    (
        "ping_pong_vs_mpsc",
        "ping_pong_session",
        "ping_pong_raw_mpsc",
        Target::AtLeast(1.0),
    ),
    (
        "unary_attr_vs_plain",
        "unary_attr",
        "unary_plain",
        Target::Within(1.0, 0.10),
    ),
    // The transport's ceiling against `async_stream!`: a producer with no hand-off
    // at all, so this is as far as any producer could get past `async_stream!` in
    // this run, noise included: the yardstick for `server_stream_inline_vs_async_stream`.
    (
        "reference_iter_vs_async_stream",
        "server_stream_raw_iter",
        "server_stream_raw_async_stream",
        Target::Reference,
    ),
];

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn json(results: &Results, mode: Mode) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(
        out,
        "  \"mode\": \"{}\",",
        if mode == Mode::Quick { "quick" } else { "full" }
    );
    let _ = writeln!(out, "  \"cores\": {},", cores());
    let _ = writeln!(out, "  \"rounds\": {},", results.rounds);
    let _ = writeln!(out, "  \"stream_repeats\": {},", results.stream_repeats);
    let _ = writeln!(out, "  \"stream_messages\": {},", results.stream_messages);
    let _ = writeln!(out, "  \"ping_pong_round_trips\": {},", results.ping_pongs);
    let _ = writeln!(out, "  \"unary_calls\": {},", results.unary_calls);
    for (key, a, b, _) in RATIOS {
        let _ = writeln!(out, "  \"{key}\": {:.3},", results.ratio(a, b));
    }
    out.push_str("  \"paired_per_pass_quartiles\": {\n");
    let paired: Vec<String> = RATIOS
        .iter()
        .filter_map(|(key, a, b, _)| {
            let [low, mid, high] = results.paired_quartiles(a, b)?;
            Some(format!("    \"{key}\": [{low:.3}, {mid:.3}, {high:.3}]"))
        })
        .collect();
    out.push_str(&paired.join(",\n"));
    out.push_str("\n  },\n");
    out.push_str("  \"medians_per_second\": {\n");
    let medians: Vec<String> = VARIANTS
        .iter()
        .map(|variant| format!("    \"{variant}\": {:.0}", results.median(variant)))
        .collect();
    out.push_str(&medians.join(",\n"));
    out.push_str("\n  },\n");
    let stall = results.stall;
    let _ = writeln!(
        out,
        "  \"stalled_reader_sent\": {{ \"raw_mpsc_128\": {}, \"session_spawned\": {}, \"session_inline\": {}, \"session_bound\": {} }},",
        stall.raw_mpsc_sent,
        stall.session_spawned_sent,
        stall.session_inline_sent,
        stall.session_bound
    );
    match results.build_cost {
        Some(cost) => {
            let _ = writeln!(
                out,
                "  \"build_seconds\": {{ \"attr\": {:.2}, \"hand_written\": {:.2} }},\n  \"build_attr_vs_hand_written\": {:.3},",
                cost.session_seconds,
                cost.raw_seconds,
                cost.session_seconds / cost.raw_seconds
            );
        }
        None => out.push_str("  \"build_attr_vs_hand_written\": null,\n"),
    }
    match results.big_service {
        Some(big) => {
            let _ = writeln!(
                out,
                "  \"big_service\": {{ \"methods\": {}, \"samples\": {}, \"check_seconds\": {{ \"session\": {:.2}, \"raw\": {:.2} }}, \"build_seconds\": {{ \"session\": {:.2}, \"raw\": {:.2} }}, \"expansion_seconds\": {:.3} }},\n  \"big_service_check_vs_raw\": {:.3},\n  \"big_service_build_vs_raw\": {:.3},",
                big.methods,
                big.samples,
                big.check_seconds.0,
                big.check_seconds.1,
                big.build_seconds.0,
                big.build_seconds.1,
                big.expansion_seconds,
                big.check_ratio(),
                big.build_ratio()
            );
        }
        None => out.push_str(
            "  \"big_service_check_vs_raw\": null,\n  \"big_service_build_vs_raw\": null,\n",
        ),
    }
    if let Some(points) = &results.scale {
        let _ = writeln!(out, "{},", crate::scale_report::json(points));
    }
    let _ = writeln!(out, "  \"seconds\": {:.1}", results.seconds);
    out.push_str("}\n");
    out
}

fn markdown(results: &Results) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "# Benchmarks\n\nWritten by `cargo run --release -p tonic-session-bench` (the full mode); \
         `-- --quick` runs in under a minute. Loopback, a multi-thread tokio runtime, server and \
         client in one process; the measuring code runs as a task on the runtime, as a client \
         in a handler or a spawned task does. Each variant ran in interleaved rounds; ping-pong and unary \
         measure raw and session in one sample, taking turns every {TURN} round trips, so \
         both are timed through the same stretch of a noisy machine, on connections of their \
         own (a connection that streamed runs later round trips slower); figures are medians; \
         ratios are of medians from the same run (higher is better for the session side). \
         Beside each, the same ratio taken pass by pass (the two sides' samples from one \
         pass): its median and quartiles show how far one pass's noise moves it. The last \
         ratio has no target: the transport's ceiling (`futures::stream::iter`, no hand-off \
         at all) over `async_stream!`, both hand-written: as far as any producer could get \
         past `async_stream!` in this run, noise included, the yardstick for the inline \
         ratio.\n\n",
    );
    let _ = writeln!(
        out,
        "Machine: {} cores. Rounds: {} (each stream variant {} times a round). Streams: {} \
         messages of ~16 bytes; ping-pong: {} sequential round trips; unary: {} sequential \
         calls. Run time: {:.0} s.\n",
        cores(),
        results.rounds,
        results.stream_repeats,
        results.stream_messages,
        results.ping_pongs,
        results.unary_calls,
        results.seconds
    );
    out.push_str(
        "| ratio | session / raw | per pass: median (quartiles) | target |\n|---|---|---|---|\n",
    );
    for (key, a, b, target) in RATIOS {
        let ratio = results.ratio(a, b);
        let verdict = match target.met(ratio) {
            Some(true) => " (met)",
            Some(false) => " (missed)",
            None => "",
        };
        let paired = match results.paired_quartiles(a, b) {
            Some([low, mid, high]) => format!("{mid:.2} ({low:.2}-{high:.2})"),
            None => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "| `{key}` | {ratio:.2} | {paired} | {target}{verdict} |"
        );
    }
    if let Some(cost) = results.build_cost {
        let ratio = cost.session_seconds / cost.raw_seconds;
        let verdict = if ratio <= 1.10 { "met" } else { "missed" };
        let _ = writeln!(
            out,
            "| `build_attr_vs_hand_written` | {ratio:.2} ({:.2} s vs {:.2} s, median of {}) | - | <= 1.10 ({verdict}) |",
            cost.session_seconds, cost.raw_seconds, cost.samples
        );
    }
    if let Some(big) = results.big_service {
        let rows = [
            ("check", big.check_seconds, big.check_ratio()),
            ("build", big.build_seconds, big.build_ratio()),
        ];
        for (command, (session, raw), ratio) in rows {
            let verdict = if ratio <= 1.10 { "met" } else { "missed" };
            let _ = writeln!(
                out,
                "| `big_service_{command}_vs_raw` | {ratio:.2} (`cargo {command}` {session:.2} s vs {raw:.2} s, {} methods, median of {}; the attributes' expansion {:.2} s) | - | <= 1.10 ({verdict}) |",
                big.methods, big.samples, big.expansion_seconds
            );
        }
    }
    out.push_str("\n| variant | median per second |\n|---|---|\n");
    for variant in VARIANTS {
        let _ = writeln!(out, "| `{variant}` | {:.0} |", results.median(variant));
    }
    let stall = results.stall;
    let _ = writeln!(
        out,
        "\nStalled reader: a handler called as tonic calls it, its response stream kept and never \
         polled (the transport stopped taking data). Messages the producer got to send before the \
         server's own plumbing held it back (over a real connection, HTTP/2 buffers add the same \
         amount to both):\n\n\
         | server | messages sent |\n|---|---|\n\
         | raw, spawn + `mpsc::channel(128)` | {} |\n\
         | session, sending half in a spawned task | {} |\n\
         | session, sending from the body | {} |\n\
         | session bound (`MAX_HELD_MESSAGES`) | {} |\n",
        stall.raw_mpsc_sent,
        stall.session_spawned_sent,
        stall.session_inline_sent,
        stall.session_bound
    );
    out.push_str("![messages per second per variant](benchmarks.svg)\n");
    if let Some(points) = &results.scale {
        out.push('\n');
        out.push_str(&crate::scale_report::markdown(points));
    }
    out
}

fn svg(results: &Results) -> String {
    let (bar, gap, left, width) = (22.0, 8.0, 260.0, 420.0);
    let height = VARIANTS.len() as f64 * (bar + gap) + 50.0;
    let max = VARIANTS
        .iter()
        .map(|variant| results.median(variant))
        .filter(|value| value.is_finite())
        .fold(1.0, f64::max);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <text x=\"10\" y=\"18\" font-size=\"14\">median messages (calls) per second; grey: hand-written tonic, blue: tonic-session</text>\n",
        left + width + 120.0
    );
    for (index, variant) in VARIANTS.iter().enumerate() {
        let value = results.median(variant);
        let y = 30.0 + index as f64 * (bar + gap);
        let length = if value.is_finite() {
            value / max * width
        } else {
            0.0
        };
        let colour = if variant.contains("session") || variant.ends_with("attr") {
            "#2f7ed8"
        } else {
            "#999999"
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{variant}</text>\n\
             <rect x=\"{left}\" y=\"{y}\" width=\"{length:.1}\" height=\"{bar}\" fill=\"{colour}\"/>\n\
             <text x=\"{:.1}\" y=\"{}\">{value:.0}</text>",
            left - 8.0,
            y + bar * 0.7,
            left + length + 6.0,
            y + bar * 0.7
        );
    }
    out.push_str("</svg>\n");
    out
}

pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Prints the summary and writes the files of `mode`.
pub fn write(results: &Results, mode: Mode) -> std::io::Result<()> {
    let report = target_dir().join("bench-report.json");
    std::fs::create_dir_all(target_dir())?;
    std::fs::write(&report, json(results, mode))?;
    println!("{}", markdown(results));
    println!("wrote {}", report.display());
    if mode == Mode::Full {
        std::fs::write(repo_root().join("BENCHMARKS.md"), markdown(results))?;
        std::fs::write(repo_root().join("benchmarks.svg"), svg(results))?;
        if let Some(points) = &results.scale {
            let plot = crate::scale_report::svg(points);
            std::fs::write(repo_root().join("benchmarks-scale.svg"), plot)?;
        }
        println!("wrote BENCHMARKS.md and benchmarks.svg");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_has_every_key_the_issue_names_with_the_right_ratio() {
        let mut results = Results::default();
        for (index, variant) in VARIANTS.iter().enumerate() {
            // Three samples; the median is the middle one.
            let base = (index + 1) as f64 * 100.0;
            results
                .samples
                .insert(variant, vec![base * 3.0, base, base * 2.0]);
        }
        let json = json(&results, Mode::Quick);
        for key in [
            "server_stream_inline_vs_async_stream",
            "server_stream_spawned_vs_mpsc",
            "client_stream_vs_raw",
            "ping_pong_vs_mpsc",
            "unary_attr_vs_plain",
            "medians_per_second",
            "cores",
            "stalled_reader_sent",
        ] {
            assert!(
                json.contains(&format!("\"{key}\"")),
                "{key} missing from {json}"
            );
        }
        // Inline is variant 4 (median 800), async_stream variant 2 (median 400).
        assert!(
            json.contains("\"server_stream_inline_vs_async_stream\": 2.000"),
            "{json}"
        );
        assert!(json.contains("\"server_stream_raw_mpsc\": 200"), "{json}");
        let table = markdown(&results);
        // unary_attr (variant 11: 3300, 1100, 2200) over unary_plain (10: 3000,
        // 1000, 2000): 1.10 in every pass.
        assert!(table.contains(
            "| `unary_attr_vs_plain` | 1.10 | 1.10 (1.10-1.10) | 1.00 +- 0.10 (noise) (met) |"
        ));
        assert!(table.contains(
            "| `server_stream_inline_vs_async_stream` | 2.00 | 2.00 (2.00-2.00) | >= 1.00 (met) |"
        ));
        assert!(
            json.contains("\"ping_pong_vs_mpsc\": [1.125, 1.125, 1.125]"),
            "{json}"
        );
        assert!(svg(&results).starts_with("<svg"));
        assert!(
            json.contains("\"big_service_check_vs_raw\": null"),
            "{json}"
        );
        results.big_service = Some(crate::big_service::BigService {
            methods: 40,
            samples: 3,
            check_seconds: (1.5, 1.0),
            build_seconds: (3.0, 3.0),
            expansion_seconds: 0.08,
        });
        let json = super::json(&results, Mode::Quick);
        assert!(
            json.contains("\"big_service_check_vs_raw\": 1.500"),
            "{json}"
        );
        assert!(
            json.contains("\"big_service_build_vs_raw\": 1.000"),
            "{json}"
        );
        let table = markdown(&results);
        assert!(
            table.contains("| `big_service_check_vs_raw` | 1.50 (`cargo check` 1.50 s vs 1.00 s, 40 methods, median of 3; the attributes' expansion 0.08 s) | - | <= 1.10 (missed) |"),
            "{table}"
        );
        assert!(
            table.contains("| `big_service_build_vs_raw` | 1.00 ("),
            "{table}"
        );
        // iter (variant 3: 900, 300, 600) over async_stream (2: 600, 200, 400).
        assert!(
            table.contains(
                "| `reference_iter_vs_async_stream` | 1.50 | 1.50 (1.50-1.50) | none: raw vs raw |"
            ),
            "{table}"
        );
        assert_eq!(Target::Within(1.0, 0.10).met(0.85), Some(false));
        assert_eq!(Target::Within(1.0, 0.10).met(1.16), Some(false));
        assert_eq!(Target::AtLeast(1.0).met(0.99), Some(false));
        assert_eq!(Target::Reference.met(0.5), None);
    }

    #[test]
    fn paired_ratios_pair_the_samples_of_one_pass() {
        let mut results = Results::default();
        // Pass by pass: 2.0, 0.5, 1.0, 4.0; the medians alone would say 1.0.
        results
            .samples
            .insert("server_stream_session_inline", vec![4.0, 1.0, 3.0, 8.0]);
        results
            .samples
            .insert("server_stream_raw_async_stream", vec![2.0, 2.0, 3.0, 2.0]);
        let [low, mid, high] = results
            .paired_quartiles(
                "server_stream_session_inline",
                "server_stream_raw_async_stream",
            )
            .expect("one sample per pass each");
        // Sorted 0.5, 1.0, 2.0, 4.0: the quartiles interpolate at 0.75, 1.5, 2.25.
        assert_eq!([low, mid, high], [0.875, 1.5, 2.5]);
        results
            .samples
            .insert("server_stream_raw_async_stream", vec![2.0]);
        assert_eq!(
            results.paired_quartiles(
                "server_stream_session_inline",
                "server_stream_raw_async_stream"
            ),
            None,
            "a variant with a missing pass has no pairs"
        );
    }
}
