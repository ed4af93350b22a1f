"""The monthly KPI review: scoring, the scheme file, and team sheets."""
