#!/usr/bin/env bash
# Installs (setup.sh) and starts the real small model on 127.0.0.1:$PORT
# (default 8089) in the background; waits until `GET /v1/models` answers.
# Prints `export` lines for keel's LLM settings; the server's pid is in
# $KEEL_LLM_HOME/server.pid (stop it with `kill "$(cat …/server.pid)"`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${PORT:-8089}"
model="$("$here/setup.sh" | tail -n 1)"
home="$(dirname "$model")"
"$home/venv/bin/python" "$here/serve.py" "$model" "$port" >"$home/server.log" 2>&1 &
echo $! >"$home/server.pid"
for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then
        echo "export KEEL_LLM_BASE_URL=http://127.0.0.1:$port/v1"
        echo "export KEEL_LLM_MODEL=$(basename "$model" .gguf)"
        exit 0
    fi
    if ! kill -0 "$(cat "$home/server.pid")" 2>/dev/null; then
        echo "start.sh: the model server exited; see $home/server.log" >&2
        tail -n 20 "$home/server.log" >&2
        exit 1
    fi
    sleep 1
done
echo "start.sh: the model server did not answer within 120 s; see $home/server.log" >&2
exit 1
