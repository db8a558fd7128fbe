"""REST API v1 views (thin: authenticate, parse, call a service or ``apply``, reply)."""
