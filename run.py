"""Start What Matters on a real WSGI server (waitress) with its embedded SQLite database.

    python run.py [--host 127.0.0.1] [--port 8080] [--database PATH] [--threads 8]

Each option may also come from the environment: WHATMATTERS_HOST, WHATMATTERS_PORT,
WHATMATTERS_DATABASE, WHATMATTERS_THREADS.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from waitress import serve

from survey_app import create_app, logs
from survey_app.operations.purging import start_daily


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(description="Run the What Matters survey app.")
    parser.add_argument(
        "--host",
        default=env.get("WHATMATTERS_HOST", "127.0.0.1"),
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(env.get("WHATMATTERS_PORT", "8080")),
        help="port to listen on (default 8080)",
    )
    parser.add_argument(
        "--database",
        default=env.get("WHATMATTERS_DATABASE"),
        help="SQLite file (default: instance/whatmatters.sqlite)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(env.get("WHATMATTERS_THREADS", "8")),
        help="worker threads (default 8)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.database:
        os.environ["WHATMATTERS_DATABASE"] = os.path.abspath(args.database)
    logs.configure(logging.INFO)
    app = create_app()
    if app.config["PURGE_EVERY_HOURS"] > 0:
        hours = app.config["PURGE_EVERY_HOURS"]
        # The first purge a minute after start (or sooner, if purges are that frequent).
        start_daily(app, hours, first_after=min(60.0, hours * 3600))
    shown = "localhost" if args.host in {"127.0.0.1", "0.0.0.0", "::"} else args.host
    print(f"What Matters is running. Open http://{shown}:{args.port}/ in a browser.", flush=True)
    print(f"Database: {app.config['DATABASE']}", flush=True)
    # recv_bytes: a voice answer's 128 KB chunk is read from the socket in 2 reads, not 16
    # (docs/benchmarks.md: p99 per chunk with 20 devices sending, 200 → 151 ms).
    serve(
        app,
        host=args.host,
        port=args.port,
        threads=args.threads,
        ident="what-matters",
        recv_bytes=65536,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
