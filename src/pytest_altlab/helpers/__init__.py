"""Helpers for checks: they read state only, hide their own frames, and fail with a candidate's sentence."""
