"""Serves a GGUF model with llama.cpp's OpenAI-compatible server (xllamacpp)
on 127.0.0.1 only (it has no API key and allows every CORS origin).

Usage: serve.py MODEL.gguf PORT. Runs until SIGTERM or SIGINT."""

import signal
import sys
import threading

import xllamacpp


def main() -> None:
    model, port = sys.argv[1], int(sys.argv[2])
    params = xllamacpp.CommonParams()
    params.model.path = model
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = 4096
    params.n_parallel = 1
    params.n_predict = 512
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    server = xllamacpp.Server(params)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"serving {model} on http://127.0.0.1:{port}/v1", flush=True)
    stop.wait()
    del server


if __name__ == "__main__":
    main()
