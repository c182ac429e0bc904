"""The `vnfeeds` command: a thin shell over the packages below (one module per command)."""
