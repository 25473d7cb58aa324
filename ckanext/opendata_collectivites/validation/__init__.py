"""Validation of resources against their declared schema.data.gouv.fr schema.

``schemas`` (offline copies of the schemas), ``checks`` (SCDL custom checks),
``validator`` (Validata-style validation of a file), ``messages`` (French
wording and fixes), ``model`` (results table), ``jobs`` (background job),
``hooks`` (when to validate), ``actions`` (API), ``views`` (badges, report).
"""
