"""Developer tools that read the code (not installed with the package)."""
