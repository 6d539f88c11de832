"""Files in and out: CSV and Excel .xlsx tables read as streams, exports written safely.

- ``columns``: a file format as a tuple of columns with English and Chinese
  headers; the one tuple both writes an export and reads an import, so
  kunnan reads back what it writes. Pure, no I/O.
- ``read``: open a CSV (UTF-8, UTF-8 with BOM or GB18030, detected) or .xlsx
  file and stream its rows with the row numbers a spreadsheet shows.
- ``write``: write CSV, .xlsx or JSON to a temporary file that is renamed into
  place, mode 0600, never through a symlink.
"""
