"""Mail: backends, templates, contacts and mailings (invitations and reminders)."""
