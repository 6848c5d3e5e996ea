"""The Flask web UI: staff console, citizen portal and the one map."""
