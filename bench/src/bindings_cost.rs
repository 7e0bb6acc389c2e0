//! Build cost of one big client function: `n` awaited `let`s in one `async fn`,
//! with `#[tonic_session::client]` against the same function without it.
//!
//! The attribute analyses every binding and may check each one (an awaited value
//! may be a session half); what that costs the compiler over the plain function is
//! the figure. Two shapes: bindings never used again (each may leak, so each gets
//! a check) and bindings all used at the end (live across every later `.await`).
//! Throwaway crates as in `build_cost`, one target directory, sides alternating.

use crate::build_cost::{base_dir, build, expansion_seconds, median, write_crate};

/// The function: `n` awaited bindings, used at the end or not, with the attribute
/// or not.
fn function(n: usize, used: bool, attribute: bool) -> String {
    // Unused bindings are the point of one shape: no warning for each.
    let mut text = String::from(
        "#![allow(unused)]\npub struct C;\nimpl C {\n    pub async fn get(&mut self, i: u32) -> u32 {\n        i\n    }\n}\n",
    );
    if attribute {
        text.push_str("#[tonic_session::client]\n");
    }
    text.push_str("pub async fn many(mut c: C) -> u32 {\n");
    for i in 0..n {
        text.push_str(&format!("    let x{i} = c.get({i}).await;\n"));
    }
    text.push_str("    0");
    if used {
        for i in 0..n {
            text.push_str(&format!(" + x{i}"));
        }
    }
    text.push_str("\n}\n");
    text
}

/// Quartiles (25th, 50th, 75th percentile) of `values`.
fn quartiles(mut values: Vec<f64>) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), median(values.clone()), at(0.75)]
}

/// Builds both sides of both shapes `samples` times, alternating, and prints the
/// seconds (quartiles) and the ratio of the medians.
pub fn measure(n: usize, samples: usize) -> Result<(), crate::BoxError> {
    let base = base_dir();
    let target = base.join("target");
    for used in [false, true] {
        let shape = if used { "used" } else { "unused" };
        let session_dir = base.join(format!("bindings-{shape}-session"));
        let plain_dir = base.join(format!("bindings-{shape}-plain"));
        write_crate(&session_dir, "bindings-session", &function(n, used, true))?;
        write_crate(&plain_dir, "bindings-plain", &function(n, used, false))?;
        // Warm-up: the first build of each crate also resolves its dependencies.
        build(&session_dir, &target)?;
        build(&plain_dir, &target)?;
        let (mut session, mut plain) = (Vec::new(), Vec::new());
        for _ in 0..samples.max(1) {
            session.push(build(&session_dir, &target)?);
            plain.push(build(&plain_dir, &target)?);
        }
        let ratio = median(session.clone()) / median(plain.clone());
        let [s1, s2, s3] = quartiles(session);
        let [p1, p2, p3] = quartiles(plain);
        let expansion = expansion_seconds(&session_dir, "bindings_session", &target)?;
        println!(
            "{n} awaited bindings, {shape}: attribute {s2:.1} s ({s1:.1}-{s3:.1}), \
             plain {p2:.1} s ({p1:.1}-{p3:.1}), ratio {ratio:.2}; the attribute's expansion {expansion:.3} s"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_sides_differ_by_the_attribute_alone() {
        let session = function(3, true, true);
        let plain = function(3, true, false);
        assert_eq!(session.replace("#[tonic_session::client]\n", ""), plain);
        assert!(plain.starts_with("#![allow(unused)]"));
        assert!(plain.contains("let x2 = c.get(2).await;"));
        assert!(plain.contains("0 + x0 + x1 + x2"));
        assert!(!function(3, false, false).contains("+ x0"));
        assert_eq!(quartiles(vec![4.0, 1.0, 3.0, 2.0, 5.0]), [2.0, 3.0, 4.0]);
    }
}
