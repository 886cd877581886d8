//! What this process counts, in Prometheus' text format for `GET
//! /metrics`: turns, tool latency and errors. The KPIs of the WISMO
//! article (seed 003) and the carrier codes shown through the fallback
//! phrase come from the store instead ([`crate::kpis`]), so they survive
//! restarts. Labels are kept in ordered maps, so the text is the same for
//! the same history.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// Upper bounds (seconds) of the latency histograms' buckets.
const TOOL_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0];

/// Upper bounds (seconds) of the time-to-resolution histogram's buckets.
const RESOLUTION_BUCKETS: &[f64] = &[1.0, 10.0, 60.0, 300.0, 1800.0, 3600.0, 86_400.0];

#[derive(Clone, Debug, Default)]
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, bounds: &[f64], value: f64) {
        if self.buckets.len() != bounds.len() {
            self.buckets = vec![0; bounds.len()];
        }
        for (bucket, bound) in self.buckets.iter_mut().zip(bounds) {
            if value <= *bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += value;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str, bounds: &[f64]) {
        let separator = if labels.is_empty() { "" } else { "," };
        for (bucket, bound) in self.buckets.iter().zip(bounds) {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{separator}le=\"{bound}\"}} {bucket}"
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{separator}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Counts {
    started: BTreeMap<String, u64>,
    turns: BTreeMap<String, u64>,
    /// (policy, kind) → sessions finished: `resolved`, `escalated`, `fault`.
    finished: BTreeMap<(String, String), u64>,
    /// (policy, node) → hand-offs from that node.
    escalations: BTreeMap<(String, String), u64>,
    resolution: BTreeMap<String, Histogram>,
    tool_latency: BTreeMap<String, Histogram>,
    /// (tool, kind) → failed calls: `error` or `timeout`.
    tool_errors: BTreeMap<(String, String), u64>,
    /// (policy, state, repair) → replies read there as a conversation
    /// repair: where customers correct, repeat, ask back or give up.
    repairs: BTreeMap<(String, String, String), u64>,
}

/// The counters.
#[derive(Debug, Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

/// How a session finished, for the KPIs.
pub(crate) fn finish_kind(outcome: &str) -> &'static str {
    if outcome.starts_with("escalated") {
        "escalated"
    } else if outcome == "fault" {
        "fault"
    } else {
        "resolved"
    }
}

fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    fn with(&self, update: impl FnOnce(&mut Counts)) {
        if let Ok(mut counts) = self.counts.lock() {
            update(&mut counts);
        }
    }

    /// A session started.
    pub fn started(&self, policy: &str) {
        self.with(|counts| *counts.started.entry(policy.to_string()).or_default() += 1);
    }

    /// A customer turn was served.
    pub fn turn(&self, policy: &str) {
        self.with(|counts| *counts.turns.entry(policy.to_string()).or_default() += 1);
    }

    /// A session finished with `outcome` at `node`, `seconds` after it started.
    pub fn finished(&self, policy: &str, outcome: &str, node: &str, seconds: f64) {
        let kind = finish_kind(outcome);
        self.with(|counts| {
            *counts
                .finished
                .entry((policy.to_string(), kind.to_string()))
                .or_default() += 1;
            if kind == "escalated" {
                *counts
                    .escalations
                    .entry((policy.to_string(), node.to_string()))
                    .or_default() += 1;
            }
            counts
                .resolution
                .entry(policy.to_string())
                .or_default()
                .observe(RESOLUTION_BUCKETS, seconds);
        });
    }

    /// A tool call took `seconds`; `failure` is `error` or `timeout` if it failed.
    pub fn tool(&self, tool: &str, seconds: f64, failure: Option<&str>) {
        self.with(|counts| {
            counts
                .tool_latency
                .entry(tool.to_string())
                .or_default()
                .observe(TOOL_BUCKETS, seconds);
            if let Some(kind) = failure {
                *counts
                    .tool_errors
                    .entry((tool.to_string(), kind.to_string()))
                    .or_default() += 1;
            }
        });
    }

    /// A reply at `node` was read as the conversation repair `repair`
    /// (`repeat`, `correction`, `question`, …).
    pub fn repair(&self, policy: &str, node: &str, repair: &str) {
        self.with(|counts| {
            *counts
                .repairs
                .entry((policy.to_string(), node.to_string(), repair.to_string()))
                .or_default() += 1;
        });
    }

    /// The Prometheus text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(counts) = self.counts.lock() else {
            return out;
        };
        out.push_str("# HELP keel_turns_total Customer turns served, by policy.\n# TYPE keel_turns_total counter\n");
        for (policy, count) in &counts.turns {
            let _ = writeln!(
                out,
                "keel_turns_total{{policy=\"{}\"}} {count}",
                label(policy)
            );
        }
        out.push_str("# HELP keel_repairs_total Replies read as a conversation repair, by policy, state and repair (where customers get stuck).\n# TYPE keel_repairs_total counter\n");
        for ((policy, node, repair), count) in &counts.repairs {
            let _ = writeln!(
                out,
                "keel_repairs_total{{policy=\"{}\",node=\"{}\",repair=\"{}\"}} {count}",
                label(policy),
                label(node),
                label(repair)
            );
        }
        out.push_str("# HELP keel_tool_latency_seconds Tool call latency, by tool.\n# TYPE keel_tool_latency_seconds histogram\n");
        for (tool, histogram) in &counts.tool_latency {
            histogram.write(
                &mut out,
                "keel_tool_latency_seconds",
                &format!("tool=\"{}\"", label(tool)),
                TOOL_BUCKETS,
            );
        }
        out.push_str("# HELP keel_tool_errors_total Failed tool calls, by tool and kind (error, timeout).\n# TYPE keel_tool_errors_total counter\n");
        for ((tool, kind), count) in &counts.tool_errors {
            let _ = writeln!(
                out,
                "keel_tool_errors_total{{tool=\"{}\",kind=\"{kind}\"}} {count}",
                label(tool)
            );
        }
        out
    }
}
