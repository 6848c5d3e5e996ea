"""Hook implementations of the `services` plugin (registered through the `jinzhi` entry point)."""
