"""The built-in `linkage` plugin. See README.md: what it owns, implements and offers."""
