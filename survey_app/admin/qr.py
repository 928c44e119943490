"""QR codes as inline SVG (segno), for screens and printed leaflets."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(url: str, title: str) -> Markup:
    """An SVG QR code with a text alternative; error correction M survives a creased leaflet."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=4,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title,
        svgclass="qr",
        lineclass=None,
        omitsize=True,
    )
    svg = buffer.getvalue().decode("utf-8")
    # segno's <title> names the image; role="img" makes screen readers use it.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
