//! Tools over HTTP: write calls carry idempotency keys; a call left
//! pending (the process stopped before the answer) is resumed with the
//! same key and executed once. The real `kill -9` of `keel serve` is in
//! the root package's `serve` test.
