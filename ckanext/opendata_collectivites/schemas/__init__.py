"""Scheming schemas (dataset, resource, collectivité), presets, validators and hooks."""
