"""Web dashboard: Flask REST API, WebSocket live feed and static UI (served by gunicorn)."""
