"""Operating the app: JSON logs with request ids, Prometheus metrics and tracing.

Import the submodule you need (``logs``, ``metrics``, ``tracing``, ``readiness``):
importing this package alone sets nothing up, so job processes create no metric files.
"""
