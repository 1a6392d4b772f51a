"""Requisitions: intake, budget validation and approval chains routed by money."""
