//! The KPIs of the WISMO article (seed 003), counted by this process and
//! written in Prometheus' text format for `GET /metrics`: sessions, turns,
//! true resolution rate, escalation rate per node, time to resolution,
//! tool latency and errors. Labels are kept in ordered maps, so the text
//! is the same for the same history.

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
}

/// The counters.
#[derive(Debug, Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

/// How a session finished, for the KPIs.
pub fn finish_kind(outcome: &str) -> &'static str {
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

    /// The Prometheus text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(counts) = self.counts.lock() else {
            return out;
        };
        out.push_str("# HELP keel_sessions_started_total Sessions started, by policy.\n# TYPE keel_sessions_started_total counter\n");
        for (policy, count) in &counts.started {
            let _ = writeln!(
                out,
                "keel_sessions_started_total{{policy=\"{}\"}} {count}",
                label(policy)
            );
        }
        out.push_str("# HELP keel_turns_total Customer turns served, by policy.\n# TYPE keel_turns_total counter\n");
        for (policy, count) in &counts.turns {
            let _ = writeln!(
                out,
                "keel_turns_total{{policy=\"{}\"}} {count}",
                label(policy)
            );
        }
        out.push_str("# HELP keel_sessions_finished_total Sessions finished, by policy and kind (resolved, escalated, fault).\n# TYPE keel_sessions_finished_total counter\n");
        let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
        for ((policy, kind), count) in &counts.finished {
            *totals.entry(policy).or_default() += count;
            let _ = writeln!(
                out,
                "keel_sessions_finished_total{{policy=\"{}\",kind=\"{kind}\"}} {count}",
                label(policy)
            );
        }
        out.push_str("# HELP keel_true_resolution_rate Finished sessions resolved with no human, by policy.\n# TYPE keel_true_resolution_rate gauge\n");
        for (policy, total) in &totals {
            let resolved = counts
                .finished
                .get(&(policy.to_string(), "resolved".to_string()))
                .copied()
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "keel_true_resolution_rate{{policy=\"{}\"}} {}",
                label(policy),
                ratio(resolved, *total)
            );
        }
        out.push_str("# HELP keel_escalations_total Hand-offs to people, by policy and the node they left from.\n# TYPE keel_escalations_total counter\n");
        for ((policy, node), count) in &counts.escalations {
            let _ = writeln!(
                out,
                "keel_escalations_total{{policy=\"{}\",node=\"{}\"}} {count}",
                label(policy),
                label(node)
            );
        }
        out.push_str("# HELP keel_escalation_rate Hand-offs from a node per finished session of its policy.\n# TYPE keel_escalation_rate gauge\n");
        for ((policy, node), count) in &counts.escalations {
            let total = totals.get(policy.as_str()).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "keel_escalation_rate{{policy=\"{}\",node=\"{}\"}} {}",
                label(policy),
                label(node),
                ratio(*count, total)
            );
        }
        out.push_str("# HELP keel_time_to_resolution_seconds From a session's start to its end or hand-off.\n# TYPE keel_time_to_resolution_seconds histogram\n");
        for (policy, histogram) in &counts.resolution {
            histogram.write(
                &mut out,
                "keel_time_to_resolution_seconds",
                &format!("policy=\"{}\"", label(policy)),
                RESOLUTION_BUCKETS,
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

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
