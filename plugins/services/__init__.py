"""The built-in `services` plugin. See README.md: what it owns, implements and offers."""
