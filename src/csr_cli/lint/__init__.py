"""Checking a draft reply against the house tone: the rules file and the checker."""
