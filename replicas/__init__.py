"""Imitation portal sites served on loopback for the demo and the tests (imports only domain)."""
