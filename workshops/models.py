"""Sessions, registrations, school booking requests, homework and evaluations (see the workshops issue)."""
