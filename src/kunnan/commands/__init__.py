"""One thin Typer sub-app per noun. Commands parse, call one service, and render.

Modules here import only Typer and kunnan's light modules at the top; the
database, models and Rich tables are imported inside command bodies so that
``kunnan --help`` starts fast.
"""
