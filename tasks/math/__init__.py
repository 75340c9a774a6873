"""Procedural math task families."""
