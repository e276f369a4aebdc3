"""The ``vigil`` command line: a thin shell over the library."""
