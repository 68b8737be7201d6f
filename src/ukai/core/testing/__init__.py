"""Reusable test helpers for every Ukai module: browser pages, accessibility checks, sign-in."""
