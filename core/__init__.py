"""Jinzhi core: hook specifications, plugin loading, storage, areas, identity, audit, clock.

The core owns nothing domain-specific; services, grid governance and linkage are plugins.
"""
