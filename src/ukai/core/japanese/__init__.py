"""Japanese text and code utilities shared by every Ukai module."""
