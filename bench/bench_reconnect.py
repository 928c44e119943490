"""Time from reconnect to the last receipt, for a device holding queued responses.

    python bench/bench_reconnect.py [--responses 1000] [--runs 3]

In headless Chromium (Debian's chromium), against the real server (run.py): the page
queues the responses in IndexedDB while offline, then the network returns and the
outbox sends them by itself (the 'online' event). The clock runs from set_offline(False)
to the moment the device's outbox is empty, i.e. every receipt has come back; the
database is then checked to hold exactly that many responses. Aim: under 10 seconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS, LOAD_SETTINGS, start_server  # noqa: E402

QUEUE = """async (count) => {
  for (let i = 0; i < count; i += 1) {
    await WMOutbox.queue({id: crypto.randomUUID(), survey_id: "what-matters",
      survey_version: 1, language: "so", mode: "assisted", created_at: new Date().toISOString(),
      answers: {consent: "yes", what_matters: "Guryo la awoodi karo " + i,
                home_languages: ["somali", "english"], quote_consent: "yes",
                get_involved: "no"},
      glosses: {what_matters: "Affordable housing " + i}});
  }
}"""


def one_run(count: int) -> float:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server = start_server(Path(tmp), settings=LOAD_SETTINGS)
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "/en/")
        while not page.evaluate("navigator.serviceWorker.controller !== null"):
            time.sleep(0.05)
        context.set_offline(True)
        page.evaluate(QUEUE, count)
        assert page.evaluate("WMStore.count('outbox')") == count
        began = time.perf_counter()
        context.set_offline(False)
        while page.evaluate("WMStore.count('outbox')") > 0:
            time.sleep(0.02)
        elapsed = time.perf_counter() - began
        stored = server.query("SELECT count(*) FROM responses")[0][0]
        browser.close()
        server.process.terminate()
        server.process.wait()
        assert stored == count, (stored, count)
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = [one_run(args.responses) for _ in range(args.runs)]
    print(
        f"{args.responses} queued responses, {args.runs} runs: reconnect to last receipt "
        f"median {statistics.median(times):.2f} s (runs: "
        + ", ".join(f"{t:.2f}" for t in times)
        + ")"
    )


if __name__ == "__main__":
    main()
