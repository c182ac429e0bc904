"""Only for `scrapyd-deploy`, which builds the egg with ``setup.py bdist_egg``.

Everything (metadata, packages, the ``scrapy`` settings entry point) is in pyproject.toml.
"""

from setuptools import setup

setup()
