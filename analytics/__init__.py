"""Dashboards and exports. Owns no tables of record: it only reads the other apps."""
