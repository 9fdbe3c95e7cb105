"""监督驾驶舱 — run it with ``python app.py``.

For a production WSGI server: ``gunicorn "app:create_server()"`` (see README).
"""

from cockpit.main import create_server, main

__all__ = ["create_server"]

if __name__ == "__main__":
    main()
