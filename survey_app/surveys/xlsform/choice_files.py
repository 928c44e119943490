"""Reading a file of choices as ODK reads it: CSV, XML or GeoJSON, each into rows of columns.

ODK Collect takes ``select_one_from_file`` lists from a CSV file (a header row), an XML file
(``<root><item><name>…</name><label>…</label></item></root>``) or a GeoJSON feature
collection (each feature's properties, its ``id`` and its geometry). The value and label
come from the ``name`` and ``label`` columns (``id`` and ``title`` in GeoJSON) unless the
question's ``parameters`` name others (``value=code label=title``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import gettext

from .common import Problem, XLSFormError

Rows = list[dict[str, str]]
SUFFIXES = (".csv", ".xml", ".geojson")


def default_columns(filename: str) -> tuple[str, str]:
    """The columns a file's value and label come from when the question does not say."""
    return ("id", "title") if filename.casefold().endswith(".geojson") else ("name", "label")


def read_rows(data: bytes, filename: str) -> Rows:
    """Each choice of the file as its columns; every problem raised at once, nothing kept."""
    suffix = next((s for s in SUFFIXES if filename.casefold().endswith(s)), None)
    if suffix is None:
        raise _refused(filename, gettext("A file of choices is a .csv, .xml or .geojson file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(filename, gettext("Save the file in UTF-8, then attach it.")) from None
    if suffix == ".csv":
        return _csv_rows(text)
    if suffix == ".xml":
        return _xml_rows(text, filename)
    return _geojson_rows(text, filename)


def _refused(filename: str, message: str) -> XLSFormError:
    return XLSFormError([Problem(filename, None, message)])


def _csv_rows(text: str) -> Rows:
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")  # type: ignore[assignment]
    except csv.Error:
        pass  # one column, or too little to tell: commas
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [
        {str(k).strip(): (v or "").strip() for k, v in row.items() if k is not None}
        for row in reader
    ]


def _xml_rows(text: str, filename: str) -> Rows:
    """Each child of the root is a choice; each of its children a column (``<name>``)."""
    try:
        # defusedxml: a file from elsewhere may declare entities that expand without end.
        root = fromstring(text)
    except (ParseError, DefusedXmlException):
        raise _refused(
            filename,
            gettext("The file is not XML the app can read: %(reason)s", reason=_reason(text)),
        ) from None
    rows: Rows = []
    for number, item in enumerate(root, start=1):
        row = {_local(child.tag): (child.text or "").strip() for child in item}
        row["__row__"] = str(number)
        rows.append(row)
    return rows


def _reason(text: str) -> str:
    try:
        fromstring(text)
    except ParseError as error:
        return str(error)
    except DefusedXmlException:
        return gettext("it declares entities, which are not read")
    return ""


def _local(tag: Any) -> str:
    """``{namespace}name`` is ``name``."""
    return str(tag).rsplit("}", 1)[-1]


def _geojson_rows(text: str, filename: str) -> Rows:
    """Each feature: its properties, its ``id`` and its geometry as ODK writes a location."""
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    features = found.get("features") if isinstance(found, dict) else None
    if (
        not isinstance(found, dict)
        or found.get("type") != "FeatureCollection"
        or not isinstance(features, list)
    ):
        raise _refused(filename, gettext("The file must be a GeoJSON FeatureCollection."))
    rows: Rows = []
    problems: list[Problem] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(filename, number, gettext("This item is not a Feature.")))
            continue
        properties = feature.get("properties") or {}
        row = {
            str(k): _text(v)
            for k, v in (properties.items() if isinstance(properties, dict) else ())
            if not isinstance(v, (dict, list))
        }
        if feature.get("id") is not None:
            row["id"] = _text(feature["id"])  # the feature's own id wins, as in ODK
        geometry = _geometry(feature.get("geometry"))
        if geometry is None:
            problems.append(
                Problem(
                    filename,
                    number,
                    gettext("Only points, lines and polygons can be read from GeoJSON."),
                )
            )
            continue
        if geometry:
            row["geometry"] = geometry
        row["__row__"] = str(number)
        rows.append(row)
    if problems:
        raise XLSFormError(problems)
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _geometry(geometry: Any) -> str | None:
    """A feature's geometry as ODK writes locations ("lat lon 0 0", joined by "; "), ""
    for none, or None for a kind ODK does not read."""
    if geometry is None:
        return ""
    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if not isinstance(coordinates, list):
        return None
    try:
        if kind == "Point":
            return _point(coordinates)
        if kind == "LineString":
            return "; ".join(_point(p) for p in coordinates)
        if kind == "Polygon":
            return "; ".join(_point(p) for p in coordinates[0]) if coordinates else ""
    except (TypeError, IndexError, ValueError):
        return None
    return None


def _point(coordinates: Any) -> str:
    longitude, latitude = float(coordinates[0]), float(coordinates[1])
    return f"{latitude} {longitude} 0 0"
