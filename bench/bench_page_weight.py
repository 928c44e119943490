"""Weight of the survey page and everything it loads, gzipped, per language.

    python bench/bench_page_weight.py

Everything a tablet downloads to open the survey: the HTML (which carries every step
for offline use), the stylesheet, the scripts, the manifest and icon. ODK Web Forms
transfers about 1.1 MB for a simple form; the aim here is under 60 KB.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app import create_app  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE": f"{tmp}/w.sqlite", "SECRET_KEY": "bench"})
        client = app.test_client()
        print(f"{'page':32} {'files':>5} {'raw KB':>8} {'gzip KB':>8}")
        for url in (
            "/en/s/what-matters/",
            "/bn/s/what-matters/",
            "/ar/s/what-matters/",
            "/so/s/what-matters/?with=volunteer",
            "/en/",
        ):
            html = client.get(url).get_data()
            assets = re.findall(rb'(?:src|href)="(/static/[^"]+|/manifest[^"]*)"', html)
            raw = len(html)
            zipped = len(gzip.compress(html, 6))
            for asset in sorted(set(assets)):
                body = client.get(asset.decode()).get_data()
                raw += len(body)
                zipped += len(gzip.compress(body, 6))
            print(f"{url:32} {len(set(assets)) + 1:>5} {raw / 1024:>8.1f} {zipped / 1024:>8.1f}")
        worker = client.get("/sw.js").get_data()
        print(
            f"{'/sw.js (once, in the background)':32} {1:>5} {len(worker) / 1024:>8.1f} "
            f"{len(gzip.compress(worker, 6)) / 1024:>8.1f}"
        )


if __name__ == "__main__":
    main()
