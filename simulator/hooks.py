"""Hook implementations of the simulator (its CLI commands)."""
