#!/usr/bin/env bash
# Copies the chosen test files of published crates from cargo's registry cache into this
# workspace and replaces tokio's test attribute with faultline's: the only change made to
# them. Re-run it to check the vendored files are what it produces (`git diff` stays empty).
#
#   examples/published/vendor.sh    (needs the crates in ~/.cargo/registry: `cargo fetch`
#                                    in a project depending on them, e.g. this one's tokio)
set -euo pipefail
cd "$(dirname "$0")"
registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/index.crates.io-*/ | head -1)

# The swap, as a user would do it by find-and-replace:
#   #[tokio::test] / #[tokio::test(...)] / #[::tokio::test]  ->  faultline_harness::test
#   `use tokio::test as maybe_tokio_test;` (tokio's io tests pick the attribute by platform)
# A test with `flavor = "multi_thread"` keeps #[tokio::test]: faultline refuses that flavor
# at compile time by design (a paused, seeded clock needs one thread), so it runs under
# tokio as before and counts as "cannot run: by design".
swap() {
    sed -E \
        -e '/multi_thread/!s/#\[(::)?tokio::test([](])/#[\1faultline_harness::test\2/' \
        -e 's/^use tokio::test as maybe_tokio_test;/use faultline_harness::test as maybe_tokio_test;/' \
        "$1"
}

# vendor CRATE-VERSION PACKAGE-DIR FILE... : copies tests/FILE (and support/) with the
# crate's LICENSE.
vendor() {
    local crate=$1 dir=$2
    shift 2
    local src=$registry/$crate
    rm -rf "$dir/tests"
    mkdir -p "$dir/tests"
    cp "$src/LICENSE" "$dir/LICENSE"
    if [ -d "$src/tests/support" ]; then
        cp -r "$src/tests/support" "$dir/tests/support"
    fi
    for file in "$@"; do
        swap "$src/tests/$file" > "$dir/tests/$file"
    done
}

# Every test file of tokio-util, tokio-stream and tokio-test with an async test.
with_async_tests() {
    (cd "$registry/$1/tests" && grep -l -E '#\[(::)?tokio::test|maybe_tokio_test' -- *.rs)
}
vendor tokio-util-0.7.20 tokio-util $(with_async_tests tokio-util-0.7.20)
vendor tokio-stream-0.1.19 tokio-stream $(with_async_tests tokio-stream-0.1.19)
vendor tokio-test-0.4.6 tokio-test $(with_async_tests tokio-test-0.4.6)

# tokio's own, but for those that cannot build or run on Linux here:
#   *windows*, *emscripten*, net_named_pipe, io_poll_aio (FreeBSD): other platforms;
#   fs_uring*: need --cfg tokio_uring and the io-uring feature;
#   task_trace_*: need --cfg tokio_taskdump; tracing_time: needs tracing-mock (a beta);
#   process_issue_7144: sends SIGINT to `strace` 100 ms of tokio time after starting it;
#   on the paused clock that is at once, and the strace processes it starts are left behind
#   (stuck, holding the runner's output) — it passes, but would litter the machine;
#   macros_test: tests #[tokio::test]'s own syntax (a runtime `name = ...`, the unstable
#   `unhandled_panic = ...` option, `#[tokio::main]`), not async code.
tokio_files=$(with_async_tests tokio-1.54.1 | grep -v -E \
    'windows|emscripten|^net_named_pipe|^io_poll_aio|^fs_uring|^task_trace_|^tracing_time|^macros_test|^process_issue_7144')
vendor tokio-1.54.1 tokio $tokio_files

# The manifest: every test the swap touched (or left to tokio by design), as
# `package test-file fn-name kind`, kind `faultline` or `by-design` (multi_thread).
{
    for dir in tokio tokio-util tokio-stream tokio-test; do
        for file in "$dir"/tests/*.rs; do
            awk -v pkg="$dir" -v file="$(basename "$file" .rs)" '
                /#\[(::)?faultline_harness::test/ || /^[[:space:]]*#\[maybe_tokio_test/ { kind = "faultline" }
                /#\[(::)?tokio::test/ || /tokio::test\(flavor = "multi_thread"/ { kind = "by-design" }
                kind != "" && match($0, /fn [A-Za-z_$][A-Za-z0-9_]*/) {
                    name = substr($0, RSTART + 3, RLENGTH - 3)
                    print pkg, file, name, kind
                    kind = ""
                }' "$file"
        done
    done
} > manifest.txt
echo "vendored: $(grep -c ' faultline$' manifest.txt) tests under faultline, $(grep -c ' by-design$' manifest.txt) multi_thread left to tokio"
