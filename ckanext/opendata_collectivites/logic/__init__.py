"""The project's actions and auth functions (theme list, keyword cloud...)."""
