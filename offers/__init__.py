"""Offers: versions, compensation components, band checks and approval chains."""
