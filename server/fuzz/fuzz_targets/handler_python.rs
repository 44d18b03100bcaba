//! A Python handler's bytes to findings.
#![no_main]

use gatelint::languages::FileKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| gatelint_fuzz::analyze_as(FileKind::Python, data));
