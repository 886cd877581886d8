//! CI subset: the first template tasks of the train split and every
//! free-form task (dev and test: authentication retries, orders picked by
//! description, read-only questions first, no-write tasks), in structured
//! and natural mode, through the compiled example policy; all must pass
//! every seed. Without the shared data it fails under CI (`CI` set), where
//! the data is always beside the clone, and is skipped with a note elsewhere.

use keel_taubench::bench::{Bench, Mode, Options};

#[test]
fn a_subset_passes_in_both_modes() {
    let dir = match keel_taubench::data_dir() {
        Ok(dir) => dir,
        Err(error) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "the τ-bench data must be present in CI: {error}"
            );
            eprintln!("skipped: {error}");
            return;
        }
    };
    let bench = Bench::load(&dir).expect("the bench loads");
    for (mode, seeds) in [(Mode::Structured, 1), (Mode::Natural, 3)] {
        let report = bench.run(&Options {
            mode,
            seeds,
            splits: vec!["train".to_string()],
            limit: Some(6),
        });
        assert_eq!(report.tasks.len(), 6);
        assert!(
            report.failures().is_empty(),
            "{}",
            report.to_text(&format!("{mode:?}"))
        );
        let report = bench.run(&Options {
            mode,
            seeds,
            splits: vec!["dev".to_string(), "test".to_string()],
            limit: None,
        });
        assert_eq!(report.tasks.len(), 23);
        assert!(
            report.failures().is_empty(),
            "{}",
            report.to_text(&format!("{mode:?}"))
        );
    }
}
