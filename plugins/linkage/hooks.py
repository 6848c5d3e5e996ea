"""Hook implementations of the `linkage` plugin (registered through the `jinzhi` entry point)."""
