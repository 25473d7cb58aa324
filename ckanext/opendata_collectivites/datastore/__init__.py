"""Tabular resources loaded into CKAN's DataStore by a background job.

:mod:`.csvfile` reads French CSV files as they are (separators, encodings,
headers), :mod:`.types` guesses column types in PostgreSQL without ever
turning a code into a number, :mod:`.loader` streams the rows with ``COPY``,
:mod:`.jobs` runs in ``ckan jobs worker`` and :mod:`.status` keeps the outcome
shown on the resource page.
"""
