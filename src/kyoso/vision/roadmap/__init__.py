"""The backcast roadmap arithmetic: plain numbers in and out, no Django."""
