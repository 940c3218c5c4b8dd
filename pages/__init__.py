"""Dash pages, one module per route."""
