"""Mandatory training and the training record (SPEC §13)."""
