"""Agencies and contractors: vendors, rate cards, engagements, timesheets and invoices."""
