"""The metrics of the dashboards, one module per family; importing this package registers them all."""
