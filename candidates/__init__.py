"""Candidates and applications: the pipeline, stages, reason codes, sources and interviews."""
