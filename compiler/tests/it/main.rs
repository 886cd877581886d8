//! The compiler's one integration-test binary.

mod seeds; // The published seed texts parse, exactly as published.
