"""The ``migrate`` command line: thin click commands over the library."""
