"""Models, engine and session set-up, and the schema version check."""
