"""Run axe-core on a Playwright page and fail on any WCAG 2.0 A/AA violation.

    from ukai.core.testing.axe import assert_accessible

    page.goto(live_server.url + "/")
    assert_accessible(page)

JIS X 8341-3:2016 corresponds to WCAG 2.0, hence the ``wcag2a`` and ``wcag2aa``
tags. Passing options to axe-playwright-python replaces its defaults, so the
options repeat ``resultTypes``.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]},
    "resultTypes": ["violations"],
}

_axe = Axe()


class AccessibilityViolation(AssertionError):
    """axe found at least one WCAG 2.0 A/AA violation on the page."""


def axe_violations(page: Any, *, context: str | None = None) -> list[dict[str, Any]]:
    """The violations axe finds on ``page`` (optionally within a CSS selector)."""
    results = _axe.run(page, context=context, options=AXE_OPTIONS)
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def violations_report(violations: list[dict[str, Any]], *, url: str = "") -> str:
    """A readable list: rule id, impact, help text and every offending node."""
    lines = [f"{len(violations)} accessibility violation(s) on {url or 'the page'}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation.get('help', '')}  <{violation.get('helpUrl', '')}>"
        )
        for node in violation.get("nodes", []):
            target = ", ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}")
            html = " ".join(str(node.get("html", "")).split())
            if html:
                lines.append(f"       {html[:200]}")
            summary = node.get("failureSummary")
            if summary:
                for detail in str(summary).splitlines():
                    lines.append(f"       {detail.strip()}")
    return "\n".join(lines)


def assert_accessible(page: Any, *, context: str | None = None) -> None:
    """Fail with a readable report if axe finds any WCAG 2.0 A/AA violation."""
    violations = axe_violations(page, context=context)
    if violations:
        raise AccessibilityViolation(violations_report(violations, url=page.url))
