"""Packages for setuptools (the rest of the metadata is in setup.cfg).

The repository keeps its layout (``core/``, ``plugins/``, ``config/``, ``migrations/``), but each
folder installs under the project's own name -- ``rongtong.core``, ``rongtong.plugins`` … -- so
nothing generic lands in site-packages and a ``plugins/`` folder in the working directory cannot
shadow ours (issue 10 §2). ``rongtong`` itself is a namespace package; the editable install maps the
same names onto this checkout.
"""
from setuptools import find_packages, setup

FOLDERS = ("core", "plugins", "config", "migrations")

packages = [f"rongtong.{name}" for name in
            find_packages(include=[*FOLDERS, *(f"{folder}.*" for folder in FOLDERS)])]

setup(packages=packages, package_dir={f"rongtong.{folder}": folder for folder in FOLDERS})
