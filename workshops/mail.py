"""Mail for sessions: the event engine's time provider and the recipient context (event engine issue)."""
