#!/usr/bin/env python3
"""Writes the benchmark's request bodies: a ~20 KB Claude Code-like POST /v1/messages body
(system blocks with cache_control, a tool list with JSON schemas, a few conversation turns,
metadata.user_id), once with "stream": false and once with "stream": true.

Deterministic: the same bytes on every run and machine (no randomness, no clock).
Also writes the fixed answer of the non-streaming mock (an Anthropic Messages response).
Usage: make_body.py OUT_DIR   -> OUT_DIR/body.json, OUT_DIR/body-stream.json, OUT_DIR/response.json
"""
import hashlib
import json
import os
import sys

TARGET_BYTES = 20 * 1024


def words(seed, n):
    """n pseudo-words derived from seed by hashing: stable text without a PRNG."""
    out = []
    h = hashlib.sha256(seed.encode()).hexdigest()
    vocab = ["the", "file", "function", "returns", "when", "error", "path", "config", "test",
             "build", "value", "request", "stream", "buffer", "account", "session", "check",
             "read", "write", "list", "each", "line", "change", "commit", "module", "type"]
    i = 0
    while len(out) < n:
        if i + 2 > len(h):
            h = hashlib.sha256(h.encode()).hexdigest()
            i = 0
        out.append(vocab[int(h[i:i + 2], 16) % len(vocab)])
        i += 2
    return " ".join(out)


def tool(name, n_props):
    props = {}
    for j in range(n_props):
        props[f"{name}_arg{j}"] = {"type": "string", "description": words(f"{name}{j}", 14)}
    return {
        "name": name,
        "description": words(name, 60),
        "input_schema": {
            "type": "object",
            "properties": props,
            "required": [f"{name}_arg0"],
            "additionalProperties": False,
            "$schema": "http://json-schema.org/draft-07/schema#",
        },
    }


def body(stream, filler_words):
    tools = [tool(n, 4) for n in ["Task", "Bash", "Glob", "Grep", "LS", "Read", "Edit",
                                   "MultiEdit", "Write", "NotebookEdit", "WebFetch",
                                   "TodoWrite", "WebSearch", "BashOutput", "KillShell"]]
    return {
        "model": "claude-sonnet-4-5-20250929",
        "max_tokens": 32000,
        "stream": stream,
        "system": [
            {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude.",
             "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": words("system", 400), "cache_control": {"type": "ephemeral"}},
        ],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "<system-reminder>" + words("reminder", 120) + "</system-reminder>"},
                {"type": "text", "text": "Look at the build and tell me why the tests fail."},
            ]},
            {"role": "assistant", "content": [
                {"type": "text", "text": words("assistant", 40)},
                {"type": "tool_use", "id": "toolu_01BenchAaaaaaaaaaaaaaaaaa", "name": "Bash",
                 "input": {"command": "meson test -C build", "description": "Run the tests"}},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01BenchAaaaaaaaaaaaaaaaaa",
                 "content": words("result", filler_words), "is_error": False},
                {"type": "text", "text": "Go on.", "cache_control": {"type": "ephemeral"}},
            ]},
        ],
        "tools": tools,
        "metadata": {"user_id": "user_" + hashlib.sha256(b"bench-user").hexdigest() +
                     "_account__session_0b5c5f7e-3a8e-4c52-9d0e-6f1a2b3c4d5e"},
        "temperature": 1,
    }


def response():
    # No single quote, backslash or dollar sign: the text is inlined into nginx's configuration.
    return {
        "id": "msg_01BenchFixedAnswer0000000",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": words("answer", 80)}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 5210, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 4800, "output_tokens": 120},
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    # Grow the tool_result until the non-streaming body reaches the target size.
    n = 10
    while len(json.dumps(body(False, n), separators=(",", ":"))) < TARGET_BYTES:
        n += 10
    for name, stream in (("body.json", False), ("body-stream.json", True)):
        with open(os.path.join(out, name), "w") as f:
            f.write(json.dumps(body(stream, n), separators=(",", ":")))
    with open(os.path.join(out, "response.json"), "w") as f:
        f.write(json.dumps(response(), separators=(",", ":")))


if __name__ == "__main__":
    main()
