//! The cross-file index: a small workspace made of a template and a handler in each language,
//! their texts cut from the fuzz input, checked as `gatelint check` checks a folder (index, links,
//! then every file analysed with what the index knows of it).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// The files of the workspace, in the order the input's parts fill them. The template's functions
/// point at the handlers when the input keeps the seed's `CodeUri: src/` and `Handler`s.
const FILES: [&str; 5] = [
    "template.yaml",
    "src/app.py",
    "src/index.js",
    "src/handler.ts",
    "src/main.rs",
];

/// One folder per fuzzing process, rewritten for each input.
fn workspace() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("gatelint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(root.join("src")).expect("a temporary folder");
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"app\"\n")
            .expect("a temporary file");
        root
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Parts are separated by a line holding only `---8<---`; missing parts are empty files.
    let mut parts = text.split("\n---8<---\n");
    let root = workspace();
    for name in FILES {
        let part = parts.next().unwrap_or("");
        std::fs::write(root.join(name), part).expect("a temporary file");
    }
    let checked = gatelint::workspace::check_paths(std::slice::from_ref(root));
    for report in &checked.reports {
        for finding in &report.findings {
            assert!(
                finding.range.end <= report.text.len() && finding.range.start <= finding.range.end,
                "{}: {} out of the text: {:?}",
                report.path.display(),
                finding.code,
                finding.range
            );
            for related in &finding.related {
                if let Some(text) = checked.index.text(&related.path) {
                    assert!(
                        related.range.end <= text.len(),
                        "related range out of {}",
                        related.path.display()
                    );
                }
            }
        }
    }
});
