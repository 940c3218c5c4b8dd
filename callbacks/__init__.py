"""Thin Dash callbacks, one module per page."""
