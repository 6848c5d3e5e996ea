"""The built-in `grid` plugin. See README.md: what it owns, implements and offers."""
