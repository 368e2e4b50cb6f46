"""Opinion maps, Polis CSV and Japanese text analysis on plain arrays and strings, no Django."""
