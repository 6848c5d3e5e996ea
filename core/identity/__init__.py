"""Identities: national identity numbers, the population register, accounts and roles."""
