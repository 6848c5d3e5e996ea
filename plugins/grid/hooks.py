"""Hook implementations of the `grid` plugin (registered through the `jinzhi` entry point)."""
