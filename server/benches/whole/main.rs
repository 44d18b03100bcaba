//! Whole-run benchmark: `cargo bench --bench whole`. Generates its inputs (see [`inputs`]) under
//! `target/bench-inputs/`, then measures `gatelint check` (wall time and peak RSS of the release
//! binary), cfn-lint on the same templates when it is installed, the bare tree-sitter parse of the
//! same files (the floor), and the language server (initialize, indexing, re-diagnosis latency
//! after one-character edits, hover while edits arrive, RSS). Prints one table. Nothing here asserts a time.
//!
//! Environment: `GATELINT_BENCH_RUNS` (whole runs per figure, default 10), `GATELINT_BENCH_CFN_RUNS`
//! (cfn-lint runs, default 3), `GATELINT_BENCH_CFN_LIMIT` (seconds before a cfn-lint run is
//! stopped and reported as unfinished, default 600), `GATELINT_BENCH_EDITS` (edits per file,
//! default 200),
//! `GATELINT_BENCH_ONLY` (a comma-separated subset of `check,parse,cfn,server,edits,hover`),
//! `GATELINT_BENCH_INPUTS` (the `check`/`parse` inputs whose label holds one of these
//! comma-separated words, e.g. `Terraform`).

#[path = "../../tests/support/lsp_client.rs"]
mod lsp_client;

mod inputs;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gatelint::languages::FileKind;
use gatelint::text::{parse, Document};
use rayon::prelude::*;
use serde_json::{json, Value};

use lsp_client::Client;

fn main() {
    if let Some(limit) = std::env::var_os(MEASURE) {
        measure_and_exit(&limit);
    }
    // `cargo bench` passes `--bench`; a filter argument is not supported (the table is whole).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-inputs");
    eprintln!("generating inputs under {}", root.display());
    let inputs = match inputs::generate(&root) {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!("cannot write the benchmark inputs: {error}");
            std::process::exit(2);
        }
    };
    let template_bytes = std::fs::metadata(&inputs.template).map_or(0, |meta| meta.len());
    let bench = Bench {
        binary: PathBuf::from(env!("CARGO_BIN_EXE_gatelint")),
        runs: env_number("GATELINT_BENCH_RUNS", 10),
        cfn_runs: env_number("GATELINT_BENCH_CFN_RUNS", 3),
        cfn_limit: env_number("GATELINT_BENCH_CFN_LIMIT", 600) as u64,
        edits: env_number("GATELINT_BENCH_EDITS", 200),
        only: std::env::var("GATELINT_BENCH_ONLY").ok(),
        inputs: std::env::var("GATELINT_BENCH_INPUTS").ok(),
    };
    let mut table = Table::default();
    let monorepo = format!("monorepo ({} files)", inputs.monorepo_files);
    let monorepo_copies = format!(
        "monorepo ×{} ({} files)",
        inputs::MONOREPO_COPIES,
        inputs.monorepo_files * inputs::MONOREPO_COPIES
    );
    // Ten times the monorepo's run time: fewer runs.
    let copies_runs = bench.runs.min(3);
    let template = format!(
        "template ({:.1} MB, {} functions)",
        template_bytes as f64 / 1e6,
        inputs::TEMPLATE_FUNCTIONS
    );
    let yaml_bytes = std::fs::metadata(&inputs.yaml_template).map_or(0, |meta| meta.len());
    let yaml_template = format!(
        "YAML template ({:.1} MB, the same {} functions)",
        yaml_bytes as f64 / 1e6,
        inputs::TEMPLATE_FUNCTIONS
    );

    let brackets_python = format!("{} unbalanced `(` in a .py", inputs::BRACKETS);
    let brackets_javascript = format!("{} unbalanced `(` in a .js", inputs::BRACKETS);
    let brackets_template = format!("{} unbalanced `[` in a YAML template", inputs::BRACKETS);
    let cdk = format!(
        "CDK app (a TypeScript stack of {} functions)",
        inputs::STACK_FUNCTIONS
    );
    let serverless = format!(
        "Serverless Framework service ({} functions)",
        inputs::STACK_FUNCTIONS
    );
    let terraform = format!(
        "Terraform ({} resources in {} files)",
        inputs::TERRAFORM_FUNCTIONS * 5 + 1,
        inputs::TERRAFORM_FILES
    );
    let bundle = format!(
        "one-line JS bundle ({:.1} MB, {} module-level functions)",
        inputs::BUNDLE_BYTES as f64 / 1e6,
        inputs.bundle_functions
    );
    if bench.wants("check") || bench.wants("parse") || bench.wants("cfn") {
        let runs = bench.runs;
        for (label, path, templates, runs) in [
            (
                &monorepo,
                &inputs.monorepo,
                inputs.monorepo_templates.clone(),
                runs,
            ),
            (
                &monorepo_copies,
                &inputs.monorepo_copies,
                Vec::new(),
                copies_runs,
            ),
            (
                &template,
                &inputs.template,
                vec![inputs.template.clone()],
                runs,
            ),
            (
                &yaml_template,
                &inputs.yaml_template,
                vec![inputs.yaml_template.clone()],
                runs,
            ),
            (&brackets_python, &inputs.brackets_python, Vec::new(), runs),
            (
                &brackets_javascript,
                &inputs.brackets_javascript,
                Vec::new(),
                runs,
            ),
            (
                &brackets_template,
                &inputs.brackets_template,
                Vec::new(),
                runs,
            ),
            (&terraform, &inputs.terraform, Vec::new(), runs),
            (&cdk, &inputs.cdk, Vec::new(), runs),
            (&serverless, &inputs.serverless, Vec::new(), runs),
            (&bundle, &inputs.bundle, Vec::new(), runs),
        ] {
            if !bench.wants_input(label) {
                continue;
            }
            let check = bench
                .wants("check")
                .then(|| {
                    eprintln!("gatelint check {label}");
                    bench.process(runs, Duration::from_secs(600), || {
                        let mut command = Command::new(&bench.binary);
                        command.args(["check", "--format", "json"]).arg(path);
                        command
                    })
                })
                .flatten();
            if let Some(check) = &check {
                // Issue 21's memory target: peak RSS under 5× the source it reads.
                let source = source_bytes(path);
                let ratio = check.rss_kb.as_ref().map(|rss| {
                    format!(
                        "peak RSS = {:.1}× the source ({:.1} MB)",
                        rss.max() * 1024.0 / source as f64,
                        source as f64 / 1e6
                    )
                });
                table.row(&format!("`gatelint check` {label}"), check, ratio);
            }
            if bench.wants("parse") {
                eprintln!("tree-sitter parse {label}");
                let parse = parse_floor(path, runs);
                let ratio = check.as_ref().map(|check| {
                    format!(
                        "check = {:.1}× parse",
                        check.time.median() / parse.time.median()
                    )
                });
                table.row(&format!("tree-sitter parse only, {label}"), &parse, ratio);
            }
            if bench.wants("cfn") && !templates.is_empty() {
                match cfn_lint() {
                    Some(cfn) => {
                        eprintln!("cfn-lint {label} ({} templates)", templates.len());
                        let limit = Duration::from_secs(bench.cfn_limit);
                        let measured = bench.process(bench.cfn_runs, limit, || {
                            let mut command = cfn.command();
                            command.args(&templates);
                            command
                        });
                        let figure = format!("cfn-lint {label}, {} templates", templates.len());
                        match measured {
                            Some(measured) => {
                                let ratio = check.as_ref().map(|check| {
                                    format!(
                                        "cfn-lint = {:.0}× check",
                                        measured.time.median() / check.time.median()
                                    )
                                });
                                table.row(&figure, &measured, ratio);
                            }
                            None => table.unfinished(&figure, limit, check.as_ref()),
                        }
                    }
                    None => table.note(
                        "cfn-lint is not installed (`pip install --target target/cfn-lint cfn-lint`): skipped",
                    ),
                }
            }
        }
    }

    if bench.wants("server") {
        eprintln!("server: initialize");
        let initialize = Measured::time_only(
            (0..bench.runs)
                .map(|_| {
                    let mut client = Client::spawn(&bench.binary);
                    let started = Instant::now();
                    client.initialize(false, Value::Null);
                    let took = started.elapsed();
                    let _ = client.shutdown();
                    took
                })
                .collect(),
        );
        table.row("server: `initialize` answered", &initialize, None);

        let workspaces = [
            (&monorepo, &inputs.monorepo, bench.runs.min(5)),
            (&monorepo_copies, &inputs.monorepo_copies, copies_runs),
        ];
        for (label, workspace, runs) in workspaces {
            eprintln!("server: indexing {label}");
            let mut times = Vec::new();
            let mut rss = Vec::new();
            let mut peak = Vec::new();
            for _ in 0..runs {
                let mut client = Client::spawn(&bench.binary);
                let started = Instant::now();
                client.initialize(false, json!(file_uri(workspace)));
                client.wait_indexed();
                times.push(started.elapsed());
                let status = proc_status(client.pid());
                rss.push(status.0);
                peak.push(status.1);
                let _ = client.shutdown();
            }
            // Issue 21's memory target holds for the server's indexing too.
            let source = source_bytes(workspace);
            let ratio = format!(
                "peak RSS = {:.1}× the source ({:.1} MB); RSS after indexing {}",
                Samples(peak.clone()).max() * 1024.0 / source as f64,
                source as f64 / 1e6,
                Samples(rss).spread_with(|kb| format!("{:.0} MB", kb / 1024.0))
            );
            let indexing = Measured {
                time: Samples::from_durations(&times),
                rss_kb: Some(Samples(peak)),
            };
            table.row(
                &format!("server: index the {label} (peak RSS)"),
                &indexing,
                Some(ratio),
            );
        }
    }

    if bench.wants("edits") {
        let handler_edits = [
            (
                &inputs.python_handler,
                "# the order is looked up in version 40",
            ),
            (&inputs.typescript_handler, "// payment 40 is read"),
        ];
        for (path, needle) in handler_edits {
            eprintln!("server: edits in {}", path.display());
            let latencies = bench.edit_latency(&inputs.monorepo, path, needle);
            table.latency(
                &format!(
                    "server: one-character edit → diagnostics, {}-line {} (workspace: {monorepo})",
                    inputs::HANDLER_LINES,
                    if path.extension().is_some_and(|ext| ext == "py") {
                        "Python handler"
                    } else {
                        "TypeScript handler"
                    },
                ),
                &latencies,
            );
        }
        let middle = inputs::TEMPLATE_FUNCTIONS / 2;
        for (path, label, needle, then) in [
            (
                &inputs.template,
                &template,
                format!("\"Function{middle:05}\""),
                "\"Description\": \"",
            ),
            (
                &inputs.yaml_template,
                &yaml_template,
                format!("  Function{middle:05}:\n"),
                "Description: '",
            ),
        ] {
            eprintln!("server: edits in {}", path.display());
            let latencies = bench.edit_latency_after(&inputs.template_dir, path, &needle, then);
            table.latency(
                &format!("server: one-character edit → diagnostics, {label}"),
                &latencies,
            );
        }
    }

    if bench.wants("hover") {
        // Hover while the editor keeps typing: the edits are not waited for, as in an editor.
        let middle = inputs::TEMPLATE_FUNCTIONS / 2;
        eprintln!(
            "server: hover during edits in {}",
            inputs.template.display()
        );
        let latencies = bench.hover_during_edits(
            &inputs.template_dir,
            &inputs.template,
            (&format!("\"Function{middle:05}\""), "\"Description\": \""),
            (&format!("\"Function{:05}\"", middle - 1), "\"Timeout\""),
        );
        table.latency(
            &format!(
                "server: hover while an edit arrives every {} ms, {template}",
                EDIT_INTERVAL.as_millis()
            ),
            &latencies,
        );
    }

    println!();
    table.print(bench.runs, bench.cfn_runs, bench.edits);
}

/// How often an edit arrives in the hover-while-typing measurement.
const EDIT_INTERVAL: Duration = Duration::from_millis(30);

struct Bench {
    binary: PathBuf,
    runs: usize,
    cfn_runs: usize,
    /// Seconds after which a cfn-lint run is stopped and reported as unfinished.
    cfn_limit: u64,
    edits: usize,
    only: Option<String>,
    inputs: Option<String>,
}

impl Bench {
    /// Whether an input of the `check`/`parse` rows is measured (`GATELINT_BENCH_INPUTS`).
    fn wants_input(&self, label: &str) -> bool {
        self.inputs
            .as_deref()
            .is_none_or(|inputs| inputs.split(',').any(|word| label.contains(word.trim())))
    }

    fn wants(&self, part: &str) -> bool {
        self.only
            .as_deref()
            .is_none_or(|only| only.split(',').any(|name| name.trim() == part))
    }

    /// Runs a command `runs` times: wall time and peak RSS of each run; `None` when a run takes
    /// longer than `limit`.
    fn process(
        &self,
        runs: usize,
        limit: Duration,
        command: impl Fn() -> Command,
    ) -> Option<Measured> {
        let mut times = Vec::new();
        let mut rss = Vec::new();
        for _ in 0..runs {
            let (time, peak) = run_measured(command(), limit)?;
            times.push(time);
            rss.push(peak as f64);
        }
        Some(Measured {
            time: Samples::from_durations(&times),
            rss_kb: Some(Samples(rss)),
        })
    }

    /// A server that has indexed `workspace` and diagnosed `file`, open with `text`.
    fn opened(&self, workspace: &Path, file: &Path, text: &str) -> (Client, String) {
        let mut client = Client::spawn(&self.binary);
        client.initialize(false, json!(file_uri(workspace)));
        client.wait_indexed();
        let uri = file_uri(file);
        client.open(&uri, text);
        client.diagnostics(&uri, Some(1));
        (client, uri)
    }

    /// didChange → publishDiagnostics latency of one-character edits typed after `needle`.
    fn edit_latency(&self, workspace: &Path, file: &Path, needle: &str) -> Samples {
        self.edit_latency_after(workspace, file, needle, "")
    }

    /// The same, typing right after the first `then` that follows `needle`.
    fn edit_latency_after(
        &self,
        workspace: &Path,
        file: &Path,
        needle: &str,
        then: &str,
    ) -> Samples {
        let Ok(text) = std::fs::read_to_string(file) else {
            eprintln!("cannot read {}", file.display());
            return Samples(Vec::new());
        };
        let Some(found) = text.find(needle) else {
            eprintln!("{needle} is not in {}", file.display());
            return Samples(Vec::new());
        };
        let Some(after) = text[found..].find(then) else {
            eprintln!("{then} does not follow {needle} in {}", file.display());
            return Samples(Vec::new());
        };
        let at = found + after + then.len();
        let (mut client, uri) = self.opened(workspace, file, &text);
        let mut current = text;
        let mut times = Vec::new();
        for version in 2..(2 + self.edits as i64) {
            let change = client.insertion(&current, at, "x");
            current.insert(at, 'x');
            let started = Instant::now();
            client.change(&uri, version, vec![change]);
            client.diagnostics(&uri, Some(version));
            times.push(started.elapsed());
            // Dependants' re-publications are not what is measured; do not let them pile up.
            client.discard_unclaimed();
        }
        let _ = client.shutdown();
        Samples::from_durations(&times)
    }

    /// Hover latency while one-character edits arrive every [`EDIT_INTERVAL`] without waiting
    /// for their diagnostics, as an editor sends them: half an interval after each edit, a hover
    /// is sent and timed until its answer. `edit` and `hover` are each a needle and the text after
    /// it where the edit is typed or the hover asked (the hover's must come first, so that the
    /// edits never move it).
    fn hover_during_edits(
        &self,
        workspace: &Path,
        file: &Path,
        edit: (&str, &str),
        hover: (&str, &str),
    ) -> Samples {
        let Ok(text) = std::fs::read_to_string(file) else {
            eprintln!("cannot read {}", file.display());
            return Samples(Vec::new());
        };
        let after = |(needle, then): (&str, &str)| {
            let found = text.find(needle)?;
            Some(found + text[found..].find(then)? + then.len())
        };
        let (Some(at), Some(hover_at)) = (after(edit), after(hover)) else {
            eprintln!("{edit:?} or {hover:?} is not in {}", file.display());
            return Samples(Vec::new());
        };
        // Inside the hovered key, before the edits.
        let hover_at = hover_at - 2;
        if hover_at >= at {
            eprintln!(
                "{hover:?} does not come before {edit:?} in {}",
                file.display()
            );
            return Samples(Vec::new());
        }
        let (mut client, uri) = self.opened(workspace, file, &text);
        let position = client.position(&text, hover_at);
        let mut current = text;
        let mut times = Vec::new();
        let mut version = 1;
        let mut next_edit = Instant::now();
        for _ in 0..self.edits {
            std::thread::sleep(next_edit.saturating_duration_since(Instant::now()));
            next_edit += EDIT_INTERVAL;
            version += 1;
            let change = client.insertion(&current, at, "x");
            current.insert(at, 'x');
            client.change(&uri, version, vec![change]);
            std::thread::sleep(
                (EDIT_INTERVAL / 2).saturating_sub(Instant::now() - (next_edit - EDIT_INTERVAL)),
            );
            let started = Instant::now();
            let hover = client.request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": position }),
            );
            times.push(started.elapsed());
            if hover.is_null() {
                eprintln!("no hover at {position} in version {version}");
            }
            // The diagnostics of the versions typed over are not what is measured.
            client.discard_unclaimed();
        }
        let _ = client.shutdown();
        Samples::from_durations(&times)
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|value| *value > 0)
        .unwrap_or(default)
}

fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let normal = gatelint::workspace::normalize(&absolute);
    format!("file://{}", normal.display())
}

/// Set (to the time limit in milliseconds) for a copy of this binary that only runs the command
/// of its arguments and prints its wall time (ns) and peak RSS (kB), or nothing past the limit.
const MEASURE: &str = "GATELINT_BENCH_MEASURE_MS";

/// Runs a command with its output discarded; returns its wall time and peak RSS in kB, or `None`
/// when it ran longer than `limit` (it is killed then).
///
/// The command is started by a fresh copy of this binary (a few MB), not by this process: Linux
/// counts in a process's peak RSS (`ru_maxrss`) the memory it ran in before its `exec`, and a
/// child spawned with `vfork` (as `posix_spawn` and Rust's `Command` do) runs in its parent's
/// memory until then. Spawned from this process, which holds the generated inputs, every run
/// peaked at the bench's own size at least (86 MB: the "small inputs near 90 MB" were that).
fn run_measured(command: Command, limit: Duration) -> Option<(Duration, u64)> {
    let mut measurer = Command::new(std::env::current_exe().ok()?);
    measurer
        .env(MEASURE, limit.as_millis().to_string())
        .arg(command.get_program())
        .args(command.get_args())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => measurer.env(key, value),
            None => measurer.env_remove(key),
        };
    }
    if let Some(folder) = command.get_current_dir() {
        measurer.current_dir(folder);
    }
    let output = measurer.output().ok()?;
    let printed = String::from_utf8_lossy(&output.stdout);
    let mut numbers = printed.split_whitespace().map(str::parse::<u64>);
    let nanos = numbers.next()?.ok()?;
    let peak = numbers.next()?.ok()?;
    Some((Duration::from_nanos(nanos), peak))
}

/// The measuring copy (see [`run_measured`]): runs the command of its arguments, prints its wall
/// time and peak RSS, and exits.
fn measure_and_exit(limit: &std::ffi::OsStr) -> ! {
    let limit = Duration::from_millis(limit.to_str().and_then(|ms| ms.parse().ok()).unwrap_or(0));
    let mut arguments = std::env::args_os().skip(1);
    let Some(program) = arguments.next() else {
        std::process::exit(2);
    };
    let mut command = Command::new(program);
    command.args(arguments).env_remove(MEASURE);
    if let Some((time, peak)) = spawn_measured(command, limit) {
        println!("{} {peak}", time.as_nanos());
    }
    std::process::exit(0);
}

/// Spawns a command with its output discarded; returns its wall time and peak RSS in kB, or
/// `None` when it ran longer than `limit` (it is killed then).
fn spawn_measured(mut command: Command, limit: Duration) -> Option<(Duration, u64)> {
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("cannot start {command:?}: {error}");
            return None;
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data, zero is a valid value, and wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: polls our own child, which `child` does not reap elsewhere.
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if waited == pid {
            // Linux reports ru_maxrss in kilobytes.
            return Some((started.elapsed(), usage.ru_maxrss.max(0) as u64));
        }
        if waited < 0 {
            eprintln!("wait4 failed for {command:?}");
            return None;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// (VmRSS, VmHWM) of a process in kB.
fn proc_status(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .unwrap_or(0.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The floor: parsing every handler and template under `path` with tree-sitter, in-process and in
/// parallel as `check` does (texts read beforehand, not timed).
fn parse_floor(path: &Path, runs: usize) -> Measured {
    let mut files = Vec::new();
    collect(path, &mut files);
    let texts: Vec<(FileKind, String)> = files
        .iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(file).ok()?;
            Some((FileKind::detect(file, &text)?, text))
        })
        .collect();
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let parsed: usize = texts
                .par_iter()
                .map(|(kind, text)| {
                    // A YAML template longer than tree-sitter-yaml's 32,767 rows cannot be parsed
                    // whole (its scanner's row counter overflows): the least any reading of it
                    // parses is its pieces, in parallel.
                    let pieces = (*kind == FileKind::YamlTemplate)
                        .then(|| gatelint::templates::read::yaml_piece_ranges(text))
                        .flatten();
                    match pieces {
                        Some(pieces) => pieces
                            .into_par_iter()
                            .map(|piece| usize::from(parse(*kind, &text[piece], None).is_some()))
                            .sum(),
                        None => {
                            usize::from(Document::new(Some(*kind), text.clone()).tree().is_some())
                        }
                    }
                })
                .sum();
            std::hint::black_box(parsed);
            started.elapsed()
        })
        .collect();
    Measured::time_only(times)
}

/// Bytes of the handlers and templates under `path`: the source `check` reads.
fn source_bytes(path: &Path) -> u64 {
    let mut files = Vec::new();
    collect(path, &mut files);
    files
        .iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(file).ok()?;
            FileKind::detect(file, &text)?;
            Some(text.len() as u64)
        })
        .sum::<u64>()
        .max(1)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for entry in entries {
        collect(&entry, files);
    }
}

/// How to run cfn-lint: from `target/cfn-lint` (a `pip install --target`), else from PATH.
struct CfnLint {
    program: PathBuf,
    python_path: Option<PathBuf>,
}

impl CfnLint {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        if let Some(path) = &self.python_path {
            command.env("PYTHONPATH", path);
        }
        command
    }
}

fn cfn_lint() -> Option<CfnLint> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/cfn-lint");
    let local = target.join("bin/cfn-lint");
    let found = if local.is_file() {
        CfnLint {
            program: local,
            python_path: Some(target),
        }
    } else {
        CfnLint {
            program: PathBuf::from("cfn-lint"),
            python_path: None,
        }
    };
    let works = found
        .command()
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    works.then_some(found)
}

/// Samples of one figure (milliseconds for times, kB for memory).
struct Samples(Vec<f64>);

impl Samples {
    fn from_durations(durations: &[Duration]) -> Samples {
        Samples(durations.iter().map(|d| d.as_secs_f64() * 1e3).collect())
    }

    fn sorted(&self) -> Vec<f64> {
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        sorted
    }

    /// The `p`-th percentile (nearest rank).
    fn percentile(&self, p: f64) -> f64 {
        let sorted = self.sorted();
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    fn median(&self) -> f64 {
        self.percentile(50.0)
    }

    fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }

    fn spread_with(&self, show: impl Fn(f64) -> String) -> String {
        if self.0.len() <= 1 {
            return show(self.median());
        }
        format!(
            "{} ({}–{})",
            show(self.median()),
            show(self.min()),
            show(self.max())
        )
    }
}

struct Measured {
    /// Milliseconds.
    time: Samples,
    /// Peak RSS, kB.
    rss_kb: Option<Samples>,
}

impl Measured {
    fn time_only(durations: Vec<Duration>) -> Measured {
        Measured {
            time: Samples::from_durations(&durations),
            rss_kb: None,
        }
    }
}

fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0} ms")
    } else if value >= 10.0 {
        format!("{value:.1} ms")
    } else {
        format!("{value:.2} ms")
    }
}

#[derive(Default)]
struct Table {
    rows: Vec<[String; 5]>,
    notes: Vec<String>,
}

impl Table {
    fn row(&mut self, figure: &str, measured: &Measured, remark: Option<String>) {
        let time = &measured.time;
        self.rows.push([
            figure.to_owned(),
            ms(time.median()),
            format!("{}–{}", ms(time.min()), ms(time.max())),
            measured
                .rss_kb
                .as_ref()
                .map(|rss| format!("{:.0} MB", rss.max() / 1024.0))
                .unwrap_or_default(),
            remark.unwrap_or_default(),
        ]);
    }

    fn latency(&mut self, figure: &str, samples: &Samples) {
        self.rows.push([
            figure.to_owned(),
            format!("p50 {}", ms(samples.median())),
            format!(
                "p10–p90 {}–{}",
                ms(samples.percentile(10.0)),
                ms(samples.percentile(90.0))
            ),
            String::new(),
            format!(
                "p99 {}, max {}",
                ms(samples.percentile(99.0)),
                ms(samples.max())
            ),
        ]);
    }

    /// A run stopped after `limit`: its time is only known to be longer.
    fn unfinished(&mut self, figure: &str, limit: Duration, check: Option<&Measured>) {
        let seconds = limit.as_secs();
        self.rows.push([
            figure.to_owned(),
            format!("> {seconds} s"),
            "stopped".to_owned(),
            String::new(),
            check
                .map(|check| {
                    format!(
                        "cfn-lint > {:.0}× check",
                        limit.as_secs_f64() * 1e3 / check.time.median()
                    )
                })
                .unwrap_or_default(),
        ]);
    }

    fn note(&mut self, note: &str) {
        if !self.notes.iter().any(|known| known == note) {
            self.notes.push(note.to_owned());
        }
    }

    fn print(&self, runs: usize, cfn_runs: usize, edits: usize) {
        println!("| figure | median | spread (min–max) | peak RSS | |");
        println!("| --- | ---: | ---: | ---: | --- |");
        for row in &self.rows {
            println!("| {} |", row.join(" | "));
        }
        println!();
        println!(
            "{runs} runs per figure ({cfn_runs} for cfn-lint; at most 5 for indexing, 3 for the monorepo's copies), {edits} edits per file; \
             {} cores. Peak RSS of `check` and cfn-lint from wait4(2), each run started by a fresh copy of the bench (not by the bench itself, whose memory it would count); the server's from /proc.",
            std::thread::available_parallelism().map_or(1, usize::from)
        );
        for note in &self.notes {
            println!("{note}");
        }
    }
}
