"""Component ids, layout builders and figures."""
