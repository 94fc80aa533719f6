"""Staff accounts, their server-side sessions, passwords and the audit log."""
