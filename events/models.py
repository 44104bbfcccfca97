"""The event engine's models: mail templates, rules, the outbox and the event log (see the event engine issue)."""
