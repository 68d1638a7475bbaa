"""bw2wholesale: move Cisco BroadWorks customers to Webex Wholesale.

The import package is ``migrate``; the console script of the same name is a
thin click layer (``migrate.cli``) over the library modules beside it.
"""

__version__ = "0.1.0"
