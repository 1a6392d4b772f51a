"""Pre-boarding: checklists, background checks, start-date risk and start confirmation."""
