//! Edge crossings on the review graph: keel's own drawing
//! (`keel graph --format svg`) against Graphviz's (`dot -Tsvg` of
//! `keel graph --format dot`), counted the same way on both SVG files, for
//! the four seed examples and τ-bench's retail policy. Run with
//! `cargo bench -p keel-compiler --bench crossings`.
//!
//! How crossings are counted: every visible edge's path is read from the
//! SVG (`<path d>` inside an edge group; Bézier curves flattened into 16
//! straight pieces each), and every point where two different edges'
//! pieces properly cross is one crossing. Edges keel draws as badges (the
//! implicit hand-offs and the conversation repairs, hidden until a badge is
//! clicked) are not visible, so
//! they are not counted; Graphviz is measured twice: on the whole DOT
//! (every edge drawn) and on the DOT without those edges (the same edges
//! keel draws). The `edges` column gives how many edges each count was
//! taken on (keel / dot on the same edges / dot on the whole DOT), so a
//! drawing whose edges the reader missed would show. Without `dot` on the
//! PATH the Graphviz columns say so.

// A bench: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use keel_compiler::{Compilation, compile, emit};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The policies drawn: folders holding a `policy.md`.
const EXAMPLES: [&str; 5] = [
    "examples/shopify_wismo",
    "examples/bigcommerce_order_info",
    "examples/single_order_cancellation",
    "examples/magento_cancel_retention",
    "taubench/policy",
];

fn main() {
    println!(
        "{:28} {:>6} {:>10} {:>14} {:>13} {:>18} {:>16}",
        "example",
        "keel",
        "dot (same)",
        "dot (all DOT)",
        "edges k/s/all",
        "keel size",
        "dot size (same)"
    );
    for name in EXAMPLES {
        let compilation = compiled(name);
        let keel_svg = emit::svg(&compilation.machine, &compilation.sources);
        let keel_edges = edges(&keel_svg, Drawing::Keel);
        let keel = emit::layout::crossings(&keel_edges);
        let keel_size = size(&keel_svg);
        let full_dot = emit::dot(&compilation.machine);
        let same_dot = without_badge_edges(&full_dot, &compilation);
        let same_svg = graphviz(&same_dot);
        let all_svg = graphviz(&full_dot);
        let (same, same_size, same_edges) = match &same_svg {
            Some(svg) => {
                let drawn = edges(svg, Drawing::Dot);
                (
                    emit::layout::crossings(&drawn).to_string(),
                    size(svg),
                    drawn.len().to_string(),
                )
            }
            None => ("no dot".to_string(), String::new(), "-".to_string()),
        };
        let (all, all_edges) = match &all_svg {
            Some(svg) => {
                let drawn = edges(svg, Drawing::Dot);
                (
                    emit::layout::crossings(&drawn).to_string(),
                    drawn.len().to_string(),
                )
            }
            None => ("no dot".to_string(), "-".to_string()),
        };
        // The edges each drawing was measured on: keel's visible ones, dot's
        // on the same DOT, dot's on the whole DOT (keel's plus the badges').
        let counted = format!("{}/{same_edges}/{all_edges}", keel_edges.len());
        println!(
            "{name:28} {keel:>6} {same:>10} {all:>14} {counted:>13} {keel_size:>18} {same_size:>16}"
        );
    }
}

fn compiled(name: &str) -> Compilation {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let inputs = keel_compiler::load(&[format!("{name}/policy.md")], |path| {
        std::fs::read_to_string(root.join(path))
    })
    .expect("the example loads");
    compile(&inputs.policies, &inputs.catalogs)
}

/// The DOT without the edges keel shows as badges: `dot` writes one
/// `"a" -> "b"` line per transition, in the machine's order, so the n-th
/// such line goes when keel's layout draws transition n as a badge.
fn without_badge_edges(dot: &str, compilation: &Compilation) -> String {
    let drawing = emit::layout::layout(&compilation.machine);
    let mut edge = 0;
    dot.lines()
        .filter(|line| {
            let head = line.split(" [").next().unwrap_or_default();
            if !head.contains("\" -> \"") {
                return true;
            }
            let badge = drawing
                .transitions
                .get(edge)
                .is_some_and(|routed| routed.implicit.is_some());
            edge += 1;
            !badge
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// `dot -Tsvg`, or `None` without Graphviz.
fn graphviz(dot: &str) -> Option<String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(dot.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).to_string())
}

/// `width×height` of an SVG document.
fn size(svg: &str) -> String {
    let attribute = |name: &str| {
        let start = svg.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = svg[start..].find('"')? + start;
        Some(svg[start..end].trim_end_matches("pt").to_string())
    };
    format!(
        "{}×{}",
        attribute("width").unwrap_or_default(),
        attribute("height").unwrap_or_default()
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Drawing {
    Keel,
    Dot,
}

type Point = (f64, f64);

/// Every visible edge of a drawing as a polyline.
fn edges(svg: &str, drawing: Drawing) -> Vec<Vec<Point>> {
    let mut found = Vec::new();
    let opening = match drawing {
        Drawing::Keel => "<g class=\"transition",
        Drawing::Dot => "<g id=\"edge",
    };
    let mut rest = svg;
    while let Some(start) = rest.find(opening) {
        let group = &rest[start..];
        let end = group.find("</g>").unwrap_or(group.len());
        let body = &group[..end];
        let tag_end = body.find('>').unwrap_or(0);
        // `<g class="transitions">` holds keel's edges; it is not one.
        let container = body.starts_with("<g class=\"transitions\"");
        let hidden = body[..tag_end].contains("implicit");
        if !hidden && !container {
            if let Some(d) = attribute_of(body, "d") {
                found.push(flatten(d));
            }
        }
        rest = if container {
            &group[tag_end..]
        } else {
            &group[end..]
        };
    }
    found
}

fn attribute_of<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = element[start..].find('"')? + start;
    Some(&element[start..end])
}

/// A path's `d` as a polyline: `M`, `L` and `C` (absolute), cubic curves
/// flattened into 16 pieces.
fn flatten(d: &str) -> Vec<Point> {
    let mut points: Vec<Point> = Vec::new();
    let mut command = 'M';
    let mut numbers: Vec<f64> = Vec::new();
    let flush = |command: char, numbers: &mut Vec<f64>, points: &mut Vec<Point>| {
        let pairs: Vec<Point> = numbers
            .chunks(2)
            .filter(|pair| pair.len() == 2)
            .map(|pair| (pair[0], pair[1]))
            .collect();
        match command {
            'M' | 'L' => points.extend(pairs),
            'C' => {
                for control in pairs.chunks(3).filter(|control| control.len() == 3) {
                    let start = points.last().copied().unwrap_or(control[0]);
                    for step in 1..=16 {
                        let t = f64::from(step) / 16.0;
                        let u = 1.0 - t;
                        let x = u * u * u * start.0
                            + 3.0 * u * u * t * control[0].0
                            + 3.0 * u * t * t * control[1].0
                            + t * t * t * control[2].0;
                        let y = u * u * u * start.1
                            + 3.0 * u * u * t * control[0].1
                            + 3.0 * u * t * t * control[1].1
                            + t * t * t * control[2].1;
                        points.push((x, y));
                    }
                }
            }
            _ => {}
        }
        numbers.clear();
    };
    let mut token = String::new();
    for character in d.chars().chain(std::iter::once(' ')) {
        if character.is_ascii_alphabetic() && character != 'e' {
            if let Ok(number) = token.parse() {
                numbers.push(number);
            }
            token.clear();
            flush(command, &mut numbers, &mut points);
            command = character;
        } else if character == ','
            || character.is_whitespace()
            || (character == '-' && !token.is_empty() && !token.ends_with('e'))
        {
            if let Ok(number) = token.parse() {
                numbers.push(number);
            }
            token.clear();
            if character == '-' {
                token.push('-');
            }
        } else {
            token.push(character);
        }
    }
    flush(command, &mut numbers, &mut points);
    points
}
