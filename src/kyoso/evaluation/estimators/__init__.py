"""Effect-verification and portfolio estimators: plain data in, plain data out, no Django."""
