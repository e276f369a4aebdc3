"""The dashboard: server-rendered pages (Jinja2, autoescaped) and the static files they use."""
