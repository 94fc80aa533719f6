"""The web layer: one blueprint per audience (respond, admin, reflect). Thin by design."""
