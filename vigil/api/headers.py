"""The security headers every response carries, errors included."""

from __future__ import annotations

__all__ = ["CSP", "HEADER_PAIRS", "SECURITY_HEADERS"]

# Cytoscape.js 3.34 injects one fixed <style> rule for its container; its hash is allowed, nothing else inline.
_CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {_CYTOSCAPE_STYLE}; img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADER_PAIRS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
SECURITY_HEADERS = {k.decode(): v.decode() for k, v in HEADER_PAIRS}
