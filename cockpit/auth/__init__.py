"""Who uses the cockpit: accounts, wall-screen tokens, the audit log and the
web layer that checks them on every request (docs/security.md)."""
