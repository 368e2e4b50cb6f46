"""Plane geometry for district maps, no Django."""
