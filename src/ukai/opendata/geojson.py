"""GeoJSON checks (RFC 7946) for uploads: structure, coordinates in Japan, closed rings.

``geojson_issues`` returns every problem it finds (the first ``MAX_ISSUES``), each
naming the feature by its index in ``features`` (0-based, as in the file) with a
Japanese and an English message. Pure Python: no Django, no GIS library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MAX_ISSUES = 50
# Japan, generously: 沖ノ鳥島 (20.4°N) to 択捉島 (45.6°N), 与那国島 (122.9°E) to 南鳥島 (154.0°E).
LATITUDE = (20.0, 46.0)
LONGITUDE = (122.0, 154.5)

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
# How deep ``coordinates`` nests for each type (a position is depth 1).
_DEPTH = {
    "Point": 1,
    "MultiPoint": 2,
    "LineString": 2,
    "MultiLineString": 3,
    "Polygon": 3,
    "MultiPolygon": 4,
}


@dataclass
class GeoJSONIssue:
    feature: int | None  # index in ``features``; None for the document itself
    code: str
    message_ja: str
    message_en: str

    def text(self) -> str:
        if self.feature is None:
            return f"{self.message_ja} / {self.message_en}"
        return (
            f"{self.feature}番目の地物（features[{self.feature}]）: {self.message_ja} / "
            f"features[{self.feature}]: {self.message_en}"
        )


class _Checker:
    def __init__(self) -> None:
        self.issues: list[GeoJSONIssue] = []
        self.total = 0
        self.feature: int | None = None

    def add(self, code: str, ja: str, en: str) -> None:
        self.total += 1
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(GeoJSONIssue(self.feature, code, ja, en))

    # -- positions --

    def position(self, value: Any) -> None:
        if not isinstance(value, list) or not 2 <= len(value) <= 3:
            self.add(
                "position",
                "座標は [経度, 緯度] の配列で書いてください。",
                "A position is an array [longitude, latitude].",
            )
            return
        if not all(
            isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
            for n in value
        ):
            self.add("position", "座標が数値ではありません。", "A coordinate is not a number.")
            return
        lon, lat = float(value[0]), float(value[1])
        if _inside(lat, lon):
            return
        if _inside(lon, lat):
            self.add(
                "swapped",
                f"緯度と経度が逆です（[{value[0]}, {value[1]}]）。GeoJSON は [経度, 緯度] の順です。",
                f"Latitude and longitude are swapped ([{value[0]}, {value[1]}]); "
                "GeoJSON is [longitude, latitude].",
            )
        else:
            self.add(
                "outside_japan",
                f"座標が日本の範囲外です（[{value[0]}, {value[1]}]）。",
                f"The position is outside Japan ([{value[0]}, {value[1]}]).",
            )

    def _nested(self, value: Any, depth: int) -> bool:
        """Whether ``value`` nests arrays ``depth`` deep down to positions."""
        if depth == 1:
            return isinstance(value, list) and bool(value) and not isinstance(value[0], list)
        return isinstance(value, list) and all(self._nested(v, depth - 1) for v in value)

    def geometry(self, geometry: Any) -> None:
        if not isinstance(geometry, dict):
            self.add(
                "geometry",
                "geometry はオブジェクトか null です。",
                "geometry must be an object or null.",
            )
            return
        kind = geometry.get("type")
        if kind not in GEOMETRY_TYPES:
            self.add(
                "geometry_type",
                f"geometry の type（{kind}）が GeoJSON の型ではありません。",
                f"The geometry type ({kind}) is not a GeoJSON geometry type.",
            )
            return
        if kind == "GeometryCollection":
            parts = geometry.get("geometries")
            if not isinstance(parts, list):
                self.add(
                    "geometries",
                    "GeometryCollection に geometries の配列がありません。",
                    "A GeometryCollection needs a geometries array.",
                )
                return
            for part in parts:
                self.geometry(part)
            return
        coordinates: Any = geometry.get("coordinates")
        if not self._nested(coordinates, _DEPTH[kind]):
            self.add(
                "coordinates",
                f"{kind} の coordinates の形（配列の入れ子）が正しくありません。",
                f"The coordinates of the {kind} are not nested as RFC 7946 requires.",
            )
            return
        if kind == "Point":
            self.position(coordinates)
        elif kind in ("MultiPoint", "LineString"):
            self.positions(coordinates)
            if kind == "LineString":
                self.line(coordinates)
        elif kind == "MultiLineString":
            for line in coordinates:
                self.positions(line)
                self.line(line)
        elif kind == "Polygon":
            self.polygon(coordinates)
        else:
            for polygon in coordinates:
                self.polygon(polygon)

    def positions(self, values: list[Any]) -> None:
        for value in values:
            self.position(value)

    def line(self, values: list[Any]) -> None:
        if len(values) < 2:
            self.add(
                "line",
                "線（LineString）には2点以上が必要です。",
                "A LineString needs two or more positions.",
            )

    def polygon(self, rings: list[Any]) -> None:
        for ring in rings:
            self.positions(ring)
            if len(ring) < 4:
                self.add(
                    "ring",
                    "多角形の輪には4点以上（最初と同じ最後の点を含む）が必要です。",
                    "A polygon ring needs four or more positions (the last equal to the first).",
                )
            elif ring[0] != ring[-1]:
                self.add(
                    "ring_open",
                    "多角形の輪が閉じていません（最後の点を最初の点と同じにしてください）。",
                    "A polygon ring is not closed: its last position must equal its first.",
                )

    # -- features --

    def feature_object(self, feature: Any) -> None:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            self.add(
                "feature",
                'features の要素は "type": "Feature" のオブジェクトです。',
                'Each element of features must be an object with "type": "Feature".',
            )
            return
        if "geometry" not in feature:
            self.add(
                "geometry_missing",
                "geometry がありません（位置がない地物は null にします）。",
                "The feature has no geometry member (use null for none).",
            )
        elif feature["geometry"] is not None:
            self.geometry(feature["geometry"])
        if "properties" not in feature:
            self.add(
                "properties_missing",
                "properties がありません（属性がない地物は null にします）。",
                "The feature has no properties member (use null for none).",
            )
        elif feature["properties"] is not None and not isinstance(feature["properties"], dict):
            self.add(
                "properties",
                "properties はオブジェクト（名前と値の組）か null です。",
                "properties must be an object or null.",
            )


def _inside(lat: float, lon: float) -> bool:
    return LATITUDE[0] <= lat <= LATITUDE[1] and LONGITUDE[0] <= lon <= LONGITUDE[1]


def geojson_issues(document: Any) -> tuple[list[GeoJSONIssue], int]:
    """The problems of a parsed GeoJSON document (the first ``MAX_ISSUES``) and their number."""
    checker = _Checker()
    if not isinstance(document, dict):
        checker.add(
            "type",
            "GeoJSON の最上位はオブジェクトです。",
            "A GeoJSON document is an object.",
        )
        return checker.issues, checker.total
    kind = document.get("type")
    crs = document.get("crs")
    if crs is not None:
        name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
        if not name.endswith(("CRS84", "4326")):
            checker.add(
                "crs",
                f"座標参照系（crs: {name or crs}）は使えません。RFC 7946 の GeoJSON は世界測地系の経度・緯度です。",
                f"The crs ({name or crs}) is not allowed: RFC 7946 GeoJSON uses WGS 84 longitude and latitude.",
            )
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            checker.add(
                "features",
                "FeatureCollection に features の配列がありません。",
                "A FeatureCollection needs a features array.",
            )
            return checker.issues, checker.total
        for index, feature in enumerate(features):
            checker.feature = index
            checker.feature_object(feature)
    elif kind == "Feature":
        checker.feature = 0
        checker.feature_object(document)
    elif kind in GEOMETRY_TYPES:
        checker.geometry(document)
    else:
        checker.add(
            "type",
            "GeoJSON の最上位に type（FeatureCollection など）がありません。",
            "A GeoJSON document needs a top-level type such as FeatureCollection.",
        )
    return checker.issues, checker.total


def geojson_points(document: Any) -> list[dict[str, Any]]:
    """The Point features (longitude, latitude, properties) of a FeatureCollection, for the map."""
    points: list[dict[str, Any]] = []
    features = document.get("features") if isinstance(document, dict) else None
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict):
            continue
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            continue
        lon, lat = geometry["coordinates"][:2]
        properties = feature.get("properties") or {}
        points.append({"lat": float(lat), "lon": float(lon), "properties": properties})
    return points
