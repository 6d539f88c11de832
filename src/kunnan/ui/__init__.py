"""What users see: output formats (table, JSON, CSV), masking on screen, and messages."""
