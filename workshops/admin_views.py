"""The coordinator's admin screens: sessions, participants, school requests, exports (workshops issue)."""
