"""Reading a scanned page: find it on its template, register it, read every zone.

Plain numpy and OpenCV (no Django models). ``TemplateGeometry`` holds a blank form's
features; ``page_align`` registers a scan to it with ORB features and a RANSAC
homography (rotation, shift and scale of a real scanner; 180° for a page fed upside
down) and rejects a page that does not match; ``page_read`` reads the zones of the
registered page: text through the OCR engine, checkboxes and seals by their ink.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from .engine import GrayImage, OcrEngine, ZoneText
from .fieldtypes import MARK_TYPES, field_check, ocr_repair

# Features are found on a half-size image: ample for registration, 4× cheaper.
FEATURE_SCALE = 0.5
ORB_FEATURES = 3000
MIN_INLIERS = 40
MIN_INLIER_RATIO = 0.12
MAX_ANGLE_DEGREES = 10.0
MAX_SCALE_ERROR = 0.2
BLANK_INK_RATIO = 0.002
# A mark zone counts as marked above this share of dark pixels (template ink removed).
MARK_THRESHOLDS = {"checkbox": 0.03, "seal": 0.02}
DARK = 150
# The confidence of a zone whose first reading failed its type and an alternative passed.
DISAGREEMENT_CONFIDENCE = 0.9


class PageRejected(Exception):
    """A page that cannot be read against the template, with a message for staff."""

    def __init__(self, code: str, message_ja: str, message_en: str) -> None:
        super().__init__(f"{message_ja} / {message_en}")
        self.code = code
        self.message_ja = message_ja
        self.message_en = message_en


@dataclass(frozen=True)
class ZoneSpec:
    name: str
    type: str
    box: tuple[int, int, int, int]
    # The zone's validation rules: a reading that breaks them is read again another way.
    rules: dict[str, Any] = field(default_factory=dict)


@dataclass
class TemplateGeometry:
    """A blank form prepared for registration: features and the mask of its printed ink."""

    image: GrayImage
    keypoints: Any
    descriptors: NDArray[Any]
    printed_mask: NDArray[Any]

    @property
    def size(self) -> tuple[int, int]:
        height, width = self.image.shape[:2]
        return width, height


def _orb() -> Any:
    return cv2.ORB.create(nfeatures=ORB_FEATURES, scaleFactor=1.2, nlevels=6, fastThreshold=12)


def template_geometry(blank: GrayImage) -> TemplateGeometry:
    """Prepare a blank form (grayscale) for registering scans to it."""
    small = cv2.resize(
        blank, None, fx=FEATURE_SCALE, fy=FEATURE_SCALE, interpolation=cv2.INTER_AREA
    )
    keypoints, descriptors = _orb().detectAndCompute(small, None)
    if descriptors is None or len(keypoints) < MIN_INLIERS:
        raise PageRejected(
            "template_featureless",
            "白紙の様式画像に位置合わせの手がかり（罫線や文字）が足りません。",
            "The blank form has too few features (lines, text) to register scans to it.",
        )
    printed = cv2.dilate((blank < 200).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    return TemplateGeometry(
        image=blank, keypoints=keypoints, descriptors=descriptors, printed_mask=printed
    )


@dataclass
class Alignment:
    image: GrayImage  # the scan in the template's pixel frame
    rotation: int  # 0 or 180: how the page was turned before registration
    inliers: int
    angle: float  # residual rotation the homography removed (degrees)
    scale: float
    seconds: float


def ink_ratio(gray: GrayImage) -> float:
    if gray.size == 0:
        return 0.0
    return float(np.count_nonzero(gray < DARK)) / float(gray.size)


def _similarity_of(homography: NDArray[Any]) -> tuple[float, float, float]:
    """(angle in degrees, scale, perspective strength) of a homography."""
    a, b = homography[0, 0], homography[0, 1]
    c, d = homography[1, 0], homography[1, 1]
    scale = math.sqrt(abs(a * d - b * c))
    angle = math.degrees(math.atan2(c - b, a + d))
    perspective = abs(homography[2, 0]) + abs(homography[2, 1])
    return angle, scale, perspective


def _features(image: GrayImage) -> tuple[Any, NDArray[Any]] | None:
    """ORB keypoints and descriptors of an image (found on a half-size copy)."""
    small = cv2.resize(
        image, None, fx=FEATURE_SCALE, fy=FEATURE_SCALE, interpolation=cv2.INTER_AREA
    )
    keypoints, descriptors = _orb().detectAndCompute(small, None)
    if descriptors is None or len(keypoints) < MIN_INLIERS:
        return None
    return keypoints, descriptors


def _register_features(
    features: tuple[Any, NDArray[Any]] | None, template: TemplateGeometry
) -> tuple[NDArray[Any], int] | None:
    if features is None:
        return None
    keypoints, descriptors = features
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(descriptors, template.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < MIN_INLIERS:
        return None
    source = np.array([keypoints[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    target = np.array([template.keypoints[m.trainIdx].pt for m in good], dtype=np.float32).reshape(
        -1, 1, 2
    )
    homography, mask = cv2.findHomography(
        source, target, cv2.RANSAC, 3.0, maxIters=2000, confidence=0.995
    )
    if homography is None or mask is None:
        return None
    inliers = int(mask.sum())
    if inliers < MIN_INLIERS or inliers < MIN_INLIER_RATIO * len(good):
        return None
    angle, scale, perspective = _similarity_of(homography)
    if abs(angle) > MAX_ANGLE_DEGREES or abs(scale - 1) > MAX_SCALE_ERROR or perspective > 1e-3:
        return None
    # Back to full resolution: S · H · S⁻¹.
    to_full = np.diag([1 / FEATURE_SCALE, 1 / FEATURE_SCALE, 1.0])
    to_small = np.diag([FEATURE_SCALE, FEATURE_SCALE, 1.0])
    return to_full @ homography @ to_small, inliers


def _page_check(scan: GrayImage) -> None:
    """Refuse a page too small to read or blank (before any template is tried)."""
    if scan.size == 0 or min(scan.shape[:2]) < 100:
        raise PageRejected(
            "page_too_small",
            "画像が小さすぎて読み取れません。",
            "The image is too small to read.",
        )
    if ink_ratio(scan) < BLANK_INK_RATIO:
        raise PageRejected(
            "page_blank",
            "白紙のページです。裏面や差し込みの白紙が混ざっていないか確認してください。",
            "The page is blank; check for back sides or separator sheets.",
        )


class ScanFeatures:
    """A scan's features, computed once per template size and orientation, so that matching a
    page against several templates (``page_match``) finds its features once, not per template."""

    def __init__(self, scan: GrayImage) -> None:
        self.scan = scan
        self._resized: dict[tuple[int, int], tuple[float, GrayImage]] = {}
        self._oriented: dict[tuple[int, int, int], GrayImage] = {}
        self._features: dict[tuple[int, int, int], tuple[Any, NDArray[Any]] | None] = {}

    def resized(self, size: tuple[int, int]) -> tuple[float, GrayImage]:
        """The scan brought to a template's resolution (scanners use 200–600 dpi)."""
        if size not in self._resized:
            width, height = size
            scan = self.scan
            factor = width / scan.shape[1]
            if abs(scan.shape[0] * factor - height) > 0.1 * height:
                factor = math.sqrt((width * height) / (scan.shape[0] * scan.shape[1]))
            image = cv2.resize(
                scan,
                None,
                fx=factor,
                fy=factor,
                interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC,
            )
            self._resized[size] = (factor, image)
        return self._resized[size]

    def oriented(self, size: tuple[int, int], rotation: int) -> GrayImage:
        key = (*size, rotation)
        if key not in self._oriented:
            _, image = self.resized(size)
            self._oriented[key] = image if rotation == 0 else cv2.rotate(image, cv2.ROTATE_180)
        return self._oriented[key]

    def features(self, size: tuple[int, int], rotation: int) -> tuple[Any, NDArray[Any]] | None:
        key = (*size, rotation)
        if key not in self._features:
            self._features[key] = _features(self.oriented(size, rotation))
        return self._features[key]


@dataclass
class _Registration:
    homography: NDArray[Any]
    inliers: int
    rotation: int


def _best_registration(features: ScanFeatures, template: TemplateGeometry) -> _Registration | None:
    best: _Registration | None = None
    for rotation in (0, 180):
        found = _register_features(features.features(template.size, rotation), template)
        if found is not None and (best is None or found[1] > best.inliers):
            best = _Registration(found[0], found[1], rotation)
        if best is not None and best.inliers >= 3 * MIN_INLIERS:
            break  # clearly this way up: spare the other orientation
    return best


def _warp(
    features: ScanFeatures, template: TemplateGeometry, found: _Registration, started: float
) -> Alignment:
    width, height = template.size
    factor, _ = features.resized(template.size)
    registered = cv2.warpPerspective(
        features.oriented(template.size, found.rotation),
        found.homography,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderValue=(255,),
    )
    angle, scale, _ = _similarity_of(found.homography)
    return Alignment(
        image=registered,
        rotation=found.rotation,
        inliers=found.inliers,
        angle=round(angle, 2),
        scale=round(scale / factor, 3),
        seconds=time.perf_counter() - started,
    )


def page_align(scan: GrayImage, template: TemplateGeometry) -> Alignment:
    """Register ``scan`` to ``template``; raise ``PageRejected`` with the reason if it cannot."""
    started = time.perf_counter()
    _page_check(scan)
    features = ScanFeatures(scan)
    found = _best_registration(features, template)
    if found is None:
        raise PageRejected(
            "page_no_match",
            "このページは選んだ様式と一致しません。別の様式か、様式以外の書類ではないか確認してください。",
            "This page does not match the chosen form; it may be another form or not a form at all.",
        )
    return _warp(features, template, found, started)


# --- which template is this page? (docs/adr/0089) ---------------------------------------------
# A page's score for a template is the share of the blank form's features that an accepted
# registration puts in place: RANSAC inliers ÷ the template's keypoints (0 when the
# registration is refused). Forms sharing a municipal frame (marks, addressee, table, footer)
# register to each other with a low score; the page's own form scores several times higher.
MATCH_MIN_SCORE = 0.12
MATCH_MARGIN = 1.5
# With more candidates than this, a cheap screen (the page's strongest features only) picks the
# finalists that are registered in full; the others keep no score.
MATCH_FINALISTS = 3
SCREEN_FEATURES = 600


@dataclass
class TemplateMatch:
    """The outcome of matching one page against the candidate templates."""

    # (template key, score), best first; every candidate is listed, None for one screened out.
    scores: list[tuple[Any, float | None]]
    key: Any = None  # the accepted template's key, None when no template is sure enough
    alignment: Alignment | None = None
    seconds: float = 0.0


def match_score(inliers: int, template: TemplateGeometry) -> float:
    return round(inliers / max(1, len(template.keypoints)), 4)


def _screen(
    features: ScanFeatures,
    candidates: list[tuple[Any, TemplateGeometry]],
    rotation: int,
    finalists: int,
) -> list[int]:
    """The candidates worth a full registration: all of them when few, else those whose blank
    form shares most ratio-tested matches with the page's strongest features."""
    if len(candidates) <= finalists:
        return list(range(len(candidates)))
    counts = []
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    for index, (_, geometry) in enumerate(candidates):
        found = features.features(geometry.size, rotation)
        count = 0
        if found is not None:
            keypoints, descriptors = found
            strongest = np.argsort([-point.response for point in keypoints])[:SCREEN_FEATURES]
            pairs = matcher.knnMatch(descriptors[strongest], geometry.descriptors, k=2)
            count = sum(1 for p in pairs if len(p) == 2 and p[0].distance < 0.75 * p[1].distance)
        counts.append((count, -index))
    ranked = sorted(range(len(candidates)), key=lambda i: counts[i], reverse=True)
    return ranked[:finalists]


def _decide(scores: dict[int, float], min_score: float, margin: float) -> int | None:
    order = sorted(scores, key=lambda i: -scores[i])
    if not order:
        return None
    best = order[0]
    runner_up = scores[order[1]] if len(order) > 1 else 0.0
    if scores[best] >= min_score and scores[best] >= margin * runner_up:
        return best
    return None


def page_match(
    scan: GrayImage,
    candidates: list[tuple[Any, TemplateGeometry]],
    *,
    min_score: float = MATCH_MIN_SCORE,
    margin: float = MATCH_MARGIN,
    finalists: int = MATCH_FINALISTS,
) -> TemplateMatch:
    """Find which of ``candidates`` (key, geometry) the page is, and register it to that one.

    The best template is taken when its score reaches ``min_score`` and is at least ``margin``
    times the runner-up's. The page is tried upright first; turned 180° only when no template
    is accepted upright. Raises ``PageRejected`` for a blank or tiny page; a page no template
    is sure enough for comes back with ``key`` None and the candidates' scores.
    """
    started = time.perf_counter()
    _page_check(scan)
    features = ScanFeatures(scan)
    found: dict[int, _Registration] = {}
    scores: dict[int, float] = {}
    chosen: int | None = None
    for rotation in (0, 180):
        for index in _screen(features, candidates, rotation, finalists):
            geometry = candidates[index][1]
            registered = _register_features(features.features(geometry.size, rotation), geometry)
            score = match_score(registered[1], geometry) if registered is not None else 0.0
            if registered is not None and score > scores.get(index, 0.0):
                found[index] = _Registration(registered[0], registered[1], rotation)
            scores[index] = max(score, scores.get(index, 0.0))
        chosen = _decide(scores, min_score, margin)
        if chosen is not None:
            break
    ranked = sorted(
        range(len(candidates)), key=lambda i: -scores[i] if i in scores else float("inf")
    )
    match = TemplateMatch(scores=[(candidates[i][0], scores.get(i)) for i in ranked])
    if chosen is not None:
        match.key = candidates[chosen][0]
        match.alignment = _warp(features, candidates[chosen][1], found[chosen], started)
    match.seconds = time.perf_counter() - started
    return match


def zone_crop(image: GrayImage, box: tuple[int, int, int, int], *, inset: int = 3) -> GrayImage:
    x, y, w, h = box
    return image[max(0, y + inset) : y + h - inset, max(0, x + inset) : x + w - inset]


def zone_clean(
    registered: GrayImage, template: TemplateGeometry, box: tuple[int, int, int, int]
) -> GrayImage:
    """The zone with the form's own printing (ruling, guides) removed and contrast stretched."""
    crop = zone_crop(registered, box).copy()
    printed = zone_crop(template.printed_mask.astype(np.uint8), box).astype(bool)
    crop[printed] = 255
    low, high = int(crop.min()), int(crop.max())
    if high - low >= 60:
        stretched = (crop.astype(np.float32) - low) * (255.0 / (high - low))
        crop = np.clip(stretched, 0, 255).astype(np.uint8)
    return crop


def deskew(crop: GrayImage, *, max_degrees: float = 5.0) -> GrayImage:
    """Straighten a line of text tilted by a small angle (what registration left)."""
    points = cv2.findNonZero((crop < DARK).astype(np.uint8))
    if points is None or len(points) < 50:
        return crop
    (_, _), (w, h), angle = cv2.minAreaRect(points)
    if w < h:
        angle -= 90
    if abs(angle) < 0.5 or abs(angle) > max_degrees:
        return crop
    height, width = crop.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    rotated: GrayImage = cv2.warpAffine(crop, matrix, (width, height), borderValue=(255,))
    return rotated


@dataclass
class FieldReading:
    name: str
    type: str
    text: str
    confidence: float
    method: str


@dataclass
class PageReading:
    alignment: Alignment
    fields: list[FieldReading] = field(default_factory=list)
    read_seconds: float = 0.0


def mark_read(crop: GrayImage, field_type: str) -> tuple[str, float]:
    """A checkbox or seal zone: ("1" or "0", confidence) from its ink."""
    threshold = MARK_THRESHOLDS.get(field_type, 0.03)
    ratio = ink_ratio(crop)
    confidence = min(1.0, abs(ratio - threshold) / threshold)
    return ("1" if ratio >= threshold else "0"), round(confidence, 3)


def page_read(
    alignment: Alignment, template: TemplateGeometry, zones: list[ZoneSpec], engine: OcrEngine
) -> PageReading:
    """Read every zone of a registered page."""
    started = time.perf_counter()
    readings: dict[str, FieldReading] = {}
    text_zones: list[ZoneSpec] = []
    crops: list[GrayImage] = []
    for zone in zones:
        cleaned = zone_clean(alignment.image, template, zone.box)
        if zone.type in MARK_TYPES:
            value, confidence = mark_read(cleaned, zone.type)
            readings[zone.name] = FieldReading(zone.name, zone.type, value, confidence, "ink")
        else:
            text_zones.append(zone)
            crops.append(deskew(cleaned))
    for zone, crop, result in zip(text_zones, crops, engine.read_lines(crops), strict=True):
        rules = {key: value for key, value in zone.rules.items() if key != "required"}
        if not field_check(zone.type, ocr_repair(zone.type, result.text), rules).valid:
            # A reading its type rejects (令和6年929) is read again another way; the first
            # alternative the type accepts wins, otherwise the first reading stays. Readings
            # that disagree are uncertain: the confidence is capped so staff look at it.
            for alternative in engine.alternatives(crop):
                if field_check(zone.type, ocr_repair(zone.type, alternative.text), rules).valid:
                    result = ZoneText(
                        alternative.text,
                        min(alternative.confidence, DISAGREEMENT_CONFIDENCE),
                        alternative.method,
                    )
                    break
        readings[zone.name] = FieldReading(
            zone.name, zone.type, result.text, round(result.confidence, 4), result.method
        )
    return PageReading(
        alignment=alignment,
        fields=[readings[zone.name] for zone in zones],
        read_seconds=time.perf_counter() - started,
    )
