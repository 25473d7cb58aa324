"""Blueprints, template helpers and icons of the theme and keyword pages."""
